package io.agentbus.router;

/** The router's SQL, in one place. */
final class RouterQueries {

  static final String CHANNEL_BY_NAME =
      "SELECT name, description, write_roles, created_by, created_at FROM channels WHERE name = $1";
  static final String CHANNELS_WITH_SEQ =
      "SELECT c.name, c.description, c.write_roles, c.created_by, c.created_at, COALESCE(s.last_seq, 0) AS last_seq "
          + "FROM channels c LEFT JOIN streams s ON s.stream = 'channel:' || c.name ORDER BY c.created_at, c.name";
  static final String CREATE_CHANNEL =
      "INSERT INTO channels(name, description, write_roles, created_by) VALUES ($1, $2, $3, $4) "
          + "ON CONFLICT (name) DO NOTHING RETURNING name, description, write_roles, created_by, created_at";
  static final String HISTORY_PAGE =
      "SELECT seq, payload FROM events WHERE stream = $1 AND seq < $2 ORDER BY seq DESC LIMIT $3";
  static final String CLAIM_SESSION =
      "INSERT INTO sessions(session_id, user_id) VALUES ($1, $2) ON CONFLICT (session_id) DO NOTHING";
  static final String SESSION_OWNER = "SELECT user_id FROM sessions WHERE session_id = $1";
  /** The session's owner and how many events its stream has (0: nothing happened in it yet). */
  static final String SESSION_OWNER_AND_SEQ = "SELECT s.user_id, COALESCE(st.last_seq, 0) FROM sessions s "
      + "LEFT JOIN streams st ON st.stream = 'session:' || s.session_id WHERE s.session_id = $1";
  static final String WORKFLOW_OWNER = "SELECT owner_id FROM workflows WHERE id = $1";

  private RouterQueries() {}
}
