package io.agentbus.stream;

import io.agentbus.bus.AppException;
import io.agentbus.bus.ErrorCode;
import io.agentbus.metrics.Metrics;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.pgclient.PgException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Appends events to streams: assigns seq, commits, then publishes — in that order, so an event is
 * acknowledged (the returned future) and seen by anyone only once it is durable (guarantee 1).
 *
 * <p>Batching: one statement is in flight per writer; everything appended meanwhile, for any
 * number of streams, goes into the next statement (up to {@link #MAX_BATCH} events), so batches
 * grow with load and a commit is shared by many events. The statement
 * ({@link StreamStore#append}) assigns consecutive seqs per stream, in append order; a deadlock or
 * serialization failure is retried.
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

  /**
   * One append: an event on one stream, or the copies of one event on several streams (a workflow
   * event on its workflow and session streams), which always share a statement: together or not at all.
   */
  private record Pending(String[] streams, String type, String payload, Fence fence, Promise<long[]> promise) {}

  /** The one statement a writer runs per batch: {@link StreamStore#append} outside unit tests. */
  @FunctionalInterface
  interface Statement {
    /** Appends the events (parallel arrays) and answers the first seq of each stream's events and failed fences. */
    Future<StreamStore.Appended> append(String[] streams, String[] types, String[] payloads, String[] fenceStreams,
        String[] fenceWriters);
  }

  private final Vertx vertx;
  private final Statement statement;
  /** For {@link #appendWith}; null in unit tests of the batching. */
  private final StreamStore store;
  private final Interest interest;
  private final Metrics metrics;
  private final ArrayDeque<Pending> queue = new ArrayDeque<>();
  /** Events (not appends) waiting in {@link #queue}. */
  private int queued;
  private boolean inFlight;

  public StreamWriter(Vertx vertx, StreamStore store, Interest interest, Metrics metrics) {
    this(vertx, store::append, store, interest, metrics);
  }

  StreamWriter(Vertx vertx, Statement statement, Interest interest, Metrics metrics) {
    this(vertx, statement, null, interest, metrics);
  }

  private StreamWriter(Vertx vertx, Statement statement, StreamStore store, Interest interest, Metrics metrics) {
    this.vertx = vertx;
    this.statement = statement;
    this.store = store;
    this.interest = interest;
    this.metrics = metrics;
  }

  /**
   * Appends one event. {@code payload} is the frame as a JSON object without stream and seq.
   * Completes with the seq once committed and published.
   */
  public Future<Long> append(String stream, String type, String payload) {
    return append(stream, type, payload, null);
  }

  /**
   * Appends one event only while {@code fence} holds (null: unconditionally); fails with
   * {@link Fence.Lost} when another writer claimed the fence's stream.
   */
  public Future<Long> append(String stream, String type, String payload, Fence fence) {
    return appendAll(new String[] {stream}, type, payload, fence).map(seqs -> seqs[0]);
  }

  /**
   * Appends one event to each of {@code streams} in one statement, so either every copy is stored
   * or none (a fence lost between two copies cannot split them). Completes with each copy's seq.
   */
  public Future<long[]> appendAll(String[] streams, String type, String payload, Fence fence) {
    if (payload.length() < 3 || payload.charAt(0) != '{') {
      return Future.failedFuture(new IllegalArgumentException("payload must be a non-empty JSON object"));
    }
    if (io.agentbus.bus.Json.hasEscapedNul(payload)) {
      // Refused alone, before batching: in a shared statement it would fail every event with it.
      return Future.failedFuture(AppException.invalid("text with NUL characters (U+0000) cannot be stored"));
    }
    if (queued >= MAX_QUEUED) {
      return Future.failedFuture(new AppException(ErrorCode.RATE_LIMITED,
          "the database is not keeping up; retry shortly"));
    }
    Promise<long[]> p = Promise.promise();
    queue.add(new Pending(streams, type, payload, fence, p));
    queued += streams.length;
    if (!inFlight) {
      flush();
    }
    return p.future();
  }

  /** One event to append in {@link #appendWith}: its type and its frame without stream and seq. */
  public record Append(String type, String payload) {}

  /**
   * A change and its events in one transaction: {@code work} reads and writes the caller's own
   * tables on the connection (locking what it changes) and answers the events that record the
   * change on {@code stream}; they are appended in the same transaction, published after its
   * commit, and the future completes with their seqs (empty: the change was a no-op and nothing
   * was appended). A deadlock or serialization failure runs {@code work} again, so it must only
   * touch the database.
   *
   * <p>Not batched like {@link #append}: a change that must read its current state under a lock
   * (an edit, a reaction's counts, a thread's summary) cannot share a statement with others. Its
   * events may commit between a batch's, which the hubs order by seq like any others.
   */
  public Future<List<Long>> appendWith(String stream,
      java.util.function.Function<io.vertx.sqlclient.SqlConnection, Future<List<Append>>> work) {
    return appendWith(stream, work, (conn, seqs) -> Future.succeededFuture(), 0);
  }

  /** The same, with {@code after} run in the transaction once the events have their seqs (to record them). */
  public Future<List<Long>> appendWith(String stream,
      java.util.function.Function<io.vertx.sqlclient.SqlConnection, Future<List<Append>>> work,
      java.util.function.BiFunction<io.vertx.sqlclient.SqlConnection, List<Long>, Future<Void>> after) {
    return appendWith(stream, work, after, 0);
  }

  private Future<List<Long>> appendWith(String stream,
      java.util.function.Function<io.vertx.sqlclient.SqlConnection, Future<List<Append>>> work,
      java.util.function.BiFunction<io.vertx.sqlclient.SqlConnection, List<Long>, Future<Void>> after, int attempt) {
    List<List<Append>> appended = new ArrayList<>(1);
    Future<List<Long>> tx = store.inTransaction(conn -> work.apply(conn).compose(events -> {
      appended.clear();
      appended.add(events);
      if (events.isEmpty()) {
        return Future.succeededFuture(List.<Long>of());
      }
      String[] types = events.stream().map(Append::type).toArray(String[]::new);
      String[] payloads = events.stream().map(Append::payload).toArray(String[]::new);
      return StreamStore.appendIn(conn, stream, types, payloads).compose(first -> {
        List<Long> seqs = new ArrayList<>(events.size());
        for (int i = 0; i < events.size(); i++) {
          seqs.add(first + i);
        }
        return after.apply(conn, seqs).map(seqs);
      });
    }));
    return tx.compose(seqs -> {
      List<Append> events = appended.get(0);
      for (int i = 0; i < seqs.size(); i++) {
        long seq = seqs.get(i);
        deliver(stream, Frame.text(stream, seq, events.get(i).payload()),
            new DeliveryOptions().addHeader(H_STREAM, stream).addHeader(H_SEQ, Long.toString(seq)));
      }
      return Future.succeededFuture(seqs);
    }, err -> attempt < MAX_RETRIES && isRetryable(err) ? appendWith(stream, work, after, attempt + 1)
        : Future.failedFuture(err));
  }

  /**
   * Completes once nothing appended is still waiting for the database (or after {@code maxMs}): a
   * stopping node lets what it accepted be committed, and acknowledged, before it goes.
   */
  public Future<Void> drained(long maxMs) {
    Promise<Void> done = Promise.promise();
    long deadline = System.currentTimeMillis() + maxMs;
    if (!inFlight && queue.isEmpty()) {
      return Future.succeededFuture();
    }
    vertx.setPeriodic(5, id -> {
      if ((!inFlight && queue.isEmpty()) || System.currentTimeMillis() >= deadline) {
        vertx.cancelTimer(id);
        done.complete();
      }
    });
    return done.future();
  }

  private void flush() {
    if (queue.isEmpty()) {
      inFlight = false;
      return;
    }
    inFlight = true;
    List<Pending> batch = new ArrayList<>(Math.min(queue.size(), MAX_BATCH));
    int events = 0;
    // Whole appends only: the copies of one event never straddle two statements.
    while (!queue.isEmpty() && (batch.isEmpty() || events + queue.peek().streams.length <= MAX_BATCH)) {
      Pending p = queue.poll();
      batch.add(p);
      events += p.streams.length;
    }
    queued -= events;
    write(batch, events, 0);
  }

  private void write(List<Pending> batch, int n, int attempt) {
    String[] streams = new String[n];
    String[] types = new String[n];
    String[] payloads = new String[n];
    String[] fenceStreams = new String[n];
    String[] fenceWriters = new String[n];
    int i = 0;
    for (Pending p : batch) {
      for (String stream : p.streams) {
        streams[i] = stream;
        types[i] = p.type;
        payloads[i] = p.payload;
        if (p.fence != null) {
          fenceStreams[i] = p.fence.stream();
          fenceWriters[i] = p.fence.writer();
        }
        i++;
      }
    }
    long t0 = System.nanoTime();
    statement.append(streams, types, payloads, fenceStreams, fenceWriters)
        .onComplete(ar -> {
          if (ar.failed() && attempt < MAX_RETRIES && isRetryable(ar.cause())) {
            write(batch, n, attempt + 1);
            return;
          }
          if (ar.succeeded()) {
            metrics.persistSeconds.observe((System.nanoTime() - t0) / 1e9);
            metrics.persistBatchSize.observe(n);
            Map<String, long[]> next = new HashMap<>();
            ar.result().firstSeq().forEach((stream, first) -> next.put(stream, new long[] {first}));
            Set<Fence> failed = ar.result().failed();
            for (Pending p : batch) {
              if (p.fence != null && failed.contains(p.fence)) {
                p.promise.fail(new Fence.Lost(p.fence));
                continue;
              }
              long[] seqs = new long[p.streams.length];
              for (int k = 0; k < seqs.length; k++) {
                String stream = p.streams[k];
                long seq = next.get(stream)[0]++;
                seqs[k] = seq;
                deliver(stream, Frame.text(stream, seq, p.payload),
                    new DeliveryOptions().addHeader(H_STREAM, stream).addHeader(H_SEQ, Long.toString(seq)));
              }
              p.promise.complete(seqs);
            }
          } else {
            for (Pending p : batch) {
              p.promise.fail(ar.cause());
            }
          }
          flush();
        });
  }

  /**
   * Sends a stream event to every node that follows the stream (none: nothing is sent). Untraced:
   * the trace of what wrote the event ends at its commit; a hub receiving it under that trace
   * would write it to every socket of the node under it (fan-out is not traced per delivery).
   */
  private void deliver(String stream, String body, DeliveryOptions opts) {
    opts.setTracingPolicy(io.vertx.core.tracing.TracingPolicy.IGNORE);
    for (String node : interest.targets(stream)) {
      vertx.eventBus().send(node, body, opts);
    }
  }

  private static boolean isRetryable(Throwable t) {
    return t instanceof PgException pe && ("40P01".equals(pe.getSqlState()) || "40001".equals(pe.getSqlState()));
  }
}
