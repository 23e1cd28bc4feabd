-- The writer that may append fenced events to a stream (a workflow's owning orchestrator): an
-- append fenced by this stream is taken only while the writer is still the one it names.
ALTER TABLE streams ADD COLUMN writer text;
