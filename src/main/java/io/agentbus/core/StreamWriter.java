package io.agentbus.core;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.sqlclient.Pool;
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
 * <p>Batching: per stream at most one insert is in flight from this writer; events that arrive
 * meanwhile queue and go in the next statement together. One statement does it all: an upsert on
 * {@code streams} advances {@code last_seq} by the batch size (its row lock orders writers of the
 * same stream on every node) and the events are inserted from arrays with consecutive seqs.
 *
 * <p>Not thread-safe: use from the context of the verticle that created it.
 */
public final class StreamWriter {

  /** Header carrying seq on stream publications, so fan-out orders without parsing JSON. */
  public static final String H_SEQ = "seq";
  /** Header marking an ephemeral (unpersisted, unordered) stream publication; value = its kind. */
  public static final String H_EPHEMERAL = "eph";
  static final int MAX_BATCH = 500;

  private static final String APPEND_SQL =
      "WITH s AS (INSERT INTO streams(stream, last_seq) VALUES ($1, $2) "
          + "ON CONFLICT (stream) DO UPDATE SET last_seq = streams.last_seq + EXCLUDED.last_seq RETURNING last_seq), "
          + "i AS (INSERT INTO events(stream, seq, type, payload) "
          + "SELECT $1, s.last_seq - $2 + u.ord, u.type, u.payload FROM s, "
          + "unnest($3::text[], $4::text[]) WITH ORDINALITY AS u(type, payload, ord)) "
          + "SELECT last_seq FROM s";

  private record Pending(String type, String payload, Promise<Long> promise) {}

  private final Vertx vertx;
  private final Pool pool;
  private final Map<String, ArrayDeque<Pending>> queues = new HashMap<>();
  private final Map<String, Boolean> inFlight = new HashMap<>();

  public StreamWriter(Vertx vertx, Pool pool) {
    this.vertx = vertx;
    this.pool = pool;
  }

  /**
   * Appends one event. {@code payload} is the frame as a JSON object without stream and seq.
   * Completes with the seq once committed and published.
   */
  public Future<Long> append(String stream, String type, String payload) {
    if (payload.length() < 3 || payload.charAt(0) != '{') {
      return Future.failedFuture(new IllegalArgumentException("payload must be a non-empty JSON object"));
    }
    Promise<Long> p = Promise.promise();
    queues.computeIfAbsent(stream, s -> new ArrayDeque<>()).add(new Pending(type, payload, p));
    if (!inFlight.containsKey(stream)) {
      flush(stream);
    }
    return p.future();
  }

  private void flush(String stream) {
    ArrayDeque<Pending> q = queues.get(stream);
    if (q == null || q.isEmpty()) {
      queues.remove(stream);
      inFlight.remove(stream);
      return;
    }
    inFlight.put(stream, Boolean.TRUE);
    List<Pending> batch = new ArrayList<>(Math.min(q.size(), MAX_BATCH));
    while (!q.isEmpty() && batch.size() < MAX_BATCH) {
      batch.add(q.poll());
    }
    String[] types = new String[batch.size()];
    String[] payloads = new String[batch.size()];
    for (int i = 0; i < batch.size(); i++) {
      types[i] = batch.get(i).type;
      payloads[i] = batch.get(i).payload;
    }
    Tuple params = Tuple.tuple().addValue(stream).addValue((long) batch.size()).addValue(types).addValue(payloads);
    pool.preparedQuery(APPEND_SQL).execute(params).onComplete(ar -> {
      if (ar.succeeded()) {
        long last = ar.result().iterator().next().getLong(0);
        long first = last - batch.size() + 1;
        String address = Addresses.stream(stream);
        for (int i = 0; i < batch.size(); i++) {
          long seq = first + i;
          vertx.eventBus().publish(address, frame(stream, seq, batch.get(i).payload),
              new DeliveryOptions().addHeader(H_SEQ, Long.toString(seq)));
          batch.get(i).promise.complete(seq);
        }
      } else {
        for (Pending p : batch) {
          p.promise.fail(ar.cause());
        }
      }
      flush(stream);
    });
  }

  /** The wire frame of a stored event: stream and seq first, then the stored payload's fields. */
  public static String frame(String stream, long seq, String payload) {
    StringBuilder sb = new StringBuilder(payload.length() + stream.length() + 32);
    sb.append("{\"stream\":\"").append(stream).append("\",\"seq\":").append(seq).append(',');
    sb.append(payload, 1, payload.length());
    return sb.toString();
  }
}
