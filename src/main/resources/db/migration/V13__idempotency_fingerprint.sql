-- What a key was first used for (a hash of the request's meaningful fields): a key reused with
-- another body or for another stream is a CONFLICT, never taken for a repeat of the first.
ALTER TABLE idempotency_keys ADD COLUMN fingerprint text;
