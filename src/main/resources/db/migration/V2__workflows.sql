-- One row per workflow: what was asked, the resolved template (so any node can continue it),
-- where it stands, and which orchestrator owns it. The events themselves are in `events`
-- on workflow:<id> and session:<session_id>.
CREATE TABLE workflows (
  id           text PRIMARY KEY,
  name         text        NOT NULL,
  session_id   text        NOT NULL,
  owner_id     text        NOT NULL,           -- the user who started it
  status       text        NOT NULL,           -- pending running waiting_approval completed failed cancelled
  input        jsonb       NOT NULL,           -- {content, attachments}
  template     jsonb       NOT NULL,           -- the resolved steps, timeouts and retry policy
  current_step integer     NOT NULL DEFAULT 0, -- index of the step running (or next to run)
  outputs      jsonb       NOT NULL DEFAULT '{}'::jsonb, -- role -> outputs, after every step
  error        text,                           -- why it failed or was cancelled
  -- The lease: the orchestrator instance running it and until when. An owner renews it while
  -- alive; a row whose lease has run out may be taken over by another instance.
  lease_owner  text,
  lease_until  timestamptz,
  created_at   timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now(),
  finished_at  timestamptz,
  CONSTRAINT workflows_status_check CHECK (status IN
    ('pending', 'running', 'waiting_approval', 'completed', 'failed', 'cancelled'))
);

CREATE INDEX workflows_by_session ON workflows (session_id, created_at DESC);
CREATE INDEX workflows_active_leases ON workflows (lease_until)
  WHERE status IN ('pending', 'running', 'waiting_approval');
