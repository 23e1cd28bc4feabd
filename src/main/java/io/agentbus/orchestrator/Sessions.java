package io.agentbus.orchestrator;

import io.agentbus.bus.AppException;
import io.agentbus.bus.ErrorCode;
import io.agentbus.bus.Json;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

/**
 * A session's working state (migration V8): its mode, its epics and its sprints — the state
 * machines behind /mode, /epic and /sprint. Every change is one conditional statement, so two
 * nodes acting on one session at once cannot both open an epic or start a sprint.
 */
final class Sessions {

  private static final String MODE = "SELECT mode FROM session_state WHERE session_id = $1";
  private static final String SET_MODE = "INSERT INTO session_state (session_id, mode) VALUES ($1, $2) "
      + "ON CONFLICT (session_id) DO UPDATE SET mode = EXCLUDED.mode, updated_at = now()";
  private static final String EPIC_COLUMNS = "id, title, description, status, created_by, created_at, closed_at";
  private static final String OPEN_EPIC = "SELECT " + EPIC_COLUMNS + " FROM epics WHERE session_id = $1 AND status = 'open'";
  private static final String CREATE_EPIC = "INSERT INTO epics (id, session_id, title, description, created_by) "
      + "VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING RETURNING " + EPIC_COLUMNS;
  private static final String EPICS = "SELECT " + EPIC_COLUMNS + " FROM epics WHERE session_id = $1 "
      + "ORDER BY created_at DESC LIMIT 50";
  private static final String CLOSE_EPIC = "UPDATE epics SET status = 'closed', closed_at = now() "
      + "WHERE session_id = $1 AND status = 'open' RETURNING " + EPIC_COLUMNS;
  private static final String SPRINT_COLUMNS = "id, minutes, status, started_at, ends_at, ended_at, pause_reason, "
      + "GREATEST(0, EXTRACT(EPOCH FROM (ends_at - now())))::bigint AS seconds_left";
  private static final String CURRENT_SPRINT = "SELECT " + SPRINT_COLUMNS + " FROM sprints "
      + "WHERE session_id = $1 AND status <> 'ended'";
  private static final String PLAN_SPRINT = "INSERT INTO sprints (id, session_id, minutes, created_by) "
      + "VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING RETURNING " + SPRINT_COLUMNS;
  /** Moves the current sprint from one of $2 to $3; started_at/ends_at set when it starts. */
  private static final String MOVE_SPRINT = "UPDATE sprints SET status = $3, pause_reason = $4, "
      + "started_at = CASE WHEN $3 = 'running' AND started_at IS NULL THEN now() ELSE started_at END, "
      + "ends_at = CASE WHEN $3 = 'running' AND started_at IS NULL THEN now() + make_interval(mins => minutes) "
      + "ELSE ends_at END, ended_at = CASE WHEN $3 = 'ended' THEN now() END "
      + "WHERE session_id = $1 AND status = ANY($2) RETURNING " + SPRINT_COLUMNS;
  private static final String SPRINT_WORKFLOWS = "SELECT id, name, status FROM workflows "
      + "WHERE session_id = $1 AND input->>'sprintId' = $2 ORDER BY created_at";

  private final Pool pool;

  Sessions(Pool pool) {
    this.pool = pool;
  }

  Future<String> mode(String session) {
    return pool.preparedQuery(MODE).execute(Tuple.of(session))
        .map(rows -> rows.size() == 0 ? Modes.DEFAULT : rows.iterator().next().getString(0));
  }

  Future<Void> setMode(String session, String mode) {
    return pool.preparedQuery(SET_MODE).execute(Tuple.of(session, mode)).mapEmpty();
  }

  /** What a workflow started now in the session is filed under: {mode, epicId, sprintId}. */
  Future<JsonObject> context(String session) {
    return Future.all(mode(session), openEpic(session), currentSprint(session)).map(all -> {
      JsonObject epic = all.resultAt(1);
      JsonObject sprint = all.resultAt(2);
      return new JsonObject().put("mode", all.<String>resultAt(0))
          .put("epicId", epic == null ? null : epic.getString("epicId"))
          .put("sprintId", sprint != null && "running".equals(sprint.getString("status"))
              ? sprint.getString("sprintId") : null);
    });
  }

