-- Single sign-on (auth.oidc.*): one row per browser session, so any node can renew it, sign it
-- out, or tell that it was signed out. The cookie carries a short-lived HS256 token naming `sid`;
-- the provider's refresh and ID tokens stay here, sealed (AES-GCM, a key derived from the JWT secret).
CREATE TABLE browser_sessions (
  sid           uuid PRIMARY KEY,
  user_id       text NOT NULL,
  roles         text[] NOT NULL,
  refresh_token bytea,
  id_token_hint bytea,
  created_at    timestamptz NOT NULL DEFAULT now(),
  renewed_until timestamptz NOT NULL,
  ends_at       timestamptz NOT NULL,
  revoked_at    timestamptz,
  revoked_why   text
);
CREATE INDEX browser_sessions_user ON browser_sessions (user_id);
CREATE INDEX browser_sessions_revoked ON browser_sessions (ends_at) WHERE revoked_at IS NOT NULL;

-- An operator's "sign this user out everywhere": tokens of the user issued before `before` (by
-- any issuer) are refused, and the user's browser sessions are revoked.
CREATE TABLE identity_revocations (
  user_id text PRIMARY KEY,
  before  timestamptz NOT NULL
);
