package io.agentbus.stream;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Every statement on the {@code streams} and {@code events} tables (migration V1), and nothing
 * else touches them: the writer appends through {@link #append}, the hub, history and workflow
 * views read through the rest. The append statement also writes a channel message's row of the
 * router's chat projection ({@code messages}, V7/V10), so the row is committed with its event
 * and the batch stays one statement; the router owns every other statement on that table.
 *
 * <p>Events come back as wire frames ({@link Frame#text}), since every reader hands them to
 * clients as they are.
 */
public final class StreamStore {

  /** Events read per page when a hub fills a gap or a subscriber replays. */
  /** Events per read of a replay: a 10 000-event workflow is five round trips. */
  public static final int PAGE = 2000;

  /**
   * Seq in one statement: upserts {@code streams.last_seq} by each stream's count (rows taken in
   * stream order, so concurrent writers on other nodes do not deadlock in practice) and inserts the
   * events with consecutive seqs per stream, in the order given. The row lock on {@code streams}
   * orders writers of one stream across nodes.
   *
   * <p>Fencing, in the same statement: an event may name a fence, a stream whose
   * {@code streams.writer} must be the given writer ({@link #claimWriter}). The fence rows are read
   * {@code FOR SHARE}, so a claim by another writer waits for this statement, and the events of a
   * failed fence are left out (answered as rows with a null seq). Answers (stream, last_seq, count)
   * per stream, then (fence stream, null, null, writer) per failed fence.
   */
  private static final String APPEND =
      "WITH e0 AS (SELECT u.stream, u.type, u.payload, u.fstream, u.fwriter, u.ord "
          + "FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[]) "
          + "WITH ORDINALITY AS u(stream, type, payload, fstream, fwriter, ord)), "
          + "fw AS (SELECT st.stream, st.writer FROM streams st "
          + "WHERE st.stream IN (SELECT fstream FROM e0 WHERE fstream IS NOT NULL) FOR SHARE), "
          + "bad AS (SELECT DISTINCT e0.fstream, e0.fwriter FROM e0 LEFT JOIN fw ON fw.stream = e0.fstream "
          + "WHERE e0.fstream IS NOT NULL AND fw.writer IS DISTINCT FROM e0.fwriter), "
          + "e AS (SELECT * FROM e0 WHERE NOT EXISTS "
          + "(SELECT 1 FROM bad WHERE bad.fstream = e0.fstream AND bad.fwriter = e0.fwriter)), "
          + "c AS (SELECT stream, count(*)::bigint AS n FROM e GROUP BY stream), "
          + "s AS (INSERT INTO streams AS t (stream, last_seq) SELECT stream, n FROM c ORDER BY stream "
          + "ON CONFLICT (stream) DO UPDATE SET last_seq = t.last_seq + EXCLUDED.last_seq RETURNING t.stream, t.last_seq), "
          + "n AS (SELECT e.stream, s.last_seq - c.n + row_number() OVER (PARTITION BY e.stream ORDER BY e.ord) AS seq, "
          + "e.type, e.payload FROM e JOIN c ON c.stream = e.stream JOIN s ON s.stream = e.stream), "
          + "i AS (INSERT INTO events(stream, seq, type, payload) SELECT stream, seq, type, payload FROM n), "
          // A channel message's row of the chat projection (migration V7), in the same statement.
          + "m AS (INSERT INTO messages (message_id, channel, seq, thread_id, author_id, content, frame) "
          + "SELECT p->>'messageId', substr(stream, 9), seq, p->>'threadId', coalesce(p->>'authorId', ''), "
          + "coalesce(p->>'content', ''), p FROM (SELECT stream, seq, payload::jsonb AS p FROM n "
          + "WHERE type = 'message' AND stream LIKE 'channel:%') x WHERE p->>'messageId' IS NOT NULL "
          + "ON CONFLICT (message_id) DO NOTHING) "
          + "SELECT s.stream, s.last_seq, c.n, NULL::text FROM s JOIN c ON c.stream = s.stream "
          + "UNION ALL SELECT bad.fstream, NULL, NULL, bad.fwriter FROM bad";
  /** Makes {@code writer} the only one whose fenced appends to {@code stream} are taken. */
  private static final String CLAIM_WRITER = "INSERT INTO streams AS t (stream, last_seq, writer) VALUES ($1, 0, $2) "
      + "ON CONFLICT (stream) DO UPDATE SET writer = EXCLUDED.writer";
  private static final String LAST_SEQ = "SELECT last_seq FROM streams WHERE stream = $1";
  private static final String LAST_SEQS = "SELECT stream, last_seq FROM streams WHERE stream = ANY($1)";
  private static final String AFTER =
      "SELECT seq, payload FROM events WHERE stream = $1 AND seq > $2 AND seq < $3 ORDER BY seq LIMIT $4";
  /** The events in a range except those the caller already has: the holes between them. */
  private static final String MISSING = "SELECT seq, payload FROM events WHERE stream = $1 AND seq > $2 AND seq < $3 "
      + "AND NOT (seq = ANY($4)) ORDER BY seq LIMIT $5";
  private static final String BEFORE =
      "SELECT seq, payload FROM events WHERE stream = $1 AND seq < $2 ORDER BY seq DESC LIMIT $3";

  /** One stored event as clients receive it. */
  public record Event(long seq, String frame) {}

  /** What one append statement did: the first seq given to each stream's events, and the fences that failed. */
  record Appended(Map<String, Long> firstSeq, Set<Fence> failed) {}

  private final Pool pool;

  public StreamStore(Pool pool) {
    this.pool = pool;
  }

  /**
   * Appends events (parallel arrays, in order; a fence's stream and writer null for unfenced
   * events) and answers the first seq given to each stream's events, and the fences that failed.
   */
  Future<Appended> append(String[] streams, String[] types, String[] payloads, String[] fenceStreams,
      String[] fenceWriters) {
    return pool.preparedQuery(APPEND).execute(Tuple.tuple().addValue(streams).addValue(types).addValue(payloads)
            .addValue(fenceStreams).addValue(fenceWriters))
        .map(rows -> {
          Map<String, Long> first = new HashMap<>();
          Set<Fence> failed = Set.of();
          for (Row r : rows) {
            if (r.getLong(1) == null) {
              failed = failed.isEmpty() ? new HashSet<>() : failed;
              failed.add(new Fence(r.getString(0), r.getString(3)));
            } else {
              first.put(r.getString(0), r.getLong(1) - r.getLong(2) + 1);
            }
          }
          return new Appended(first, failed);
        });
  }

  /**
   * Appends events to one stream on {@code client}, part of the caller's transaction
   * ({@link StreamWriter#appendWith}); answers the first seq given (the rest follow in order).
   */
  static Future<Long> appendIn(SqlClient client, String stream, String[] types, String[] payloads) {
    String[] streams = new String[types.length];
    java.util.Arrays.fill(streams, stream);
    String[] none = new String[types.length];
    return client.preparedQuery(APPEND).execute(Tuple.tuple().addValue(streams).addValue(types).addValue(payloads)
            .addValue(none).addValue(none))
        .map(rows -> {
          Row r = rows.iterator().next();
          return r.getLong(1) - r.getLong(2) + 1;
        });
  }

  /** Runs {@code work} in one transaction of this store's pool. */
  <T> Future<T> inTransaction(java.util.function.Function<SqlConnection, Future<T>> work) {
    return pool.withTransaction(work);
  }

  /**
   * Claims {@code stream} for {@code writer}: from its commit on, appends fenced by this stream
   * are taken only from that writer. Run on {@code client} so a caller can make it part of its own
   * transaction (the orchestrator: together with taking a workflow's lease).
   */
  public static Future<Void> claimWriter(SqlClient client, String stream, String writer) {
    return client.preparedQuery(CLAIM_WRITER).execute(Tuple.of(stream, writer)).mapEmpty();
  }

  /** The stream's last seq (0: nothing was ever written to it). */
  public Future<Long> lastSeq(String stream) {
    return pool.preparedQuery(LAST_SEQ).execute(Tuple.of(stream))
        .map(rows -> rows.size() == 0 ? 0L : rows.iterator().next().getLong(0));
  }

  /** The last seq of each stream that has one (streams never written to are absent). */
  public Future<Map<String, Long>> lastSeqs(Collection<String> streams) {
    return pool.preparedQuery(LAST_SEQS).execute(Tuple.of(streams.toArray(new String[0]))).map(rows -> {
      Map<String, Long> seqs = new HashMap<>();
      for (Row r : rows) {
        seqs.put(r.getString(0), r.getLong(1));
      }
      return seqs;
    });
  }

  /** Events with {@code after < seq < before}, oldest first, at most {@code limit}. */
  public Future<List<Event>> after(String stream, long after, long before, int limit) {
    return read(stream, AFTER, Tuple.of(stream, after, before, limit));
  }

  /**
   * The events with {@code after < seq < before} except the seqs in {@code known}, oldest first, at
   * most {@code limit}: every hole of a range in one read, without reading what the caller holds.
   */
  public Future<List<Event>> missing(String stream, long after, long before, Long[] known, int limit) {
    return read(stream, MISSING, Tuple.tuple().addValue(stream).addValue(after).addValue(before).addValue(known)
        .addValue(limit));
  }

  /** The {@code limit} events just before {@code before}, newest first. */
  public Future<List<Event>> before(String stream, long before, long limit) {
    return read(stream, BEFORE, Tuple.of(stream, before, limit));
  }

  private Future<List<Event>> read(String stream, String sql, Tuple args) {
    return pool.preparedQuery(sql).execute(args).map(rows -> {
      List<Event> events = new ArrayList<>(rows.size());
      for (Row r : rows) {
        long seq = r.getLong(0);
        events.add(new Event(seq, Frame.text(stream, seq, r.getString(1))));
      }
      return events;
    });
  }
}
