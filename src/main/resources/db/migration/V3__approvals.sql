-- Human-in-the-loop approvals (seed 001's table, for workflow gates): the audit trail of who
-- decided what, and when. A row leaves 'pending' exactly once: the decision and the expiry are
-- both conditional updates on status = 'pending', so the first to commit wins cluster-wide.
CREATE TABLE approvals (
  id            text        PRIMARY KEY,
  workflow_id   text        NOT NULL REFERENCES workflows(id),
  session_id    text        NOT NULL,
  owner_id      text        NOT NULL,          -- the workflow's owner
  step          integer     NOT NULL,          -- the gate's step in the workflow
  title         text        NOT NULL,
  description   text        NOT NULL DEFAULT '',
  required_by   text        NOT NULL,          -- owner | approver | admin | user:<id>
  request_data  jsonb       NOT NULL,          -- {agentOutputs, gate}
  status        text        NOT NULL DEFAULT 'pending',
  response_data jsonb,                         -- {action, feedback, modifications}
  decided_by    text,                          -- a user id, or 'system' for an expiry
  requested_at  timestamptz NOT NULL DEFAULT now(),
  responded_at  timestamptz,
  expires_at    timestamptz NOT NULL,
  CONSTRAINT approvals_status_check CHECK (status IN ('pending', 'approved', 'rejected', 'expired'))
);

CREATE INDEX approvals_pending_by_deadline ON approvals (expires_at) WHERE status = 'pending';
CREATE INDEX approvals_by_workflow ON approvals (workflow_id);
