-- Streams: one row per ordered stream (channel:<name>, session:<id>, workflow:<id>).
-- last_seq is advanced in the same statement that inserts the events, so the row lock
-- serialises writers of one stream across all nodes and seq has no gaps.
CREATE TABLE streams (
  stream   text PRIMARY KEY,
  last_seq bigint NOT NULL DEFAULT 0
);

-- Every persisted event. payload is the server frame as JSON text without "stream" and "seq"
-- (they are prepended on the way out, so the stored bytes are what clients receive).
CREATE TABLE events (
  stream     text        NOT NULL,
  seq        bigint      NOT NULL,
  type       text        NOT NULL,
  payload    text        NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (stream, seq)
);

CREATE TABLE channels (
  name        text PRIMARY KEY,
  description text NOT NULL DEFAULT '',
  -- roles allowed to post; NULL = every authenticated user
  write_roles text[],
  created_by  text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now()
);

-- A session belongs to the user who first used it.
CREATE TABLE sessions (
  session_id text PRIMARY KEY,
  user_id    text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- Cluster-wide values decided once (e.g. the generated dev JWT secret).
CREATE TABLE settings (
  key   text PRIMARY KEY,
  value text NOT NULL
);

INSERT INTO channels (name, description, write_roles, created_by) VALUES
  ('general',  'Open conversation', NULL, 'system'),
  ('workflow', 'Workflow announcements and discussion', NULL, 'system'),
  ('agents',   'Talk with the role agents', NULL, 'system'),
  ('errors',   'Errors reported by agents and the system', '{admin,agent}', 'system');
