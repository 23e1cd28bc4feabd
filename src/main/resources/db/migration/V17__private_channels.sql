-- Private channels and direct messages (PROTOCOL §7.1). A channel is public (every signed-in user
-- reads it), private (its members only) or a dm (a private channel of two users, or of one user and
-- an agent role: dm_agent). Membership is checked on every read and write of a non-public channel,
-- never cached, so a removal holds at once on every node.
ALTER TABLE channels ADD COLUMN kind text NOT NULL DEFAULT 'public' CHECK (kind IN ('public', 'private', 'dm'));
ALTER TABLE channels ADD COLUMN dm_agent text;

CREATE TABLE channel_members (
  channel  text        NOT NULL REFERENCES channels (name),
  user_id  text        NOT NULL,
  added_by text        NOT NULL,
  added_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (channel, user_id)
);
CREATE INDEX channel_members_by_user ON channel_members (user_id);
