package io.agentbus.orchestrator;

import io.agentbus.stream.StreamName;
import io.agentbus.stream.StreamStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes over the workflows of orchestrators that stopped renewing their leases (PROTOCOL
 * guarantee 6): every instance sweeps every {@link #SWEEP_MS}; a workflow whose lease ran out is
 * taken by exactly one ({@code FOR UPDATE SKIP LOCKED}), which in the same transaction claims the
 * workflow stream's writer, so a frozen previous owner that wakes up can neither save nor emit
 * anything for it. The new owner rebuilds where the run stood from the events the old one stored
 * ({@link RunState#recover}) and continues it ({@link WorkflowRun#resume}).
 *
 * <p>Not thread-safe: the orchestrator verticle's context.
 */
final class Takeover {

  private static final Logger LOG = LoggerFactory.getLogger(Takeover.class);
  static final long SWEEP_MS = 1_000;
  /** Slack over one renewal interval before a departed node's silent leases are ended. */
  static final long LEFT_MARGIN_MS = 1_000;
  /** Workflows taken per sweep by one instance, so a dead node's load spreads over the survivors. */
  static final int BATCH = 20;
  /** Events read per page when rebuilding a run. */
  private static final int PAGE = 1_000;

  /** Continues a taken-over workflow here. */
  @FunctionalInterface
  interface Resume {
    /** @param sent {@link System#nanoTime} before the claim was sent: the new run's lease is measured from it */
    void resume(JsonObject row, Template template, RunState state, long sent);
  }

  private final Vertx vertx;
  private final WorkflowStore store;
  private final StreamStore streams;
  private final String instanceId;
  private final int leaseSeconds;
  private final Resume resume;
  private final java.util.function.Supplier<java.util.Set<String>> held;
  private boolean sweeping;

  /** @param held the workflows this instance runs now: never taken by its own sweep */
  Takeover(Vertx vertx, WorkflowStore store, StreamStore streams, String instanceId, int leaseSeconds,
      java.util.function.Supplier<java.util.Set<String>> held, Resume resume) {
    this.held = held;
    this.vertx = vertx;
    this.store = store;
    this.streams = streams;
    this.instanceId = instanceId;
    this.leaseSeconds = leaseSeconds;
    this.resume = resume;
  }

  void start() {
    vertx.setPeriodic(SWEEP_MS, id -> sweep());
    // A node that dies is removed from the cluster within about a second: its workflows need not
    // wait for their leases to run out. But a node that left only this side's view (a partition)
    // is alive and still renewing in PostgreSQL, which arbitrates: so wait one renewal interval and
    // end only the leases that were not renewed in it. One survivor's update is enough.
    io.vertx.core.Context context = vertx.getOrCreateContext();
    long renewMs = leaseSeconds * 1000L / 3;
    long waitMs = renewMs + LEFT_MARGIN_MS;
    io.agentbus.bus.ClusterMembers.onLeft(vertx, node -> context.runOnContext(v -> vertx.setTimer(waitMs,
        t -> store.expireLeasesOfNode(node, waitMs / 1000.0)
            .onSuccess(n -> {
              if (n > 0) {
                LOG.info("node {} left the cluster and stopped renewing: its {} workflow lease(s) ended, taking over",
                    node, n);
                sweep();
              }
            }))));
  }

  private void sweep() {
    if (sweeping) {
      return;
    }
    sweeping = true;
    long sent = System.nanoTime();
    store.takeOver(instanceId, leaseSeconds, BATCH, held.get())
        .compose(rows -> {
          List<Future<Void>> resumed = new ArrayList<>();
          for (JsonObject row : rows) {
            resumed.add(continueHere(row, sent).onFailure(e -> LOG.error("workflow {}: could not continue it after "
                + "taking it over", row.getString("workflowId"), e)));
          }
          return Future.join(resumed);
        })
        .onComplete(ar -> {
          sweeping = false;
          if (ar.failed()) {
            LOG.debug("takeover sweep failed (the next one retries): {}", ar.cause().toString());
          }
        });
  }

  private Future<Void> continueHere(JsonObject row, long sent) {
    String id = row.getString("workflowId");
    Template template = Template.fromJson(row.getJsonObject("template"));
    int step = row.getInteger("currentStep");
    return events(StreamName.workflow(id), 0, new ArrayList<>()).map(events -> {
      RunState state = RunState.recover(events, template, step);
      if (state.ended) {
        LOG.warn("workflow {}: its stream has its end but its row says {}; left as it is", id, row.getString("status"));
        return null;
      }
      LOG.info("workflow {} taken over at step {} ({}), {} events recovered", id, step + 1, row.getString("status"),
          events.size());
      resume.resume(row, template, state, sent);
      return null;
    });
  }

  /** Every event of the stream, oldest first. */
  private Future<List<JsonObject>> events(String stream, long after, List<JsonObject> into) {
    return streams.after(stream, after, Long.MAX_VALUE, PAGE).compose(page -> {
      page.forEach(e -> into.add(new JsonObject(e.frame())));
      return page.size() < PAGE ? Future.succeededFuture(into) : events(stream, page.get(page.size() - 1).seq(), into);
    });
  }
}
