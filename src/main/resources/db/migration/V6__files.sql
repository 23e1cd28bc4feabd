-- Uploaded files (the uploads verticle owns these three tables). A file's bytes are in
-- file_chunks, so every node serves every file; its row is written last, after every chunk, so a
-- refused or failed upload leaves no row (its chunks are deleted; a crash's leftovers are swept).
CREATE TABLE files (
  id            text        PRIMARY KEY,
  owner_id      text        NOT NULL,
  session_id    text        NOT NULL,
  original_name text        NOT NULL,          -- data only: never a path anywhere
  content_type  text        NOT NULL,
  size          bigint      NOT NULL,
  sha256        text        NOT NULL,
  processed     jsonb       NOT NULL,          -- processedContent (PROTOCOL §8)
  text          text,                          -- extracted text for agents, bounded
  created_at    timestamptz NOT NULL DEFAULT now(),
  deleted_at    timestamptz
);
CREATE INDEX files_by_owner ON files (owner_id) WHERE deleted_at IS NULL;

CREATE TABLE file_chunks (
  file_id    text        NOT NULL,
  n          integer     NOT NULL,
  data       bytea       NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (file_id, n)
);

-- Where a file was attached: whoever may read there may download it.
CREATE TABLE file_links (
  file_id text NOT NULL,
  kind    text NOT NULL,                       -- channel | workflow
  ref     text NOT NULL,                       -- the channel name or workflow id
  PRIMARY KEY (file_id, kind, ref)
);
