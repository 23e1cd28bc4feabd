-- Fencing per run, not per instance: every start, takeover and orphan cancel of a workflow bumps
-- its lease_epoch, and the run that took it writes as '<instance>#<epoch>' (the workflow stream's
-- writer, the saves' condition). A run that an instance abandoned and then took again is a new run
-- with a new epoch, so the old one's late writes are refused even though the instance is the same.
ALTER TABLE workflows ADD COLUMN lease_epoch bigint NOT NULL DEFAULT 0;
-- When the owner last renewed the lease (PostgreSQL's clock). A node that left one side's view of
-- the cluster keeps its workflows while it keeps renewing them here; only silent leases change hands.
ALTER TABLE workflows ADD COLUMN lease_renewed_at timestamptz;
