package io.agentbus.router;

/** The router's SQL, in one place: the tables it owns, {@code channels} and {@code sessions}. */
final class RouterQueries {

  static final String CHANNEL_BY_NAME =
      "SELECT name, description, write_roles, created_by, created_at FROM channels WHERE name = $1";
  static final String CHANNELS =
      "SELECT name, description, write_roles, created_by, created_at FROM channels ORDER BY created_at, name";
  static final String CREATE_CHANNEL =
      "INSERT INTO channels(name, description, write_roles, created_by) VALUES ($1, $2, $3, $4) "
          + "ON CONFLICT (name) DO NOTHING RETURNING name, description, write_roles, created_by, created_at";
  static final String CLAIM_SESSION =
      "INSERT INTO sessions(session_id, user_id) VALUES ($1, $2) ON CONFLICT (session_id) DO NOTHING";
  static final String SESSION_OWNER = "SELECT user_id FROM sessions WHERE session_id = $1";

  /** Which of the names ($1, again as $2) are users: they claimed a session or wrote a message. */
  static final String KNOWN_USERS = "SELECT DISTINCT user_id FROM sessions WHERE user_id = ANY($1) "
      + "UNION SELECT DISTINCT author_id FROM messages WHERE author_id = ANY($2)";

  private RouterQueries() {}
}
