-- Operators (the admin verticle owns this table): every /admin call, allowed or refused. Append
-- only: the trigger refuses updates and deletes, so the trail cannot be edited through the
-- service's own connection. Bodies are never kept, only their size and sha256.
CREATE TABLE admin_audit (
  id          bigserial   PRIMARY KEY,
  at          timestamptz NOT NULL DEFAULT now(),
  actor       text,                         -- "admin-token", a JWT's user id, or NULL when unknown
  method      text        NOT NULL,
  path        text        NOT NULL,
  address     text,
  mode        text,
  body_bytes  integer     NOT NULL DEFAULT 0,
  body_sha256 text,
  outcome     text        NOT NULL,         -- ok | refused | failed | timeout
  status      integer     NOT NULL,
  remote      text
);

CREATE FUNCTION agentbus_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'admin_audit is append-only';
END $$;

CREATE TRIGGER admin_audit_append_only BEFORE UPDATE OR DELETE ON admin_audit
  FOR EACH ROW EXECUTE FUNCTION agentbus_audit_append_only();

-- Idempotent publishing (the router owns this table): a key a principal sent with a chat or an
-- admin publish, with where it was stored. Written in the transaction that stores the event, so
-- a key is never kept for an event that was not, nor an event stored twice for one key.
CREATE TABLE idempotency_keys (
  principal  text        NOT NULL,
  key        text        NOT NULL,
  stream     text        NOT NULL,
  seq        bigint,
  result     jsonb,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (principal, key)
);
CREATE INDEX idempotency_keys_by_age ON idempotency_keys (created_at);
