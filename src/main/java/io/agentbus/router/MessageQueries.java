package io.agentbus.router;

/**
 * The SQL on the chat tables of migration V7 ({@code messages}, {@code message_reactions},
 * {@code channel_reads}), which only the router touches (and the append statement, which writes a
 * new message's row with its {@code message} event: StreamStore, V10); the changes here run in the
 * transaction that appends their events ({@code StreamWriter.appendWith}).
 */
final class MessageQueries {

  /** What history, pins and search read of a message: {@link MessageView#of} takes the columns by name. */
  static final String COLUMNS = "m.message_id, m.seq, m.frame::text AS frame, m.content, m.thread_id, m.edited_at, "
      + "m.edited_by, m.mentions::text AS mentions, m.deleted_at, m.deleted_by, m.pinned, m.pinned_by, m.pinned_at, "
      + "m.reply_count, m.last_reply_at, m.participants, m.status";

  static final String CHANNEL_OF = "SELECT channel, thread_id, deleted_at FROM messages WHERE message_id = $1";
  static final String LOCK = "SELECT channel, thread_id, author_id, deleted_at, pinned FROM messages "
      + "WHERE message_id = $1 FOR UPDATE";

  static final String PAGE = "SELECT " + COLUMNS + " FROM messages m WHERE m.channel = $1 AND m.seq < $2 "
      + "ORDER BY m.seq DESC LIMIT $3";
  static final String PAGE_TOP_LEVEL = "SELECT " + COLUMNS + " FROM messages m WHERE m.channel = $1 AND m.seq < $2 "
      + "AND m.thread_id IS NULL ORDER BY m.seq DESC LIMIT $3";
  /** The pages after seq $2, oldest first (scrolling down from a jump into the past). */
  static final String PAGE_AFTER = "SELECT " + COLUMNS + " FROM messages m WHERE m.channel = $1 AND m.seq > $2 "
      + "ORDER BY m.seq LIMIT $3";
  static final String PAGE_AFTER_TOP_LEVEL = "SELECT " + COLUMNS + " FROM messages m WHERE m.channel = $1 "
      + "AND m.seq > $2 AND m.thread_id IS NULL ORDER BY m.seq LIMIT $3";
  static final String THREAD_PAGE = "SELECT " + COLUMNS + " FROM messages m WHERE m.thread_id = $1 AND m.seq < $2 "
      + "ORDER BY m.seq DESC LIMIT $3";
  static final String ONE = "SELECT " + COLUMNS + " FROM messages m WHERE m.message_id = $1";
  static final String PINS = "SELECT " + COLUMNS + " FROM messages m WHERE m.channel = $1 AND m.pinned "
      + "ORDER BY m.pinned_at DESC LIMIT 200";

  static final String EDIT = "UPDATE messages SET content = $2, edited_at = now(), edited_by = $3, mentions = $4::jsonb "
      + "WHERE message_id = $1 RETURNING edited_at";
  static final String DELETE = "UPDATE messages SET content = NULL, deleted_at = now(), deleted_by = $2, "
      + "pinned = false, pinned_by = NULL, pinned_at = NULL WHERE message_id = $1 RETURNING deleted_at";
  /** An agent's answer as it grows (§7.1); never a deleted one (a delete mid-answer stops it). */
  static final String AGENT_UPDATE = "UPDATE messages SET content = $2, status = $3 "
      + "WHERE message_id = $1 AND channel = $4 AND deleted_at IS NULL AND coalesce(status, 'streaming') = 'streaming' "
      + "AND frame->>'authorType' = 'agent' RETURNING message_id";
  static final String DELETE_REACTIONS = "DELETE FROM message_reactions WHERE message_id = $1";
  static final String PIN = "UPDATE messages SET pinned = $2, pinned_by = CASE WHEN $2 THEN $3 END, "
      + "pinned_at = CASE WHEN $2 THEN now() END WHERE message_id = $1";
  /** The root's summary with one more reply by $2 (locked by {@link #LOCK} first). */
  static final String THREAD_REPLY = "UPDATE messages SET reply_count = reply_count + 1, last_reply_at = now(), "
      + "participants = CASE WHEN $2 = ANY(participants) THEN participants ELSE participants || $2 END "
      + "WHERE message_id = $1 RETURNING reply_count, last_reply_at, participants";
  /** The root's summary with one reply fewer (a reply was deleted); participants stay. */
  static final String THREAD_UNREPLY = "UPDATE messages SET reply_count = greatest(reply_count - 1, 0) "
      + "WHERE message_id = $1 RETURNING reply_count, last_reply_at, participants";

