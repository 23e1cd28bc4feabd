package io.agentbus.orchestrator;

import io.agentbus.stream.StreamName;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drops the event logs of workflows finished more than {@code orchestrator.eventsKeptSeconds} ago
 * (0: never). The workflow's row stays and is marked, so its status and outputs still answer and a
 * resume of its AG-UI runs is a clear 410 instead of an empty stream. Every orchestrator sweeps; the
 * rows a sweep takes are locked with SKIP LOCKED, so two nodes never drop the same log twice.
 */
final class EventRetention {

  private static final Logger LOG = LoggerFactory.getLogger(EventRetention.class);
  private static final int BATCH = 200;
  private static final String SWEEP = "WITH gone AS (SELECT id FROM workflows WHERE finished_at IS NOT NULL "
      + "AND events_dropped_at IS NULL AND finished_at < now() - make_interval(secs => $1) "
      + "ORDER BY finished_at LIMIT " + BATCH + " FOR UPDATE SKIP LOCKED), "
      + "dropped AS (DELETE FROM events e USING gone WHERE e.stream = $2 || gone.id) "
      + "UPDATE workflows w SET events_dropped_at = now() FROM gone WHERE w.id = gone.id";

  private final Pool pool;
  private final int keptSeconds;

  EventRetention(Pool pool, int keptSeconds) {
    this.pool = pool;
    this.keptSeconds = keptSeconds;
  }

  /** Sweeps every quarter of the retention (between 1 s and an hour) while the verticle lives; nothing at 0. */
  void start(Vertx vertx) {
    if (keptSeconds > 0) {
      long every = Math.max(1_000L, Math.min(3_600_000L, keptSeconds * 250L));
      vertx.setPeriodic(every, id -> sweep());
    }
  }

  Future<Integer> sweep() {
    return pool.preparedQuery(SWEEP).execute(Tuple.of(keptSeconds, StreamName.workflow("")))
        .map(rows -> rows.rowCount())
        .onSuccess(n -> {
          if (n > 0) {
            LOG.info("dropped the event logs of {} workflows finished more than {} s ago", n, keptSeconds);
          }
        })
        .onFailure(err -> LOG.warn("event retention sweep failed (next sweep retries): {}", err.getMessage()));
  }
}
