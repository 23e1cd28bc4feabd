package io.agentbus.approvals;

import io.agentbus.bus.Addresses;
import io.agentbus.bus.AppException;
import io.agentbus.bus.ErrorCode;
import io.agentbus.bus.Json;
import io.agentbus.bus.Principal;
import io.agentbus.bus.Requests;
import io.agentbus.bus.Services;
import io.agentbus.node.NodeParts;
import io.agentbus.stream.Interest;
import io.agentbus.stream.StreamName;
import io.agentbus.stream.StreamStore;
import io.agentbus.stream.StreamWriter;
import io.agentbus.stream.WorkflowEvents;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Human-in-the-loop approvals (PROTOCOL guarantee 4). Opens the gates the orchestrator reaches
 * ({@code approval_required}), takes decisions from every transport ({@code agentbus.approval.respond}:
 * /ws, SockJS, REST and chat commands all arrive here), and expires pending approvals at their
 * deadline. Both the decision and the expiry are conditional updates in PostgreSQL, so exactly one
 * outcome wins cluster-wide; every node sweeps for due approvals, so an expiry does not depend on
 * the node that created it. The winner emits {@code approval_resolved}, then tells the orchestrator
 * that holds the workflow's lease, which continues, revises or fails it.
 */
public final class ApprovalsVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(ApprovalsVerticle.class);
  private static final Set<String> STATUSES = Set.of("pending", "approved", "rejected", "expired", "cancelled");
  private static final int MAX_FEEDBACK = 4000;
  /** A gate's {@code requiredBy} naming one user: {@code user:<id>}. */
  private static final String ONE_USER = "user:";

  private final Interest interest = new Interest();
  private ApprovalStore store;
  private ApprovalCommands commands;
  private WorkflowEvents events;
  private boolean sweeping;
  private boolean sweepFailing;
  private io.agentbus.metrics.Metrics metrics;

  private final NodeParts parts;

  public ApprovalsVerticle(NodeParts parts) {
    this.parts = parts;
  }

  @Override
  public Future<?> start() {
    Pool pool = parts.pool();
    store = new ApprovalStore(pool);
    commands = new ApprovalCommands(store, this::decide);
    metrics = parts.metrics();
    events = new WorkflowEvents(new StreamWriter(vertx, new StreamStore(pool), interest, metrics));
    vertx.setPeriodic(parts.config().orchestrator().approvalsSweepMs(), id -> sweep());
    List<MessageConsumer<?>> consumers = List.of(interest.listen(vertx),
        Services.serve(vertx, LOG, Addresses.APPROVALS_OPEN, this::open),
        Services.serve(vertx, LOG, Addresses.APPROVAL_RESPOND, this::respond),
        Services.serve(vertx, LOG, Addresses.APPROVAL_COMMAND, m -> commands.run(Principal.of(m), Services.body(m))),
        Services.serve(vertx, LOG, Addresses.APPROVALS_LIST, this::list),
        Services.serve(vertx, LOG, Addresses.APPROVALS_WITHDRAW, this::withdraw),
        Services.serve(vertx, LOG, Addresses.APPROVALS_OF_STEP, this::ofStep));
    return Future.all(consumers.stream().map(MessageConsumer::completion).toList());
  }

  // ---------------------------------------------------------------- open (from the orchestrator)

  private Future<JsonObject> open(Message<Object> msg) {
    JsonObject in = Services.body(msg);
    JsonObject gate = in.getJsonObject("gate");
    String requiredBy = gate.getString("requiredBy", "owner");
    if (!Set.of("owner", "approver", "admin").contains(requiredBy) && !requiredBy.startsWith(ONE_USER)) {
      throw AppException.invalid("requiredBy must be owner, approver, admin or user:<id>");
    }
    double minutes = gate.getNumber("timeoutMinutes", 30).doubleValue();
    String id = Json.newId();
    String workflowId = in.getString("workflowId");
    String sessionId = in.getString("sessionId");
    String owner = in.getString("ownerId");
    JsonObject outputs = in.getJsonObject("agentOutputs", new JsonObject());
    JsonObject request = new JsonObject().put("agentOutputs", outputs).put("gate", gate);
    return store.insert(id, workflowId, sessionId, owner, in.getInteger("step", 0), gate.getString("title"),
            gate.getString("description", ""), requiredBy, request, minutes * 60)
        .compose(expiresAt -> events.emit(workflowId, sessionId, "approval_required", new JsonObject()
                .put("approvalId", id).put("title", gate.getString("title"))
                .put("description", gate.getString("description", "")).put("agentOutputs", outputs)
                .put("requiredBy", requiredBy).put("timeoutMinutes", minutes).put("expiresAt", expiresAt)
                .put("step", in.getInteger("step", 0)),
                userStream(requiredBy, owner))
            .map(v -> {
              inboxChanged(id, "pending");
              metrics.approvalsRequested.increment();
              return new JsonObject().put("approvalId", id).put("expiresAt", expiresAt);
            }));
  }

  /** The user stream an approval is announced on: the one user required, if there is one. */
  private static String userStream(String requiredBy, String owner) {
    if ("owner".equals(requiredBy)) {
      return StreamName.user(owner);
    }
    return requiredBy.startsWith(ONE_USER) ? StreamName.user(requiredBy.substring(ONE_USER.length())) : null;
  }

  // ---------------------------------------------------------------- decisions

  private Future<JsonObject> respond(Message<Object> msg) {
    return decide(Principal.of(msg), Services.body(msg));
  }

  private Future<JsonObject> decide(Principal who, JsonObject in) {
    String id = Json.requireId(in, "approvalId");
    String action = action(in);
    String feedback = Json.optString(in, "feedback", MAX_FEEDBACK);
    Object mods = in.getValue("modifications");
    if (mods != null && !(mods instanceof JsonObject)) {
      throw AppException.invalid("'modifications' must be a JSON object (role → outputs to merge)");
    }
    if ("modify".equals(action) && mods == null) {
      throw AppException.invalid("action 'modify' needs 'modifications'");
    }
    String status = "reject".equals(action) ? "rejected" : "approved";
    JsonObject response = new JsonObject().put("action", action).put("feedback", feedback).put("modifications", mods);
    return store.get(id).compose(a -> {
      if (a == null) {
        return Future.failedFuture(AppException.notFound("no approval '" + id + "'"));
      }
      if (!mayDecide(who, a.getString("requiredBy"), a.getString("ownerId"))) {
        return Future.failedFuture(AppException.forbidden("approval '" + id + "' is for " + a.getString("requiredBy")
            + " (the workflow's owner, approvers or admins as its gate says)"));
      }
      if (!"pending".equals(a.getString("status"))) {
        return Future.failedFuture(conflict(a));
      }
      return store.decide(id, status, who.userId(), response).compose(decided -> decided != null
          ? resolved(decided).map(v -> new JsonObject().put("approvalId", id).put("status", status)
              .put("workflowId", decided.getString("workflowId")))
          : store.get(id).compose(now -> Future.failedFuture(conflict(now))));
    });
  }

  /** {@code action} (approve / reject / modify) or the seed's {@code approved} boolean. */
  private static String action(JsonObject in) {
    Object action = in.getValue("action");
    if (action != null) {
      if (!(action instanceof String s) || !Set.of("approve", "reject", "modify").contains(s)) {
        throw AppException.invalid("'action' must be approve, reject or modify");
      }
      return s;
    }
    Object approved = in.getValue("approved");
    if (!(approved instanceof Boolean b)) {
      throw AppException.invalid("'approved' (true or false) or 'action' is required");
    }
    return b ? "approve" : "reject";
  }

  /**
   * Who may decide: admins always; for {@code owner} gates the workflow's owner and approvers; for
   * {@code approver} gates approvers; for {@code admin} gates admins only; {@code user:<id>} that user.
   */
  static boolean mayDecide(Principal who, String requiredBy, String owner) {
    if (who.has("admin")) {
      return true;
    }
    return switch (requiredBy) {
      case "owner" -> who.userId().equals(owner) || who.has("approver");
      case "approver" -> who.has("approver");
      case "admin" -> false;
      default -> requiredBy.equals(ONE_USER + who.userId());
    };
  }

  private static AppException conflict(JsonObject a) {
    String st = a == null ? "gone" : a.getString("status");
    return new AppException(ErrorCode.CONFLICT, switch (st) {
      case "pending" -> "the approval's deadline has passed"; // the sweep expires it within moments
      case "expired" -> "approval already expired";
      case "cancelled" -> "approval withdrawn: " + a.getJsonObject("response", new JsonObject()).getString("reason", "");
      default -> "approval already " + st + " by " + a.getString("decidedBy");
    });
  }

  /**
   * Announces an outcome, then hands it to the orchestrators ({@link Addresses#APPROVAL_OUTCOME}:
   * they own the workflows and know which instance holds this one's lease), again with backoff
   * until the run holding the lease says it took it. The waiting run also re-reads its approval
   * every few seconds, so an outcome whose messages all missed still continues the workflow.
   */
  private Future<Void> resolved(JsonObject a) {
    return announce(a).onComplete(x -> {
      JsonObject response = a.getValue("response") instanceof JsonObject r ? r : new JsonObject();
      JsonObject tell = outcome(a, response).put("action", "approval").put("decision", response.getString("action"))
          .put("workflowId", a.getString("workflowId"));
      tellOrchestrators(a, tell, 1, OUTCOME_FIRST_RETRY_MS);
    });
  }

  /** First and last delay between deliveries of an outcome that no run took yet. */
  private static final long OUTCOME_FIRST_RETRY_MS = 500;
  private static final int OUTCOME_ATTEMPTS = 6;

  private void tellOrchestrators(JsonObject a, JsonObject tell, int attempt, long delay) {
    vertx.eventBus().<JsonObject>request(Addresses.APPROVAL_OUTCOME, tell, Requests.control()).onComplete(ar -> {
      if (ar.succeeded() && ar.result().body().getBoolean("taken", false)) {
        return;
      }
      if (attempt >= OUTCOME_ATTEMPTS) {
        LOG.warn("approval {} {}: no run took it yet for workflow {} ({}); the run reads it when it re-checks",
            a.getString("approvalId"), a.getString("status"), a.getString("workflowId"),
            ar.failed() ? ar.cause().getMessage() : "not taken");
        return;
      }
      vertx.setTimer(delay, t -> tellOrchestrators(a, tell, attempt + 1, Math.min(delay * 2, 4_000)));
    });
  }

  private static JsonObject outcome(JsonObject a, JsonObject response) {
    return new JsonObject().put("approvalId", a.getString("approvalId")).put("status", a.getString("status"))
        .put("decidedBy", a.getString("decidedBy")).put("feedback", response.getString("feedback"))
        .put("action", response.getString("action")).put("modifications", response.getJsonObject("modifications"));
  }

  /** {@code approval_resolved} on the workflow's streams (and the one user's, if any). */
  private Future<Void> announce(JsonObject a) {
    JsonObject response = a.getValue("response") instanceof JsonObject r ? r : new JsonObject();
    metrics.approvals.increment(a.getString("status"));
    JsonObject ev = outcome(a, response);
    if ("cancelled".equals(a.getString("status"))) {
      ev.put("reason", response.getString("reason"));
    }
    return events.emit(a.getString("workflowId"), a.getString("sessionId"), "approval_resolved", ev,
        userStream(a.getString("requiredBy"), a.getString("ownerId")))
        .onSuccess(v -> inboxChanged(a.getString("approvalId"), a.getString("status")));
  }

  /** Tells every node's approvers that the pending list changed (after the change is stored and announced). */
  private void inboxChanged(String approvalId, String status) {
    vertx.eventBus().publish(Addresses.APPROVALS_INBOX, new JsonObject().put("type", "approvals_changed")
        .put("approvalId", approvalId).put("status", status).put("timestamp", Json.now()));
  }

  /** For an orchestrator taking a workflow over: where its gate's approval stands. */
  private Future<JsonObject> ofStep(Message<Object> msg) {
    JsonObject in = Services.body(msg);
    String workflowId = Json.requireId(in, "workflowId");
    int step = in.getInteger("step", -1);
    return store.latestOfStep(workflowId, step).map(a -> {
      if (a == null) {
        return new JsonObject().putNull("approval");
      }
      JsonObject response = a.getValue("response") instanceof JsonObject r ? r : new JsonObject();
      return new JsonObject().put("approval", outcome(a, response).put("decision", response.getString("action")));
    });
  }

  // ---------------------------------------------------------------- withdrawal (from the orchestrator)

  /**
   * The workflow ended while waiting: its pending approvals are withdrawn ({@code cancelled}) and
   * announced before the orchestrator writes the workflow's terminal event. Answers {withdrawn: n}.
   */
  private Future<JsonObject> withdraw(Message<Object> msg) {
    JsonObject in = Services.body(msg);
    String workflowId = Json.requireId(in, "workflowId");
    String reason = Json.optString(in, "reason", MAX_FEEDBACK);
    return store.withdraw(workflowId, reason == null ? "the workflow ended" : reason).compose(rows -> {
      List<Future<Void>> announced = new java.util.ArrayList<>();
      for (JsonObject a : rows) {
        announced.add(announce(a));
      }
      return Future.all(announced).map(v -> new JsonObject().put("withdrawn", rows.size()));
    });
  }

  // ---------------------------------------------------------------- expiry

  /** Expires due approvals; any node may do it, the conditional update makes each happen once. */
  private void sweep() {
    if (sweeping) {
      return;
    }
    sweeping = true;
    store.expireDue().onComplete(ar -> {
      sweeping = false;
      if (ar.failed()) {
        if (!sweepFailing) { // once per outage, not every half second
          sweepFailing = true;
          LOG.warn("approval expiry sweeps are failing (retried every sweep): {}", ar.cause().toString());
        }
        return;
      }
      if (sweepFailing) {
        sweepFailing = false;
        LOG.info("approval expiry sweeps work again");
      }
      for (JsonObject a : ar.result()) {
        LOG.info("approval {} of workflow {} expired", a.getString("approvalId"), a.getString("workflowId"));
        resolved(a);
      }
    });
  }

  // ---------------------------------------------------------------- list

  private Future<JsonObject> list(Message<Object> msg) {
    Principal who = Principal.of(msg);
    String status = Json.optString(Services.body(msg), "status", 16);
    if (status != null && !STATUSES.contains(status)) {
      throw AppException.invalid("'status' must be one of " + STATUSES);
    }
    return store.list(status, who.seesAllApprovals(), who.userId())
        .compose(this::withWorkflowStatus)
        .map(list -> new JsonObject().put("approvals", list));
  }

  /** Adds each approval's {@code workflowStatus}, asked of the orchestrator (it owns workflows); left out if none answers. */
  private Future<JsonArray> withWorkflowStatus(JsonArray list) {
    if (list.isEmpty()) {
      return Future.succeededFuture(list);
    }
    JsonArray ids = new JsonArray(list.stream().map(a -> ((JsonObject) a).getString("workflowId")).distinct().toList());
    return vertx.eventBus().<JsonObject>request(Addresses.WORKFLOW_STATUSES, new JsonObject().put("workflowIds", ids),
            Requests.control())
        .map(m -> {
          JsonObject statuses = m.body().getJsonObject("statuses", new JsonObject());
          list.forEach(a -> ((JsonObject) a).put("workflowStatus", statuses.getString(((JsonObject) a).getString("workflowId"))));
          return list;
        })
        .otherwise(list);
  }
}
