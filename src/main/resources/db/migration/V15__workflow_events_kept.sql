-- A finished workflow's event log may be dropped after orchestrator.eventsKeptSeconds (0: kept for
-- ever). The row stays — status, outputs, who asked — and events_dropped_at says the log is gone,
-- so a resume of one of its AG-UI runs is answered 410 rather than an empty or partial stream.
ALTER TABLE workflows ADD COLUMN events_dropped_at timestamptz;
CREATE INDEX workflows_finished_keeping_events ON workflows (finished_at)
  WHERE finished_at IS NOT NULL AND events_dropped_at IS NULL;
