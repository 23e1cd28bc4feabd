package io.agentbus.orchestrator;

import io.agentbus.bus.AppException;
import io.agentbus.stream.Fence;
import io.agentbus.stream.WorkflowEvents;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The durable record of one workflow run, written in order: its events (on the workflow and
 * session streams) and the saves of its row. A run never runs ahead of it — each transition waits
 * for its record — so what a client was told is in PostgreSQL.
 *
 * <p>While PostgreSQL is unavailable a write is retried (backing off to {@link #MAX_BACKOFF_MS}),
 * and the writes after it wait their turn: the workflow pauses where it is and continues, with
 * nothing missing, when the database is back. An event's copies (workflow and session streams) go
 * in one statement, so they are stored together or not at all, and a retry never stores one twice.
 * Every write is fenced by the run, not the instance: events by the run's claim on its workflow
 * stream ({@code <instance>#<epoch>}), saves by its lease and epoch. A fenced write means the
 * workflow has another run now (another orchestrator, or this one after its lease lapsed); the log
 * then refuses everything after it and tells the run to stop ({@code onLost}).
 *
 * <p>Not thread-safe: the orchestrator's event loop.
 */
final class RunLog {

  private static final Logger LOG = LoggerFactory.getLogger(RunLog.class);
  static final long FIRST_BACKOFF_MS = 200;
  static final long MAX_BACKOFF_MS = 5_000;
  /** Failures that are not an outage (a bug, a bad value) are tried this often, then given up. */
  static final int MAX_OTHER_ATTEMPTS = 3;

  private final Vertx vertx;
  private final WorkflowStore store;
  private final WorkflowEvents events;
  private final String workflowId;
  private final String sessionId;
  private final String owner;
  private final long epoch;
  private final Fence fence;
  private final Runnable onLost;
  private Future<?> tail = Future.succeededFuture();
  private boolean lost;
  private boolean outage;

  RunLog(Vertx vertx, WorkflowStore store, WorkflowEvents events, String workflowId, String sessionId, String owner,
      long epoch, Runnable onLost) {
    this.vertx = vertx;
    this.store = store;
    this.events = events;
    this.workflowId = workflowId;
    this.sessionId = sessionId;
    this.owner = owner;
    this.epoch = epoch;
    this.fence = WorkflowEvents.fence(workflowId, WorkflowStore.runToken(owner, epoch));
    this.onLost = onLost;
  }

  /** True once another run holds the workflow, or this one was stopped: nothing more is written. */
  boolean lost() {
    return lost;
  }

  /** The run stopped (its lease lapsed, or its node is stopping): nothing it asks for later is written. */
  void close() {
    lost = true;
  }

  /** True when nothing asked of this log is still waiting for the database. */
  boolean settled() {
    return tail.isComplete();
  }

  /** Appends an event after everything logged before it; completes once every copy is stored. */
  Future<Void> emit(String type, JsonObject fields) {
    return then(() -> events.emit(workflowId, sessionId, type, fields, null, fence, this::retrying));
  }

  /** Saves the row after everything logged before it; fails with {@link Fence.Lost} when the lease is gone. */
  Future<Void> save(String status, int step, JsonObject outputs, String error) {
    return then(() -> retrying(() -> store.update(workflowId, status, step, outputs, error, owner, epoch)
        .compose(owned -> owned ? Future.succeededFuture(0L) : Future.failedFuture(new Fence.Lost(fence)))))
        .mapEmpty();
  }

  private <T> Future<T> then(Supplier<Future<T>> write) {
    Future<T> next = tail.transform(prev -> lost ? Future.failedFuture(new Fence.Lost(fence)) : write.get());
    tail = next.onFailure(err -> {
      if (err instanceof Fence.Lost && !lost) {
        lost = true;
        LOG.warn("workflow {}: another orchestrator owns it now; this one writes nothing more for it", workflowId);
        onLost.run();
      }
    });
    return next;
  }

  /** One write, attempted again while the database is unavailable (a fenced write is never retried). */
  private Future<Long> retrying(Supplier<Future<Long>> write) {
    Promise<Long> done = Promise.promise();
    attempt(write, done, 1, FIRST_BACKOFF_MS);
    return done.future();
  }

  private void attempt(Supplier<Future<Long>> write, Promise<Long> done, int n, long backoff) {
    write.get().onComplete(ar -> {
      if (ar.succeeded()) {
        if (outage) {
          outage = false;
          LOG.info("workflow {}: the database is back; the workflow continues", workflowId);
        }
        done.complete(ar.result());
        return;
      }
      Throwable err = ar.cause();
      boolean unavailable = AppException.isUnavailable(err);
      if (err instanceof Fence.Lost || lost || !unavailable && n >= MAX_OTHER_ATTEMPTS) {
        if (!(err instanceof Fence.Lost) && !lost) {
          LOG.error("workflow {}: could not store its record", workflowId, err);
        }
        done.fail(err);
        return;
      }
      if (unavailable && !outage) {
        outage = true;
        LOG.warn("workflow {}: the database is unavailable; the workflow waits for it ({})", workflowId, err.toString());
      }
      vertx.setTimer(backoff, t -> attempt(write, done, n + 1, Math.min(MAX_BACKOFF_MS, backoff * 2)));
    });
  }
}
