-- A pending approval whose workflow ends (cancelled, failed) while waiting is withdrawn: status
-- 'cancelled', so a later decision is a CONFLICT and nothing expires after the workflow ended.
ALTER TABLE approvals DROP CONSTRAINT approvals_status_check;
ALTER TABLE approvals ADD CONSTRAINT approvals_status_check
  CHECK (status IN ('pending', 'approved', 'rejected', 'expired', 'cancelled'));
