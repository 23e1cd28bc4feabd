package io.agentbus.stream;

import io.agentbus.bus.AppException;
import io.agentbus.bus.ErrorCode;
import io.agentbus.metrics.Metrics;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Appends events to streams: assigns seq, commits, then publishes — in that order, so an event is
 * acknowledged (the returned future) and seen by anyone only once it is durable (guarantee 1).
 *
 * <p>Batching: one statement is in flight per writer; everything appended meanwhile, for any
 * number of streams, goes into the next statement (up to {@link #MAX_BATCH} events), so batches
 * grow with load and a commit is shared by many events. The statement upserts
 * {@code streams.last_seq} by each stream's count (rows taken in stream order, so concurrent writers
 * on other nodes never deadlock in practice; a deadlock is retried) and inserts the events with
 * consecutive seqs per stream, in append order. The row lock on {@code streams} orders writers of
 * the same stream across nodes.
 *
 * <p>Not thread-safe: use from the context of the verticle that created it.
 */
public final class StreamWriter {

  /** Header carrying seq on stream publications, so fan-out orders without parsing JSON. */
  public static final String H_SEQ = "seq";
  /** Header naming the stream of an event sent to a node ({@link Addresses#nodeEvents}). */
  public static final String H_STREAM = "stream";
  /** Header marking an ephemeral (unpersisted, unordered) stream publication; value = its kind. */
  public static final String H_EPHEMERAL = "eph";
  static final int MAX_BATCH = 1000;
  /** Events waiting for the database per writer; past it appends fail fast instead of piling up. */
  static final int MAX_QUEUED = 20_000;
  private static final int MAX_RETRIES = 3;

  private static final String APPEND_SQL =
      "WITH e AS (SELECT u.stream, u.type, u.payload, u.ord "
          + "FROM unnest($1::text[], $2::text[], $3::text[]) WITH ORDINALITY AS u(stream, type, payload, ord)), "
          + "c AS (SELECT stream, count(*)::bigint AS n FROM e GROUP BY stream), "
          + "s AS (INSERT INTO streams AS t (stream, last_seq) SELECT stream, n FROM c ORDER BY stream "
          + "ON CONFLICT (stream) DO UPDATE SET last_seq = t.last_seq + EXCLUDED.last_seq RETURNING t.stream, t.last_seq), "
          + "i AS (INSERT INTO events(stream, seq, type, payload) "
          + "SELECT e.stream, s.last_seq - c.n + row_number() OVER (PARTITION BY e.stream ORDER BY e.ord), e.type, e.payload "
          + "FROM e JOIN c ON c.stream = e.stream JOIN s ON s.stream = e.stream) "
          + "SELECT s.stream, s.last_seq, c.n FROM s JOIN c ON c.stream = s.stream";

  private record Pending(String stream, String type, String payload, Promise<Long> promise) {}

  private final Vertx vertx;
  private final Pool pool;
  private final Interest interest;
  private final Metrics metrics;
  private final ArrayDeque<Pending> queue = new ArrayDeque<>();
  private boolean inFlight;

  public StreamWriter(Vertx vertx, Pool pool, Interest interest) {
    this.vertx = vertx;
    this.pool = pool;
    this.interest = interest;
    this.metrics = Metrics.of(vertx);
  }

  /**
   * Appends one event. {@code payload} is the frame as a JSON object without stream and seq.
   * Completes with the seq once committed and published.
   */
  public Future<Long> append(String stream, String type, String payload) {
    if (payload.length() < 3 || payload.charAt(0) != '{') {
      return Future.failedFuture(new IllegalArgumentException("payload must be a non-empty JSON object"));
    }
    if (queue.size() >= MAX_QUEUED) {
      return Future.failedFuture(new AppException(ErrorCode.RATE_LIMITED,
          "the database is not keeping up; retry shortly"));
    }
    Promise<Long> p = Promise.promise();
    queue.add(new Pending(stream, type, payload, p));
    if (!inFlight) {
      flush();
    }
    return p.future();
  }

  private void flush() {
    if (queue.isEmpty()) {
      inFlight = false;
      return;
    }
    inFlight = true;
    List<Pending> batch = new ArrayList<>(Math.min(queue.size(), MAX_BATCH));
    while (!queue.isEmpty() && batch.size() < MAX_BATCH) {
      batch.add(queue.poll());
    }
    write(batch, 0);
  }

  private void write(List<Pending> batch, int attempt) {
    int n = batch.size();
    String[] streams = new String[n];
    String[] types = new String[n];
    String[] payloads = new String[n];
    for (int i = 0; i < n; i++) {
      Pending p = batch.get(i);
      streams[i] = p.stream;
      types[i] = p.type;
      payloads[i] = p.payload;
    }
    long t0 = System.nanoTime();
    pool.preparedQuery(APPEND_SQL).execute(Tuple.tuple().addValue(streams).addValue(types).addValue(payloads))
        .onComplete(ar -> {
          if (ar.failed() && attempt < MAX_RETRIES && isRetryable(ar.cause())) {
            write(batch, attempt + 1);
            return;
          }
          if (ar.succeeded()) {
            metrics.persistSeconds.observe((System.nanoTime() - t0) / 1e9);
            metrics.persistBatchSize.observe(n);
            Map<String, long[]> next = new HashMap<>();
            for (Row r : ar.result()) {
              next.put(r.getString(0), new long[] {r.getLong(1) - r.getLong(2) + 1});
            }
            for (Pending p : batch) {
              long seq = next.get(p.stream)[0]++;
              deliver(p.stream, frame(p.stream, seq, p.payload),
                  new DeliveryOptions().addHeader(H_STREAM, p.stream).addHeader(H_SEQ, Long.toString(seq)));
              p.promise.complete(seq);
            }
          } else {
            for (Pending p : batch) {
              p.promise.fail(ar.cause());
            }
          }
          flush();
        });
  }

  /** Sends a stream event to every node that follows the stream (none: nothing is sent). */
  private void deliver(String stream, String body, DeliveryOptions opts) {
    for (String node : interest.targets(stream)) {
      vertx.eventBus().send(node, body, opts);
    }
  }

  private static boolean isRetryable(Throwable t) {
    return t instanceof PgException pe && ("40P01".equals(pe.getSqlState()) || "40001".equals(pe.getSqlState()));
  }

  /** The wire frame of a stored event: stream and seq first, then the stored payload's fields. */
  public static String frame(String stream, long seq, String payload) {
    StringBuilder sb = new StringBuilder(payload.length() + stream.length() + 32);
    sb.append("{\"stream\":\"").append(stream).append("\",\"seq\":").append(seq).append(',');
    sb.append(payload, 1, payload.length());
    return sb.toString();
  }
}
