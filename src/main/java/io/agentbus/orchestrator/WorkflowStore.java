package io.agentbus.orchestrator;

import io.agentbus.stream.StreamName;
import io.agentbus.stream.StreamStore;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.util.List;
import java.util.Map;

/**
 * The workflows table (migration V2): every statement the orchestrator runs, in one place.
 *
 * <p>The lease: the instance in {@code lease_owner} runs the workflow until {@code lease_until},
 * renewing it; every save checks it in the same statement. Whoever takes a workflow (start,
 * takeover, orphan cancel) also claims its workflow stream's writer in the same transaction
 * ({@link StreamStore#claimWriter}), so the previous owner's events are fenced out from that commit on.
 */
final class WorkflowStore {

  static final List<String> TERMINAL = List.of("completed", "failed", "cancelled");

  private static final String INSERT =
      "INSERT INTO workflows (id, name, session_id, owner_id, status, input, template, lease_owner, lease_until, "
          + "lease_epoch, lease_renewed_at) "
          + "VALUES ($1, $2, $3, $4, 'running', $5, $6, $7, now() + make_interval(secs => $8), 1, now())";
  private static final String UPDATE =
      "UPDATE workflows SET status = $2, current_step = $3, outputs = $4, error = $5, updated_at = now(), "
          + "finished_at = CASE WHEN $2 IN ('completed', 'failed', 'cancelled') THEN now() END "
          + "WHERE id = $1 AND lease_owner = $6 AND lease_epoch = $7";
  /**
   * Renews the leases of the runs an instance holds, each named with its epoch, and only while they
   * are live: a lease that ran out is never extended (someone may be taking it), and a row taken
   * over meanwhile has another epoch. Answers the ids renewed; the caller stops every other run.
   */
  private static final String RENEW =
      "UPDATE workflows w SET lease_until = now() + make_interval(secs => $2), lease_renewed_at = now() "
          + "FROM unnest($3::text[], $4::bigint[]) AS r(id, epoch) "
          + "WHERE w.id = r.id AND w.lease_epoch = r.epoch AND w.lease_owner = $1 AND w.lease_until > now() "
          + "AND w.status IN ('pending', 'running', 'waiting_approval', 'paused') RETURNING w.id";
  private static final String GET =
      "SELECT id, name, session_id, owner_id, status, input, template, current_step, outputs, error, lease_owner, "
          + "lease_until > now() AS lease_live, lease_epoch, created_at, updated_at, finished_at FROM workflows WHERE id = $1";
  private static final String BY_SESSION =
      "SELECT id, name, session_id, owner_id, status, input, template, current_step, outputs, error, lease_owner, "
          + "lease_until > now() AS lease_live, lease_epoch, created_at, updated_at, finished_at FROM workflows "
          + "WHERE session_id = $1 ORDER BY created_at DESC LIMIT $2";
  private static final String STATUSES = "SELECT id, status FROM workflows WHERE id = ANY($1)";
  /** A user's sessions that ran workflows, the latest first, each titled by its first request. */
  private static final String SESSIONS_OF = "SELECT session_id, count(*), min(created_at), max(created_at), "
      + "left((array_agg(input->>'content' ORDER BY created_at))[1], 120), "
      + "count(*) FILTER (WHERE status IN ('pending', 'running', 'waiting_approval', 'paused')) "
      + "FROM (SELECT * FROM workflows WHERE owner_id = $1 ORDER BY created_at DESC LIMIT 2000) w "
      + "GROUP BY session_id ORDER BY max(created_at) DESC LIMIT $2";
  private static final String RUNNING_IN_SESSION =
      "SELECT id FROM workflows WHERE session_id = $1 AND status IN ('pending', 'running', 'waiting_approval', 'paused') "
          + "ORDER BY created_at DESC LIMIT 1";
  /**
   * Ends a workflow whose owner is gone (its instance left the cluster, or its lease ran out),
   * unless it ended or changed hands meanwhile.
   */
  private static final String CANCEL_ORPHAN =
      "UPDATE workflows SET status = 'cancelled', error = $2, updated_at = now(), finished_at = now(), "
          + "lease_owner = NULL, lease_epoch = lease_epoch + 1 "
          + "WHERE id = $1 AND status IN ('pending', 'running', 'waiting_approval', 'paused') "
          + "AND (lease_owner IS NOT DISTINCT FROM $3 OR lease_until < now()) RETURNING session_id, lease_epoch";
  /**
   * Takes over workflows whose owner stopped renewing (died, or froze past its lease): each row
   * once, cluster-wide ({@code SKIP LOCKED}); paused, waiting and running ones alike, never ended ones,
   * and never one the taking instance still runs ({@code $4}). Each take is a new run: a new epoch.
   */
  private static final String TAKE_OVER =
      "UPDATE workflows SET lease_owner = $1, lease_until = now() + make_interval(secs => $2), updated_at = now(), "
          + "lease_epoch = lease_epoch + 1, lease_renewed_at = now() "
          + "WHERE id IN (SELECT id FROM workflows WHERE status IN ('pending', 'running', 'waiting_approval', 'paused') "
          + "AND lease_until < now() AND NOT (id = ANY($4)) ORDER BY lease_until LIMIT $3 FOR UPDATE SKIP LOCKED) "
          + "RETURNING id, name, session_id, owner_id, status, input, template, current_step, outputs, error, "
          + "lease_owner, true AS lease_live, lease_epoch, created_at, updated_at, finished_at";

