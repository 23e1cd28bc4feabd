package io.agentbus.orchestrator.agent;

import io.vertx.core.Vertx;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which of the watched roles a worker serves, looked at every {@link #LOOK_MS} off the hot path:
 * a step of a role with a configured kind asks this table, not the cluster, so a partition (whose
 * cluster lookups can take seconds) never holds a step up, and a worker that registers for the role
 * takes its steps within one look — with no node restart.
 *
 * <p>Written on the orchestrator's context, read there too.
 */
final class WorkerRoles {

  static final long LOOK_MS = 2_000;
  private final Vertx vertx;
  private final Set<String> watched = ConcurrentHashMap.newKeySet();
  private final Set<String> served = ConcurrentHashMap.newKeySet();
  private long timer = -1;

  WorkerRoles(Vertx vertx) {
    this.vertx = vertx;
  }

  /** Looks at {@code role} from now on (and at once). */
  void watch(String role) {
    if (watched.add(role)) {
      look(role);
      if (timer < 0) {
        timer = vertx.setPeriodic(LOOK_MS, id -> watched.forEach(this::look));
      }
    }
  }

  boolean served(String role) {
    return served.contains(role);
  }

  private void look(String role) {
    WorkerAgent.served(vertx, role).onSuccess(yes -> {
      if (yes) {
        served.add(role);
      } else {
        served.remove(role);
      }
    });
  }
}
