package io.agentbus.orchestrator;

import io.agentbus.bus.AppException;
import io.agentbus.bus.ErrorCode;
import io.agentbus.bus.Json;
import io.agentbus.bus.Principal;
import io.agentbus.bus.Services;
import io.vertx.core.Future;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

/**
 * AG-UI runs (table {@code agui_runs}, PROTOCOL §11): which workflow, and from which gate, an AG-UI
 * client's runId names. Read with the workflows' rule: its owner, approvers and admins.
 */
final class AguiRuns {

  private static final String CLAIM = "INSERT INTO agui_runs (run_id, thread_id, workflow_id, owner_id, after_approval) "
      + "VALUES ($1, $2, $3, $4, $5) ON CONFLICT (run_id) DO NOTHING RETURNING 1";
  private static final String GET = "SELECT r.thread_id, r.workflow_id, r.after_approval, r.owner_id, w.owner_id, "
      + "w.events_dropped_at IS NOT NULL "
      + "FROM agui_runs r LEFT JOIN workflows w ON w.id = r.workflow_id WHERE r.run_id = $1";

  private final Pool pool;

  AguiRuns(Pool pool) {
    this.pool = pool;
  }

  Future<JsonObject> claim(Message<Object> msg) {
    Principal who = Principal.of(msg);
    JsonObject in = Services.body(msg);
    String runId = Json.requireId(in, "runId");
    return pool.preparedQuery(CLAIM).execute(Tuple.of(runId, Json.requireId(in, "threadId"),
            Json.requireId(in, "workflowId"), who.userId(), Json.optString(in, "afterApproval", 64)))
        .compose(rows -> rows.size() > 0 ? Future.succeededFuture(new JsonObject())
            : Future.failedFuture(new AppException(ErrorCode.CONFLICT, "run '" + runId + "' exists: resume it with "
                + "GET /agui/threads/{threadId}/runs/" + runId + "/events")));
  }

  Future<JsonObject> get(Message<Object> msg) {
    Principal who = Principal.of(msg);
    JsonObject in = Services.body(msg);
    String runId = Json.requireId(in, "runId");
    String threadId = Json.requireId(in, "threadId");
    return pool.preparedQuery(GET).execute(Tuple.of(runId)).compose(rows -> {
      Row r = rows.size() == 0 ? null : rows.iterator().next();
      if (r == null || !threadId.equals(r.getString(0))) {
        return Future.failedFuture(AppException.notFound("no run '" + runId + "' in thread '" + threadId + "'"));
      }
      String owner = r.getString(4) != null ? r.getString(4) : r.getString(3);
      if (!who.isOwnerOr(owner, "approver", "admin")) {
        return Future.failedFuture(AppException.forbidden("run '" + runId + "' belongs to another user"));
      }
      return Future.succeededFuture(new JsonObject().put("runId", runId).put("threadId", threadId)
          .put("workflowId", r.getString(1)).put("afterApproval", r.getString(2))
          .put("eventsDropped", Boolean.TRUE.equals(r.getBoolean(5))));
    });
  }
}