  /** This instance's leases end now (a shutdown hands its workflows over). */
  private static final String RELEASE = "UPDATE workflows SET lease_until = now() - interval '1 second' "
      + "WHERE lease_owner = $1 AND status IN ('pending', 'running', 'waiting_approval', 'paused')";

  /**
   * The leases of a node that left the cluster end now, but only those it stopped renewing in the
   * last {@code $2} seconds: a node that is only cut off from this side keeps renewing (PostgreSQL
   * arbitrates a partition), a dead one does not.
   */
  private static final String EXPIRE_LEASES_OF_NODE = "UPDATE workflows SET lease_until = now() - interval '1 second' "
      + "WHERE lease_owner LIKE $1 AND status IN ('pending', 'running', 'waiting_approval', 'paused') AND lease_until > now() "
      + "AND (lease_renewed_at IS NULL OR lease_renewed_at < now() - make_interval(secs => $2))";

  private final Pool pool;

  /** Ends this instance's leases; answers how many. */
  Future<Integer> releaseLeases(String instanceId) {
    return pool.preparedQuery(RELEASE).execute(io.vertx.sqlclient.Tuple.of(instanceId)).map(r -> r.rowCount());
  }

  WorkflowStore(Pool pool) {
    this.pool = pool;
  }

  /** The writer name of the run {@code epoch} of a workflow held by {@code instance}: what fences its writes. */
  static String runToken(String instance, long epoch) {
    return instance + "#" + epoch;
  }

  /** A new workflow, owned by {@code leaseOwner} at epoch 1, whose run is also its workflow stream's writer. */
  Future<Void> insert(String id, String name, String session, String owner, JsonObject input, JsonObject template,
      String leaseOwner, int leaseSeconds) {
    return pool.withTransaction(conn -> conn.preparedQuery(INSERT).execute(Tuple.tuple().addValue(id).addValue(name)
            .addValue(session).addValue(owner).addValue(input).addValue(template).addValue(leaseOwner)
            .addValue(leaseSeconds))
        .compose(r -> StreamStore.claimWriter(conn, StreamName.workflow(id), runToken(leaseOwner, 1))));
  }

  /**
   * Ends the leases held by the instances of node {@code nodeId} (it left the cluster), so the next
   * sweep takes its workflows over without waiting for them to run out. Safe even if the node is
   * only cut off: whoever takes a workflow fences the old owner out.
   */
  Future<Integer> expireLeasesOfNode(String nodeId, double silentSeconds) {
    return pool.preparedQuery(EXPIRE_LEASES_OF_NODE).execute(Tuple.of(nodeId + ":%", silentSeconds))
        .map(RowSet::rowCount);
  }

  /**
   * Takes over up to {@code limit} workflows whose lease ran out, none of {@code held} (the runs
   * this instance still has); answers their rows (as {@link #get}), each with its new epoch.
   */
  Future<List<JsonObject>> takeOver(String leaseOwner, int leaseSeconds, int limit, java.util.Collection<String> held) {
    return pool.withTransaction(conn -> conn.preparedQuery(TAKE_OVER).execute(Tuple.tuple().addValue(leaseOwner)
            .addValue(leaseSeconds).addValue(limit).addValue(held.toArray(new String[0])))
        .compose(rows -> {
          List<JsonObject> taken = new java.util.ArrayList<>();
          List<Future<Void>> claims = new java.util.ArrayList<>();
          for (Row r : rows) {
            taken.add(toJson(r).put("template", r.getValue("template")));
            claims.add(StreamStore.claimWriter(conn, StreamName.workflow(r.getString("id")),
                runToken(leaseOwner, r.getLong("lease_epoch"))));
          }
          return Future.all(claims).map(taken);
        }));
  }

  /** Saves where a workflow stands; false when this run (instance and epoch) no longer holds its lease. */
  Future<Boolean> update(String id, String status, int step, JsonObject outputs, String error, String leaseOwner,
      long epoch) {
    return pool.preparedQuery(UPDATE).execute(Tuple.tuple().addValue(id).addValue(status).addValue(step)
        .addValue(outputs).addValue(error).addValue(leaseOwner).addValue(epoch)).map(r -> r.rowCount() == 1);
  }

