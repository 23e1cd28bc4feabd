package io.agentbus.router;

/** The router's SQL, in one place: the tables it owns, {@code channels} and {@code sessions}. */
final class RouterQueries {

  /** What {@link Channel#of} reads. */
  static final String CHANNEL_COLUMNS = "c.name, c.description, c.write_roles, c.created_by, c.created_at, c.kind, c.dm_agent, "
      + "c.title, c.archived_at";
  /** A channel's title, description and archived state ($2–$4 null: unchanged; $5 true: archive, false: restore). */
  static final String UPDATE_CHANNEL = "UPDATE channels c SET title = CASE WHEN $2::text IS NULL THEN c.title "
      + "WHEN $2 = '' THEN NULL ELSE $2 END, description = coalesce($3, c.description), "
      + "archived_at = CASE WHEN $4::boolean IS NULL THEN c.archived_at WHEN $4 THEN coalesce(c.archived_at, now()) END "
      + "WHERE c.name = $1 RETURNING " + CHANNEL_COLUMNS;
  static final String CHANNEL_BY_NAME = "SELECT " + CHANNEL_COLUMNS + " FROM channels c WHERE c.name = $1";
  /** The channels $1 may see: the public ones and those they are a member of; for a DM, the other member as peer. */
  static final String CHANNELS_FOR = "SELECT " + CHANNEL_COLUMNS + ", (SELECT min(m.user_id) FROM channel_members m "
      + "WHERE m.channel = c.name AND m.user_id <> $1) AS peer FROM channels c WHERE c.kind = 'public' "
      + "OR EXISTS (SELECT 1 FROM channel_members m WHERE m.channel = c.name AND m.user_id = $1) "
      + "ORDER BY c.archived_at IS NOT NULL, c.created_at, c.name";
  static final String MEMBER_IDS = "SELECT user_id FROM channel_members WHERE channel = $1";
  static final String CREATE_CHANNEL =
      "INSERT INTO channels AS c (name, description, write_roles, created_by, kind, dm_agent) VALUES ($1, $2, $3, $4, $5, $6) "
          + "ON CONFLICT (name) DO NOTHING RETURNING " + CHANNEL_COLUMNS;
  static final String IS_MEMBER = "SELECT 1 FROM channel_members WHERE channel = $1 AND user_id = $2";
  static final String MEMBERS = "SELECT m.user_id, m.added_by, m.added_at, p.display_name FROM channel_members m "
      + "LEFT JOIN user_profiles p ON p.user_id = m.user_id WHERE m.channel = $1 ORDER BY m.added_at, m.user_id";
  static final String ADD_MEMBER = "INSERT INTO channel_members (channel, user_id, added_by) VALUES ($1, $2, $3) "
      + "ON CONFLICT DO NOTHING";
  static final String REMOVE_MEMBER = "DELETE FROM channel_members WHERE channel = $1 AND user_id = $2 RETURNING user_id";
  static final String CLAIM_SESSION =
      "INSERT INTO sessions(session_id, user_id) VALUES ($1, $2) ON CONFLICT (session_id) DO NOTHING";
  static final String SESSION_OWNER = "SELECT user_id FROM sessions WHERE session_id = $1";

  /** Which of the names ($1, again as $2 and $3) are users: they claimed a session, named themselves or wrote a message. */
  static final String KNOWN_USERS = "SELECT DISTINCT user_id FROM sessions WHERE user_id = ANY($1) "
      + "UNION SELECT user_id FROM user_profiles WHERE user_id = ANY($2) "
      + "UNION SELECT DISTINCT author_id FROM messages WHERE author_id = ANY($3)";

  private RouterQueries() {}
}
