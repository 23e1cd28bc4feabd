package io.agentbus.approvals;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;

/**
 * The approvals table (migrations V3, V4), and only it: the approvals verticle owns it. A row
 * leaves {@code pending} through exactly one of three conditional updates — a decision (before the
 * deadline), the expiry (after it), or a withdrawal (its workflow ended while waiting) — so
 * whichever commits first wins on every node, and the losers see zero rows. Pending therefore
 * means the workflow waits at this gate: nothing here needs to read the workflows table.
 */
final class ApprovalStore {

  private static final String COLUMNS = "id, workflow_id, session_id, owner_id, step, title, description, required_by, "
      + "request_data, status, response_data, decided_by, requested_at, responded_at, expires_at";
  private static final String INSERT =
      "INSERT INTO approvals (id, workflow_id, session_id, owner_id, step, title, description, required_by, "
          + "request_data, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, now() + make_interval(secs => $10)) "
          + "RETURNING expires_at";
  private static final String GET = "SELECT " + COLUMNS + " FROM approvals WHERE id = $1";
  private static final String DECIDE =
      "UPDATE approvals SET status = $2, decided_by = $3, response_data = $4, responded_at = now() "
          + "WHERE id = $1 AND status = 'pending' AND expires_at > now() RETURNING " + COLUMNS;
  private static final String EXPIRE_DUE =
      "UPDATE approvals SET status = 'expired', decided_by = 'system', responded_at = now() "
          + "WHERE id IN (SELECT id FROM approvals WHERE status = 'pending' AND expires_at <= now() "
          + "ORDER BY expires_at LIMIT 100 FOR UPDATE SKIP LOCKED) AND status = 'pending' RETURNING " + COLUMNS;
  /** The third way out of pending: the workflow ended (cancelled, failed) while waiting. */
  private static final String WITHDRAW =
      "UPDATE approvals SET status = 'cancelled', decided_by = 'system', responded_at = now(), "
          + "response_data = jsonb_build_object('reason', $2::text) "
          + "WHERE workflow_id = $1 AND status = 'pending' RETURNING " + COLUMNS;
  private static final String LATEST_OF_STEP = "SELECT " + COLUMNS + " FROM approvals "
      + "WHERE workflow_id = $1 AND step = $2 ORDER BY requested_at DESC LIMIT 1";
  private static final String LIST = "SELECT " + COLUMNS + " FROM approvals "
      + "WHERE ($1::text IS NULL OR status = $1) AND ($2 OR owner_id = $3 OR required_by = 'user:' || $3) "
      + "ORDER BY requested_at DESC LIMIT 100";

  /** What waits in a session (every session when null), oldest first: for {@code /approve} without an id. */
  private static final String PENDING = "SELECT " + COLUMNS + " FROM approvals WHERE status = 'pending' "
      + "AND expires_at > now() AND ($1::text IS NULL OR session_id = $1) ORDER BY requested_at LIMIT 50";

  private final Pool pool;

  ApprovalStore(Pool pool) {
    this.pool = pool;
  }

  /** Saves a pending approval; answers its deadline (ISO-8601). */
  Future<String> insert(String id, String workflowId, String sessionId, String ownerId, int step, String title,
      String description, String requiredBy, JsonObject requestData, double timeoutSeconds) {
    return pool.preparedQuery(INSERT).execute(Tuple.tuple().addValue(id).addValue(workflowId).addValue(sessionId)
            .addValue(ownerId).addValue(step).addValue(title).addValue(description).addValue(requiredBy)
            .addValue(requestData).addValue(timeoutSeconds))
        .map(rows -> rows.iterator().next().getOffsetDateTime(0).toInstant().toString());
  }

  Future<JsonObject> get(String id) {
    return pool.preparedQuery(GET).execute(Tuple.of(id))
        .map(rows -> rows.size() == 0 ? null : toJson(rows.iterator().next()));
  }

  /** Decides a pending approval; null when it was not pending (decided, expired or withdrawn) or is past its deadline. */
  Future<JsonObject> decide(String id, String status, String by, JsonObject response) {
    return pool.preparedQuery(DECIDE).execute(Tuple.of(id, status, by, response))
        .map(rows -> rows.size() == 0 ? null : toJson(rows.iterator().next()));
  }

  /** Expires every pending approval past its deadline (at most 100 a call), each exactly once cluster-wide. */
  Future<List<JsonObject>> expireDue() {
    return pool.query(EXPIRE_DUE).execute().map(rows -> {
      List<JsonObject> out = new ArrayList<>();
      rows.forEach(r -> out.add(toJson(r)));
      return out;
    });
  }

  /** The latest approval of a workflow's gate at {@code step}, or null. */
  Future<JsonObject> latestOfStep(String workflowId, int step) {
    return pool.preparedQuery(LATEST_OF_STEP).execute(Tuple.of(workflowId, step))
        .map(rows -> rows.size() == 0 ? null : toJson(rows.iterator().next()));
  }

  /** Withdraws the pending approvals of a workflow that ended while waiting; answers them. */
  Future<List<JsonObject>> withdraw(String workflowId, String reason) {
    return pool.preparedQuery(WITHDRAW).execute(Tuple.of(workflowId, reason)).map(rows -> {
      List<JsonObject> out = new ArrayList<>();
      rows.forEach(r -> out.add(toJson(r)));
      return out;
    });
  }

  Future<List<JsonObject>> pending(String sessionId) {
    return pool.preparedQuery(PENDING).execute(Tuple.of(sessionId)).map(rows -> {
      List<JsonObject> out = new ArrayList<>();
      rows.forEach(r -> out.add(toJson(r)));
      return out;
    });
  }

  Future<JsonArray> list(String status, boolean all, String userId) {
    return pool.preparedQuery(LIST).execute(Tuple.of(status, all, userId)).map(rows -> {
      JsonArray a = new JsonArray();
      rows.forEach(r -> a.add(toJson(r)));
      return a;
    });
  }

  private static JsonObject toJson(Row r) {
    JsonObject request = (JsonObject) r.getValue("request_data");
    return new JsonObject().put("approvalId", r.getString("id")).put("workflowId", r.getString("workflow_id"))
        .put("sessionId", r.getString("session_id")).put("ownerId", r.getString("owner_id"))
        .put("step", r.getInteger("step")).put("title", r.getString("title"))
        .put("description", r.getString("description")).put("requiredBy", r.getString("required_by"))
        .put("agentOutputs", request.getJsonObject("agentOutputs")).put("gate", request.getJsonObject("gate"))
        .put("status", r.getString("status")).put("response", r.getValue("response_data"))
        .put("decidedBy", r.getString("decided_by"))
        .put("requestedAt", r.getOffsetDateTime("requested_at").toInstant().toString())
        .put("respondedAt", r.getOffsetDateTime("responded_at") == null ? null
            : r.getOffsetDateTime("responded_at").toInstant().toString())
        .put("expiresAt", r.getOffsetDateTime("expires_at").toInstant().toString());
  }
}
