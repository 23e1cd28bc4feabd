-- The web UI (issue 15): the name each user shows to others, chosen by the user (the router owns
-- this table). A user without a row shows as their user id.
CREATE TABLE user_profiles (
  user_id      text        PRIMARY KEY,
  display_name text        NOT NULL CHECK (length(display_name) BETWEEN 1 AND 64),
  updated_at   timestamptz NOT NULL DEFAULT now()
);

-- A user's past sessions, newest first (GET /api/sessions), without scanning every workflow.
CREATE INDEX workflows_by_owner ON workflows (owner_id, created_at DESC);