  /** Renews the live leases of the runs {@code epochs} (id → epoch); answers the ids renewed. */
  Future<java.util.Set<String>> renew(String leaseOwner, int leaseSeconds, Map<String, Long> epochs) {
    String[] ids = epochs.keySet().toArray(new String[0]);
    Long[] eps = new Long[ids.length];
    for (int i = 0; i < ids.length; i++) {
      eps[i] = epochs.get(ids[i]);
    }
    return pool.preparedQuery(RENEW).execute(Tuple.tuple().addValue(leaseOwner).addValue(leaseSeconds).addValue(ids)
        .addValue(eps)).map(rows -> {
          java.util.Set<String> renewed = new java.util.HashSet<>();
          rows.forEach(r -> renewed.add(r.getString(0)));
          return renewed;
        });
  }

  /** The workflow's row as JSON, or null. */
  Future<JsonObject> get(String id) {
    return pool.preparedQuery(GET).execute(Tuple.of(id))
        .map(rows -> rows.size() == 0 ? null : toJson(rows.iterator().next()));
  }

  Future<JsonArray> bySession(String session, int limit) {
    return pool.preparedQuery(BY_SESSION).execute(Tuple.of(session, limit)).map(rows -> {
      JsonArray a = new JsonArray();
      rows.forEach(r -> a.add(toJson(r)));
      return a;
    });
  }

  /** {@code owner}'s latest sessions: {sessionId, workflows, active, startedAt, lastActivityAt, title}. */
  Future<JsonArray> sessionsOf(String owner, int limit) {
    return pool.preparedQuery(SESSIONS_OF).execute(Tuple.of(owner, limit)).map(rows -> {
      JsonArray a = new JsonArray();
      rows.forEach(r -> a.add(new JsonObject().put("sessionId", r.getString(0)).put("workflows", r.getLong(1))
          .put("startedAt", String.valueOf(r.getOffsetDateTime(2).toInstant()))
          .put("lastActivityAt", String.valueOf(r.getOffsetDateTime(3).toInstant()))
          .put("title", r.getString(4)).put("active", r.getLong(5))));
      return a;
    });
  }

  /** The status of each of {@code ids} that exists. */
  Future<JsonObject> statuses(String[] ids) {
    return pool.preparedQuery(STATUSES).execute(Tuple.of(ids)).map(rows -> {
      JsonObject out = new JsonObject();
      rows.forEach(r -> out.put(r.getString(0), r.getString(1)));
      return out;
    });
  }

  Future<String> runningInSession(String session) {
    return pool.preparedQuery(RUNNING_IN_SESSION).execute(Tuple.of(session))
        .map(rows -> rows.size() == 0 ? null : rows.iterator().next().getString(0));
  }

  /** An orphaned workflow cancelled in the database: its session and the writer token of the cancel. */
  record Orphan(String sessionId, String writer) {}

  /** Cancels an orphaned workflow in the database; answers its session and fence, or null if it was not orphaned. */
  Future<Orphan> cancelOrphan(String id, String why, String deadOwner, String claimer) {
    return pool.withTransaction(conn -> conn.preparedQuery(CANCEL_ORPHAN).execute(Tuple.of(id, why, deadOwner))
        .compose(rows -> {
          if (rows.size() == 0) {
            return Future.succeededFuture((Orphan) null);
          }
          Row r = rows.iterator().next();
          Orphan o = new Orphan(r.getString(0), runToken(claimer, r.getLong(1)));
          return StreamStore.claimWriter(conn, StreamName.workflow(id), o.writer()).map(o);
        }));
  }

  private static JsonObject toJson(Row r) {
    Template t = Template.fromJson((JsonObject) r.getValue("template"));
    JsonArray agents = new JsonArray();
    List<Template.AgentStep> all = t.agentsInOrder();
    for (int i = 0; i < all.size(); i++) {
      agents.add(new JsonObject().put("role", all.get(i).role()).put("position", i + 1)
          .put("estimatedTime", all.get(i).estimatedTime()));
    }
    return new JsonObject().put("workflowId", r.getString("id")).put("name", r.getString("name"))
        .put("status", r.getString("status")).put("sessionId", r.getString("session_id"))
        .put("ownerId", r.getString("owner_id")).put("input", r.getValue("input"))
        .put("agents", agents).put("currentStep", r.getInteger("current_step"))
        .put("totalSteps", t.steps().size()).put("outputs", r.getValue("outputs"))
        .put("error", r.getString("error")).put("leaseOwner", r.getString("lease_owner"))
        .put("leaseLive", r.getBoolean("lease_live")).put("leaseEpoch", r.getLong("lease_epoch"))
        .put("createdAt", String.valueOf(r.getOffsetDateTime("created_at").toInstant()))
        .put("updatedAt", String.valueOf(r.getOffsetDateTime("updated_at").toInstant()))
        .put("finishedAt", r.getOffsetDateTime("finished_at") == null ? null
            : r.getOffsetDateTime("finished_at").toInstant().toString());
  }
}
