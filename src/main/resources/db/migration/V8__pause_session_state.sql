-- /pause and /resume: a workflow may be held between steps (PROTOCOL §7). A paused workflow keeps
-- its lease like a running one, so it is taken over with the rest when its node is lost.
ALTER TABLE workflows DROP CONSTRAINT workflows_status_check;
ALTER TABLE workflows ADD CONSTRAINT workflows_status_check CHECK (status IN
  ('pending', 'running', 'waiting_approval', 'paused', 'completed', 'failed', 'cancelled'));
DROP INDEX workflows_active_leases;
CREATE INDEX workflows_active_leases ON workflows (lease_until)
  WHERE status IN ('pending', 'running', 'waiting_approval', 'paused');

-- A session's working state (the orchestrator owns these): its mode (/mode), its epics (/epic)
-- and its sprints (/sprint). Workflows carry the epic and sprint they were started in, in their
-- input ({epicId, sprintId, mode}).
CREATE TABLE session_state (
  session_id text        PRIMARY KEY,
  mode       text        NOT NULL DEFAULT 'flow' CHECK (mode IN ('strict', 'rapid', 'flow', 'expert', 'learning')),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE epics (
  id          text        PRIMARY KEY,
  session_id  text        NOT NULL,
  title       text        NOT NULL,
  description text        NOT NULL DEFAULT '',
  status      text        NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
  created_by  text        NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  closed_at   timestamptz
);
-- At most one open epic per session: the one new workflows are filed under.
CREATE UNIQUE INDEX epics_one_open ON epics (session_id) WHERE status = 'open';

CREATE TABLE sprints (
  id          text        PRIMARY KEY,
  session_id  text        NOT NULL,
  minutes     integer     NOT NULL CHECK (minutes > 0),
  status      text        NOT NULL DEFAULT 'planned' CHECK (status IN ('planned', 'running', 'paused', 'ended')),
  started_at  timestamptz,
  ends_at     timestamptz,
  ended_at    timestamptz,
  pause_reason text,
  created_by  text        NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now()
);
-- At most one sprint that has not ended per session.
CREATE UNIQUE INDEX sprints_one_current ON sprints (session_id) WHERE status <> 'ended';
