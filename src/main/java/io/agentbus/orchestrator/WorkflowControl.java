package io.agentbus.orchestrator;

import io.agentbus.bus.Addresses;
import io.agentbus.bus.AppException;
import io.agentbus.bus.Names;
import io.agentbus.bus.Principal;
import io.agentbus.bus.Requests;
import io.agentbus.bus.Services;
import io.agentbus.stream.WorkflowEvents;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import java.util.Map;

/**
 * Acting on one workflow from anywhere — cancel, pause, resume: the request reaches any
 * orchestrator instance, which does it when it holds the workflow's lease and otherwise forwards
 * it to the instance that does; a cancel of a workflow whose owner is gone ends it in the database.
 *
 * <p>Not thread-safe: the orchestrator verticle's context.
 */
final class WorkflowControl {

  private final Vertx vertx;
  private final WorkflowStore store;
  private final Map<String, WorkflowRun> runs;
  private final String instanceId;
  private final ApprovalGates gates;
  private final WorkflowEvents emitter;

  WorkflowControl(Vertx vertx, WorkflowStore store, Map<String, WorkflowRun> runs, String instanceId,
      ApprovalGates gates, WorkflowEvents emitter) {
    this.vertx = vertx;
    this.store = store;
    this.runs = runs;
    this.instanceId = instanceId;
    this.gates = gates;
    this.emitter = emitter;
  }

  /**
   * Cancels, pauses or resumes {@code workflowId} (or the caller's session's live workflow)
   * wherever it runs: here, or through the control address of the instance holding its lease.
   * The owner or an admin only.
   */
  Future<JsonObject> act(Principal who, String workflowId, String action) {
    Future<String> id;
    if (workflowId != null) {
      if (!Names.isId(workflowId)) {
        throw AppException.invalid("'workflowId' must match " + Names.ID.pattern());
      }
      id = Future.succeededFuture(workflowId);
    } else if (who.sessionId() != null) {
      id = store.runningInSession(who.sessionId()).compose(found -> found != null ? Future.succeededFuture(found)
          : Future.failedFuture(AppException.notFound("no running workflow in this session")));
    } else {
      throw AppException.invalid("'workflowId' is required here (no session to pick the running one from)");
    }
    return id.compose(store::get).compose(row -> {
      if (row == null) {
        return Future.failedFuture(AppException.notFound("no workflow '" + workflowId + "'"));
      }
      String wf = row.getString("workflowId");
      if (!who.isOwnerOr(row.getString("ownerId"), "admin")) {
        return Future.failedFuture(AppException.forbidden("workflow '" + wf + "' belongs to another user"));
      }
      if (WorkflowStore.TERMINAL.contains(row.getString("status"))) {
        return Future.succeededFuture(cancelReply(wf, false, row.getString("status")));
      }
      String owner = row.getString("leaseOwner");
      JsonObject ask = new JsonObject().put("action", action).put("workflowId", wf).put("by", who.userId());
      if (instanceId.equals(owner)) {
        return actHere(ask);
      }
      return vertx.eventBus().<JsonObject>request(Addresses.orchestratorControl(String.valueOf(owner)), ask,
              Requests.control())
          .map(Message::body)
          .recover(err -> !Services.noHandlers(err) ? Future.failedFuture(err)
              : action.equals("cancel") ? cancelOrphan(row, owner, who.userId())
              // Its node is gone: a survivor takes it over within seconds, then it can be paused or resumed.
              : Future.failedFuture(new AppException(io.agentbus.bus.ErrorCode.UNAVAILABLE,
                  "workflow '" + wf + "' is being taken over from a lost node; retry in a few seconds")));
    });
  }

  private static JsonObject cancelReply(String workflowId, boolean success, String status) {
    return new JsonObject().put("workflowId", workflowId).put("success", success).put("status", status);
  }

  Future<JsonObject> actHere(JsonObject ask) {
    String wf = ask.getString("workflowId");
    WorkflowRun run = runs.get(wf);
    if (run == null) {
      // The lease is this instance's (the caller saw it) but the run is not built yet: a takeover is
      // under way. Saying "not paused (unknown)" here would be a false answer; the caller retries.
      return Future.failedFuture(new AppException(io.agentbus.bus.ErrorCode.UNAVAILABLE,
          "workflow '" + wf + "' is being taken over here; retry in a moment"));
    }
    if (run.finished()) {
      return Future.succeededFuture(cancelReply(wf, false, run.status()));
    }
    String by = ask.getString("by");
    return switch (ask.getString("action")) {
      case "pause" -> Future.succeededFuture(run.pause(by).put("workflowId", wf));
      case "resume" -> run.resumeFrom(by).map(r -> r.put("workflowId", wf));
      default -> run.cancel(by).map(ok -> cancelReply(wf, ok, run.status()));
    };
  }

  /** The owner is gone from the cluster: end the workflow in the database and say so on its streams. */
  private Future<JsonObject> cancelOrphan(JsonObject row, String deadOwner, String by) {
    String wf = row.getString("workflowId");
    return store.cancelOrphan(wf, "cancelled by " + by, deadOwner, instanceId).compose(orphan -> {
      if (orphan == null) {
        return Future.succeededFuture(cancelReply(wf, false, "unknown"));
      }
      return gates.withdraw(wf, "cancelled by " + by)
          .compose(v -> emitter.emit(wf, orphan.sessionId(), "cancelled", new JsonObject().put("success", true)
              .put("cancelledBy", by), null, WorkflowEvents.fence(wf, orphan.writer())))
          .map(v -> cancelReply(wf, true, "cancelled"));
    });
  }
}
