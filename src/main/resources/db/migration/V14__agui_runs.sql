-- AG-UI runs (PROTOCOL §11; the orchestrator owns this table): an AG-UI client's runId names a
-- stretch of one workflow — from its start, or from the decision of a gate (after_approval) — to
-- its next terminal event. A runId is unique per server: a second POST naming it is a 409 on any
-- node. Claimed before the workflow it starts exists (its id is derived from the runId), so no
-- foreign key.
CREATE TABLE agui_runs (
  run_id         text        PRIMARY KEY,
  thread_id      text        NOT NULL,
  workflow_id    text        NOT NULL,
  owner_id       text        NOT NULL,
  after_approval text,
  created_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX agui_runs_by_workflow ON agui_runs (workflow_id);
