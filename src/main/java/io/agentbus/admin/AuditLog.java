package io.agentbus.admin;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

/** The append-only audit trail of admin calls (table {@code admin_audit}, migration V9). */
final class AuditLog {

  /** One admin call, as recorded. */
  record Entry(String actor, String method, String path, String address, String mode, int bodyBytes,
      String bodySha256, String outcome, int status, String remote) {}

  private static final String INSERT = "INSERT INTO admin_audit (actor, method, path, address, mode, body_bytes, "
      + "body_sha256, outcome, status, remote) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)";
  private static final String PAGE = "SELECT id, at, actor, method, path, address, mode, body_bytes, body_sha256, "
      + "outcome, status, remote FROM admin_audit WHERE id < $1 ORDER BY id DESC LIMIT $2";

  private final Pool pool;

  AuditLog(Pool pool) {
    this.pool = pool;
  }

  Future<Void> write(Entry e) {
    return pool.preparedQuery(INSERT).execute(Tuple.tuple().addValue(e.actor()).addValue(e.method())
            .addValue(e.path()).addValue(e.address()).addValue(e.mode()).addValue(e.bodyBytes())
            .addValue(e.bodySha256()).addValue(e.outcome()).addValue(e.status()).addValue(e.remote()))
        .mapEmpty();
  }

  /** The {@code limit} entries before id {@code before} (null: the newest), newest first. */
  Future<JsonObject> page(Long before, int limit) {
    return pool.preparedQuery(PAGE).execute(Tuple.of(before == null ? Long.MAX_VALUE : before, limit + 1))
        .map(rows -> {
          JsonArray entries = new JsonArray();
          for (Row r : rows) {
            if (entries.size() == limit) {
              break;
            }
            entries.add(new JsonObject().put("id", r.getLong("id")).put("at", r.getOffsetDateTime("at").toInstant().toString())
                .put("actor", r.getString("actor")).put("method", r.getString("method")).put("path", r.getString("path"))
                .put("address", r.getString("address")).put("mode", r.getString("mode"))
                .put("bodyBytes", r.getInteger("body_bytes")).put("bodySha256", r.getString("body_sha256"))
                .put("outcome", r.getString("outcome")).put("status", r.getInteger("status"))
                .put("remote", r.getString("remote")));
          }
          return new JsonObject().put("entries", entries).put("hasMore", rows.size() > limit);
        });
  }
}
