package io.agentbus.orchestrator;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How long each role's agent takes, learnt from its completed steps per role and kind
 * ({@code agent_durations}, migration V18), so an ETA is a measurement and not the template's
 * guess ("about 7 min 30 s left" for a 5-second run). Every orchestrator records the steps it
 * runs and re-reads the table every {@link #REFRESH_MS}, so all nodes learn from all steps. A role
 * never measured has no expectation (null): clients then show no ETA.
 */
final class Durations {

  private static final Logger LOG = LoggerFactory.getLogger(Durations.class);
  static final long REFRESH_MS = 30_000;
  /** The mean follows the last ~20 steps (see the migration). */
  static final int WINDOW = 20;
  private static final String ALL = "SELECT role, kind, mean_ms FROM agent_durations";
  private static final String RECORD = "INSERT INTO agent_durations (role, kind, samples, mean_ms) VALUES ($1, $2, 1, $3) "
      + "ON CONFLICT (role, kind) DO UPDATE SET samples = agent_durations.samples + 1, "
      + "mean_ms = agent_durations.mean_ms + ($3 - agent_durations.mean_ms) / least(agent_durations.samples + 1, " + WINDOW
      + "), updated_at = now() RETURNING mean_ms";

  private final Pool pool;
  private final Function<String, String> kindOf;
  private final Map<String, Double> meanMs = new HashMap<>();

  Durations(Pool pool, Function<String, String> kindOf) {
    this.pool = pool;
    this.kindOf = kindOf;
  }

  Future<Void> start(Vertx vertx) {
    vertx.setPeriodic(REFRESH_MS, id -> load());
    return load();
  }

  private Future<Void> load() {
    return pool.query(ALL).execute().map(rows -> {
      rows.forEach(r -> meanMs.put(r.getString(0) + "/" + r.getString(1), r.getDouble(2)));
      return (Void) null;
    }).recover(e -> {
      LOG.warn("agent durations could not be read: {}", e.getMessage());
      return Future.succeededFuture();
    });
  }

  /** The expected duration of a step of {@code role} as it is played now, in ms; null when never measured. */
  Long expectedMs(String role) {
    Double m = meanMs.get(role + "/" + kindOf.apply(role));
    return m == null ? null : Math.round(m);
  }

  /** A completed step: learnt (best effort: an ETA is not worth failing a step for). */
  void record(String role, long ms) {
    String kind = kindOf.apply(role);
    pool.preparedQuery(RECORD).execute(Tuple.of(role, kind, (double) ms))
        .onSuccess(rows -> meanMs.put(role + "/" + kind, rows.iterator().next().getDouble(0)))
        .onFailure(e -> LOG.debug("an agent duration was not recorded: {}", e.getMessage()));
  }
}