  Future<JsonObject> openEpic(String session) {
    return pool.preparedQuery(OPEN_EPIC).execute(Tuple.of(session))
        .map(rows -> rows.size() == 0 ? null : epic(rows.iterator().next()));
  }

  Future<JsonObject> createEpic(String session, String title, String description, String by) {
    return pool.preparedQuery(CREATE_EPIC).execute(Tuple.of(Json.newId(), session, title, description, by))
        .compose(rows -> rows.size() == 0
            ? Future.failedFuture(new AppException(ErrorCode.CONFLICT, "an epic is already open here: /epic close it first"))
            : Future.succeededFuture(epic(rows.iterator().next())));
  }

  Future<JsonArray> epics(String session) {
    return pool.preparedQuery(EPICS).execute(Tuple.of(session)).map(rows -> {
      JsonArray out = new JsonArray();
      rows.forEach(r -> out.add(epic(r)));
      return out;
    });
  }

  Future<JsonObject> closeEpic(String session) {
    return pool.preparedQuery(CLOSE_EPIC).execute(Tuple.of(session)).compose(rows -> rows.size() == 0
        ? Future.failedFuture(AppException.notFound("no open epic in this session"))
        : Future.succeededFuture(epic(rows.iterator().next())));
  }

  Future<JsonObject> currentSprint(String session) {
    return pool.preparedQuery(CURRENT_SPRINT).execute(Tuple.of(session))
        .map(rows -> rows.size() == 0 ? null : sprint(rows.iterator().next()));
  }

  Future<JsonObject> planSprint(String session, int minutes, String by) {
    return pool.preparedQuery(PLAN_SPRINT).execute(Tuple.of(Json.newId(), session, minutes, by))
        .compose(rows -> rows.size() == 0
            ? Future.failedFuture(new AppException(ErrorCode.CONFLICT, "a sprint is already planned or under way here"))
            : Future.succeededFuture(sprint(rows.iterator().next())));
  }

  /** Moves the session's current sprint from one of {@code from} to {@code to}; CONFLICT when it is not in one. */
  Future<JsonObject> moveSprint(String session, String[] from, String to, String reason) {
    return pool.preparedQuery(MOVE_SPRINT).execute(Tuple.tuple().addValue(session).addValue(from).addValue(to)
            .addValue(reason))
        .compose(rows -> rows.size() > 0 ? Future.succeededFuture(sprint(rows.iterator().next()))
            : currentSprint(session).compose(cur -> Future.failedFuture(cur == null
                ? AppException.notFound("no sprint here: /sprint plan <minutes> first")
                : new AppException(ErrorCode.CONFLICT, "the sprint is " + cur.getString("status")
                    + ": it must be " + String.join(" or ", from) + " for that"))));
  }

  /** The workflows started in a sprint: [{workflowId, name, status}]. */
  Future<JsonArray> sprintWorkflows(String session, String sprintId) {
    return pool.preparedQuery(SPRINT_WORKFLOWS).execute(Tuple.of(session, sprintId)).map(rows -> {
      JsonArray out = new JsonArray();
      rows.forEach(r -> out.add(new JsonObject().put("workflowId", r.getString(0)).put("name", r.getString(1))
          .put("status", r.getString(2))));
      return out;
    });
  }

  private static JsonObject epic(Row r) {
    return new JsonObject().put("epicId", r.getString("id")).put("title", r.getString("title"))
        .put("description", r.getString("description")).put("status", r.getString("status"))
        .put("createdBy", r.getString("created_by")).put("createdAt", time(r, "created_at"))
        .put("closedAt", time(r, "closed_at"));
  }

  private static JsonObject sprint(Row r) {
    return new JsonObject().put("sprintId", r.getString("id")).put("minutes", r.getInteger("minutes"))
        .put("status", r.getString("status")).put("startedAt", time(r, "started_at"))
        .put("endsAt", time(r, "ends_at")).put("endedAt", time(r, "ended_at"))
        .put("pauseReason", r.getString("pause_reason"))
        .put("secondsLeft", r.getValue("seconds_left") == null ? null : r.getLong("seconds_left"));
  }

  private static String time(Row r, String column) {
    java.time.OffsetDateTime t = r.getOffsetDateTime(column);
    return t == null ? null : t.toInstant().toString();
  }
}
