-- A channel's name is its stream's key and never changes; what people call it does: `title`
-- (NULL: the name). An archived channel stays readable and searchable, takes no new messages,
-- and is listed after the others.
ALTER TABLE channels ADD COLUMN title text;
ALTER TABLE channels ADD COLUMN archived_at timestamptz;