  static final String REACT_ADD = "INSERT INTO message_reactions (message_id, emoji, user_id) VALUES ($1, $2, $3) "
      + "ON CONFLICT DO NOTHING";
  static final String REACT_REMOVE = "DELETE FROM message_reactions WHERE message_id = $1 AND emoji = $2 AND user_id = $3";
  static final String DISTINCT_EMOJI = "SELECT count(DISTINCT emoji) FROM message_reactions WHERE message_id = $1";
  /** Counts per emoji of one message, in the order each emoji was first used. */
  static final String COUNTS = "SELECT emoji, count(*) FROM message_reactions WHERE message_id = $1 "
      + "GROUP BY emoji ORDER BY min(created_at), emoji";
  /** Counts per (message, emoji) of a page, and whether $2 is among them. */
  static final String PAGE_REACTIONS = "SELECT message_id, emoji, count(*), bool_or(user_id = $2) "
      + "FROM message_reactions WHERE message_id = ANY($1) GROUP BY message_id, emoji "
      + "ORDER BY message_id, min(created_at), emoji";

  /** Moves the user's read marker forward (never back: several tabs may report). */
  static final String READ = "INSERT INTO channel_reads (user_id, channel, seq) VALUES ($1, $2, $3) "
      + "ON CONFLICT (user_id, channel) DO UPDATE SET seq = greatest(channel_reads.seq, EXCLUDED.seq) "
      + "RETURNING seq";
  /**
   * Per channel, the caller's read marker and the messages after it that others wrote and that
   * still stand, counted up to {@link Reads#UNREAD_CAP} (a count beyond it is shown as "cap+").
   */
  static final String UNREAD = "SELECT c.name, coalesce(r.seq, 0) AS read_seq, (SELECT count(*) FROM "
      + "(SELECT 1 FROM messages m WHERE m.channel = c.name AND m.seq > coalesce(r.seq, 0) AND m.author_id <> $1 "
      + "AND m.deleted_at IS NULL LIMIT " + Reads.UNREAD_CAP + ") x) AS unread "
      + "FROM channels c LEFT JOIN channel_reads r ON r.channel = c.name AND r.user_id = $1 "
      + "WHERE c.kind = 'public' OR EXISTS (SELECT 1 FROM channel_members cm WHERE cm.channel = c.name AND cm.user_id = $1)";

  /** A search ranks the newest this many matches (see {@link #SEARCH}). */
  static final int SEARCH_WINDOW = 300;

  /**
   * Ranked full-text search ({@code websearch_to_tsquery}: words, "phrases", OR, -word) over the
   * newest {@link #SEARCH_WINDOW} matches. Ranking reads every match it ranks, so ranking all of
   * them would cost a word found in half a million messages hundreds of milliseconds; the window
   * bounds it (a common word walks the newest messages until it has the window, a rare one comes
   * from the text index), and recent matches are what chat search is for. Pages go by (rank, id)
   * below the cursor; snippets are made for the page only, since {@code ts_headline} re-parses
   * each text. $2 channel (null: all), $3/$4 the cursor (null: from the top), $5 the page size + 1,
   * $6 the channels the caller may not read (private ones they are not in).
   */
  static final String SEARCH = "SELECT " + COLUMNS + ", m.channel, p.rank, p.id, "
      + "ts_headline('english', m.content, p.q, 'MaxFragments=1, MaxWords=24, MinWords=8, StartSel=**, StopSel=**') "
      + "AS snippet FROM (SELECT r.message_id, r.id, ts_rank_cd(r.search, r.q) AS rank, r.q "
      + "FROM (SELECT s.message_id, s.id, s.search, q FROM messages s, websearch_to_tsquery('english', $1) q "
      + "WHERE s.search @@ q AND s.deleted_at IS NULL AND ($2::text IS NULL OR s.channel = $2) "
      // Never a private channel or DM the caller ($6) is not in (one statement: no second query per search).
      + "AND NOT EXISTS (SELECT 1 FROM channels c WHERE c.name = s.channel AND c.kind <> 'public' "
      + "AND NOT EXISTS (SELECT 1 FROM channel_members cm WHERE cm.channel = c.name AND cm.user_id = $6)) "
      + "ORDER BY s.id DESC LIMIT " + SEARCH_WINDOW + ") r "
      + "WHERE ($3::real IS NULL OR (ts_rank_cd(r.search, r.q), r.id) < ($3::real, $4::bigint)) "
      + "ORDER BY rank DESC, r.id DESC LIMIT $5) p JOIN messages m ON m.message_id = p.message_id "
      + "ORDER BY p.rank DESC, p.id DESC";

  private MessageQueries() {}
}
