-- Chat, complete (the router owns these three tables).
--
-- messages is the current state of every channel message, kept for history, search, pins,
-- threads and unread counts. The events of the channel's stream stay the record; this table is
-- derived from them in the same transaction:
--   * a new message row is inserted by the trigger below, in the statement that appends the
--     `message` event (so the batched writer stays one statement per batch, and a message is
--     searchable exactly when it is committed);
--   * a change (edit, delete, pin, reaction, thread reply) is made by the router in one
--     transaction that locks the message row, updates it and appends the change's event.
CREATE TABLE messages (
  id            bigserial   UNIQUE,             -- insertion order: the search cursor's tie-break
  message_id    text        PRIMARY KEY,
  channel       text        NOT NULL,
  seq           bigint      NOT NULL,           -- of the `message` event on channel:<name>
  thread_id     text,                           -- the root's message_id for a thread reply
  author_id     text        NOT NULL,
  content       text,                           -- NULL once deleted (a tombstone keeps no content)
  frame         jsonb       NOT NULL,           -- the `message` event as first stored
  created_at    timestamptz NOT NULL DEFAULT now(),
  edited_at     timestamptz,
  edited_by     text,
  mentions      jsonb,                          -- after an edit: the edited content's mentions
  deleted_at    timestamptz,
  deleted_by    text,
  pinned        boolean     NOT NULL DEFAULT false,
  pinned_by     text,
  pinned_at     timestamptz,
  reply_count   integer     NOT NULL DEFAULT 0, -- thread summary, on roots
  last_reply_at timestamptz,
  participants  text[]      NOT NULL DEFAULT '{}',
  -- Re-indexed by every edit, emptied by a delete, in the same row write.
  search        tsvector    GENERATED ALWAYS AS (to_tsvector('english', coalesce(content, ''))) STORED
);
CREATE INDEX messages_by_channel ON messages (channel, seq);
CREATE INDEX messages_by_thread ON messages (thread_id, seq) WHERE thread_id IS NOT NULL;
CREATE INDEX messages_pinned ON messages (channel, pinned_at) WHERE pinned;
CREATE INDEX messages_search ON messages USING gin (search);

-- One row per (message, emoji, user): adding twice is a no-op by the key.
CREATE TABLE message_reactions (
  message_id text        NOT NULL,
  emoji      text        NOT NULL,
  user_id    text        NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (message_id, emoji, user_id)
);

-- How far each user has read each channel (seq of its stream); unread counts start here.
CREATE TABLE channel_reads (
  user_id    text   NOT NULL,
  channel    text   NOT NULL,
  seq        bigint NOT NULL,
  PRIMARY KEY (user_id, channel)
);

CREATE FUNCTION agentbus_project_messages() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO messages (message_id, channel, seq, thread_id, author_id, content, frame)
  SELECT p->>'messageId', substr(n.stream, 9), n.seq, p->>'threadId', coalesce(p->>'authorId', ''),
         coalesce(p->>'content', ''), p
  FROM (SELECT stream, seq, payload::jsonb AS p FROM new_events
        WHERE type = 'message' AND stream LIKE 'channel:%') n
  WHERE p->>'messageId' IS NOT NULL
  ON CONFLICT (message_id) DO NOTHING;
  RETURN NULL;
END $$;

CREATE TRIGGER events_project_messages AFTER INSERT ON events
  REFERENCING NEW TABLE AS new_events FOR EACH STATEMENT EXECUTE FUNCTION agentbus_project_messages();

-- Messages stored before this migration.
INSERT INTO messages (message_id, channel, seq, thread_id, author_id, content, frame, created_at)
SELECT p->>'messageId', substr(e.stream, 9), e.seq, p->>'threadId', coalesce(p->>'authorId', ''),
       coalesce(p->>'content', ''), p, e.created_at
FROM (SELECT stream, seq, created_at, payload::jsonb AS p FROM events
      WHERE type = 'message' AND stream LIKE 'channel:%') e
WHERE p->>'messageId' IS NOT NULL
ON CONFLICT (message_id) DO NOTHING;
