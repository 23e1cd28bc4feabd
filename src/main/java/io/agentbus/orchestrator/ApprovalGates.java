package io.agentbus.orchestrator;

import io.agentbus.bus.Addresses;
import io.agentbus.bus.AppException;
import io.agentbus.bus.ErrorCode;
import io.agentbus.bus.Requests;
import io.agentbus.bus.Services;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The orchestrator's side of the gate conversation with the approvals verticle: a workflow at a
 * gate asks approvals to open it ({@link Addresses#APPROVALS_OPEN}) and waits; the outcome comes
 * back on the instance's control address and completes the wait. The approvals verticle owns the
 * approvals table and decides exactly once; this class only matches outcomes to waiting runs.
 *
 * <p>The database is the truth for a waiting gate: a message with the outcome can miss this
 * instance (it held no run of the workflow at that moment, a partition, a takeover under way), so
 * every waiting gate also re-reads its approval every few seconds ({@link #recheck}) and takes a
 * decision found there.
 *
 * <p>Not thread-safe: the orchestrator verticle's context.
 */
final class ApprovalGates implements Gates {

  /** An open gate: the workflow waits on {@code decided}; {@code step} -1 for an outcome kept before its open. */
  private record Gate(String workflowId, int step, Promise<JsonObject> decided) {}

  private static final Logger LOG = LoggerFactory.getLogger(ApprovalGates.class);

  private final Vertx vertx;
  private final boolean localApprovals;
  private final Map<String, Gate> open = new HashMap<>();

  /** @param localApprovals this node runs an approvals verticle (gates are then opened there) */
  ApprovalGates(Vertx vertx, boolean localApprovals) {
    this.vertx = vertx;
    this.localApprovals = localApprovals;
  }

  /**
   * Opens an approval gate and completes once it is decided or expired. Without an approvals
   * verticle in the cluster a gate cannot be passed, and the workflow fails saying so.
   */
  @Override
  public Future<JsonObject> open(GatedRun run, int step, JsonObject gate, JsonObject outputs) {
    return run.trace().end(run.trace().span("approval wait", run.trace().context()), opening(run, step, gate, outputs));
  }

  private Future<JsonObject> opening(GatedRun run, int step, JsonObject gate, JsonObject outputs) {
    JsonObject ask = new JsonObject().put("workflowId", run.workflowId()).put("sessionId", run.sessionId())
        .put("ownerId", run.ownerId()).put("step", step).put("gate", gate).put("agentOutputs", outputs);
    // The node's own approvals verticle when it has one: no cluster hop, and the creator is known.
    DeliveryOptions opts = new DeliveryOptions().setLocalOnly(localApprovals);
    return vertx.eventBus().<JsonObject>request(Addresses.APPROVALS_OPEN, ask, opts).map(Message::body)
        .recover(err -> Future.failedFuture(Services.noHandlers(err)
            ? new AppException(ErrorCode.NOT_FOUND, "no approvals service is deployed on this cluster")
            : err))
        .compose(opened -> {
          String approvalId = opened.getString("approvalId");
          if (run.finished()) {
            // Cancelled while the gate was being opened: withdraw what was just opened.
            return withdraw(run.workflowId(), "the workflow ended (" + run.status() + ")")
                .compose(v -> Future.failedFuture(new IllegalStateException("the workflow ended")));
          }
          Gate decidedEarly = open.remove(approvalId);
          if (decidedEarly != null) {
            return decidedEarly.decided().future();
          }
          Gate waiting = new Gate(run.workflowId(), step, Promise.promise());
          open.put(approvalId, waiting);
          return waiting.decided().future();
        });
  }

  /**
   * The gate of a workflow taken over from a dead node: the approvals verticle says where its
   * approval stands. Pending: wait for it as if opened here; decided or expired meanwhile: that
   * outcome, at once; never opened (or withdrawn): open it now.
   */
  @Override
  public Future<JsonObject> resume(GatedRun run, int step, JsonObject gate, JsonObject outputs) {
    JsonObject ask = new JsonObject().put("workflowId", run.workflowId()).put("step", step);
    io.opentelemetry.api.trace.Span wait = run.trace().span("approval wait", run.trace().context())
        .setAttribute("agentbus.resumed", true);
    return run.trace().end(wait, vertx.eventBus().<JsonObject>request(Addresses.APPROVALS_OF_STEP, ask,
            Requests.control().setLocalOnly(localApprovals))
        .map(Message::body)
        .compose(found -> {
          JsonObject a = found.getJsonObject("approval");
          String status = a == null ? null : a.getString("status");
          if (status == null || "cancelled".equals(status)) {
            return opening(run, step, gate, outputs);
          }
          if (!"pending".equals(status)) {
            return Future.succeededFuture(a);
          }
          Gate decidedEarly = open.remove(a.getString("approvalId"));
          if (decidedEarly != null) {
            return decidedEarly.decided().future();
          }
          Gate waiting = new Gate(run.workflowId(), step, Promise.promise());
          open.put(a.getString("approvalId"), waiting);
          return waiting.decided().future();
        }));
  }

  /** Withdraws the workflow's pending approvals (none deployed: nothing to withdraw). */
  @Override
  public Future<Void> withdraw(String workflowId, String reason) {
    JsonObject ask = new JsonObject().put("workflowId", workflowId).put("reason", reason);
    return vertx.eventBus().request(Addresses.APPROVALS_WITHDRAW, ask, Requests.control().setLocalOnly(localApprovals))
        .<Void>mapEmpty()
        .recover(err -> {
          if (!Services.noHandlers(err)) {
            LOG.warn("workflow {}: could not withdraw its pending approvals: {}", workflowId, err.toString());
          }
          return Future.succeededFuture();
        });
  }

  /**
   * A gate's outcome from the approvals verticle. It may come before the open request's reply; it
   * is kept for {@link #open} then, if the workflow is still {@code running} here.
   */
  JsonObject decided(JsonObject decision, Predicate<String> running) {
    String approvalId = decision.getString("approvalId");
    Gate waiting = open.remove(approvalId);
    if (waiting != null) {
      waiting.decided().tryComplete(decision);
    } else if (running.test(decision.getString("workflowId"))) {
      Gate early = new Gate(decision.getString("workflowId"), -1, Promise.promise());
      early.decided().complete(decision);
      open.put(approvalId, early);
    }
    return new JsonObject().put("taken", waiting != null);
  }

  /**
   * Re-reads the approval of every gate still waiting here and completes those decided or expired
   * meanwhile: a decision whose message never reached this run continues within seconds.
   */
  void recheck() {
    for (Map.Entry<String, Gate> e : new java.util.ArrayList<>(open.entrySet())) {
      Gate g = e.getValue();
      if (g.step() < 0 || g.decided().future().isComplete()) {
        continue;
      }
      JsonObject ask = new JsonObject().put("workflowId", g.workflowId()).put("step", g.step());
      vertx.eventBus().<JsonObject>request(Addresses.APPROVALS_OF_STEP, ask, Requests.control().setLocalOnly(localApprovals))
          .onSuccess(found -> {
            JsonObject a = found.body().getJsonObject("approval");
            if (a == null || !e.getKey().equals(a.getString("approvalId"))) {
              return;
            }
            String status = a.getString("status");
            if (!"pending".equals(status) && !"cancelled".equals(status) && open.remove(e.getKey(), g)) {
              LOG.info("workflow {}: its gate was {} by {} (read from the database)", g.workflowId(), status,
                  a.getString("decidedBy"));
              g.decided().tryComplete(a);
            }
          });
    }
  }

  /** Forgets the gates of workflows that ended (cancelled, failed) while waiting: never taken. */
  void forgetEnded(Predicate<String> running) {
    open.values().removeIf(g -> !running.test(g.workflowId()));
  }
}
