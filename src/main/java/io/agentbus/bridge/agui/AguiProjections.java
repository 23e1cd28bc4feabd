package io.agentbus.bridge.agui;

import io.agentbus.stream.StreamHub;
import io.agentbus.stream.StreamName;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;

/**
 * The {@link AguiProjection}s of this bridge, one per workflow with an AG-UI stream here. A
 * projection is made by its first stream (one replay of the workflow's stream) and kept
 * {@link #IDLE_MS} after its last stream leaves, so a reload or a second device on this node finds
 * it ready; a run of more than {@link #KEEP_IMAGES} images is dropped as soon as nobody watches it,
 * to bound what an idle node holds. Everything runs on the hub's context.
 */
final class AguiProjections {

  static final long IDLE_MS = 30_000;
  static final int KEEP_IMAGES = 50_000;
  private final Vertx vertx;
  private final StreamHub hub;
  private final Map<String, AguiProjection> byWorkflow = new HashMap<>();
  private long sweeper = -1;

  AguiProjections(Vertx vertx, StreamHub hub) {
    this.vertx = vertx;
    this.hub = hub;
  }

  /** Attaches {@code stream} to the projection of {@code workflowId}, made (and read) when there is none. */
  void attach(String workflowId, AguiStream stream) {
    hub.context().runOnContext(v -> {
      AguiProjection p = byWorkflow.get(workflowId);
      if (p == null || p.failed()) {
        p = new AguiProjection(workflowId);
        byWorkflow.put(workflowId, p);
        AguiProjection made = p;
        hub.subscribe(StreamName.workflow(workflowId), made, 0L, seq -> AguiProjection.CAUGHT_UP)
            .onFailure(err -> {
              drop(made);
              made.fail(err);
            });
        if (sweeper < 0) {
          sweeper = vertx.setPeriodic(IDLE_MS / 3, id -> sweep());
        }
      }
      p.attach(stream);
    });
  }

  /** {@code stream} is over (ended, or its client gone): it leaves its workflow's projection. */
  void detach(String workflowId, AguiStream stream) {
    hub.context().runOnContext(v -> {
      AguiProjection p = byWorkflow.get(workflowId);
      if (p == null) {
        return;
      }
      p.detach(stream);
      if (!p.attached() && p.images.size() > KEEP_IMAGES) {
        drop(p);
      }
    });
  }

  private void sweep() {
    long now = System.currentTimeMillis();
    for (AguiProjection p : new ArrayList<>(byWorkflow.values())) {
      if (!p.attached() && p.idleSince > 0 && now - p.idleSince > IDLE_MS) {
        drop(p);
      }
    }
  }

  private void drop(AguiProjection p) {
    if (byWorkflow.remove(p.workflowId(), p)) {
      hub.unsubscribe(StreamName.workflow(p.workflowId()), p);
    }
  }

  /** How many workflows have a projection here (for tests and the benchmark's reading of memory). */
  int size() {
    return byWorkflow.size();
  }
}
