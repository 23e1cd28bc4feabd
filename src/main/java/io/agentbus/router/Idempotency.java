package io.agentbus.router;

import io.agentbus.stream.StreamWriter;
import io.agentbus.stream.StreamWriter.Append;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * Idempotent publishing (table {@code idempotency_keys}, migration V9): a chat or an admin publish
 * that carries {@code idempotencyKey} is stored once per (principal, key) within the configured
 * time; a repeat — a client retrying after a lost ack, on any node — is answered with the first
 * one's ack and stores nothing. The key is claimed in the transaction that appends the event and
 * the ack recorded in it too, so a key never outlives a rolled-back event, and a second request
 * racing the first waits on the key's row lock, then finds the first's ack. A key reused for another
 * stream or with another body (its {@link #fingerprint}) is a {@code CONFLICT}: acknowledging it as a
 * repeat would tell the client something was stored that never was.
 */
final class Idempotency {

  static final int KEY_MAX = 128;
  private static final String CLAIM = "INSERT INTO idempotency_keys (principal, key, stream, fingerprint) "
      + "VALUES ($1, $2, $3, $5) "
      + "ON CONFLICT (principal, key) DO UPDATE SET stream = EXCLUDED.stream, seq = NULL, result = NULL, "
      + "fingerprint = EXCLUDED.fingerprint, "
      + "created_at = now() WHERE idempotency_keys.created_at < now() - make_interval(hours => $4) RETURNING 1";
  private static final String RECORD = "UPDATE idempotency_keys SET seq = $3, result = $4 WHERE principal = $1 AND key = $2";
  private static final String RESULT =
      "SELECT result, stream, fingerprint FROM idempotency_keys WHERE principal = $1 AND key = $2";
  private static final String FORGET = "DELETE FROM idempotency_keys WHERE created_at < now() - make_interval(hours => $1)";

  private final Pool pool;
  private final StreamWriter writer;
  private final int ttlHours;

  Idempotency(Pool pool, StreamWriter writer, int ttlHours) {
    this.pool = pool;
    this.writer = writer;
    this.ttlHours = ttlHours;
  }

  /** A request's fingerprint: the SHA-256 of its meaningful fields, in a fixed order. */
  static String fingerprint(Object... fields) {
    try {
      java.security.MessageDigest md = java.security.MessageDigest.getInstance("SHA-256");
      md.update(new io.vertx.core.json.JsonArray(java.util.Arrays.asList(fields)).encode()
          .getBytes(java.nio.charset.StandardCharsets.UTF_8));
      return java.util.HexFormat.of().formatHex(md.digest());
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Appends {@code work}'s events to {@code stream} unless the key was used: answers the ack made
   * by {@code ack} from the seqs (stored with the key), or the first request's ack with
   * {@code duplicate: true} when the first was for the same stream and {@code fingerprint}, else
   * fails with {@code CONFLICT} (and stores nothing).
   */
  Future<JsonObject> once(String principal, String key, String stream, String fingerprint,
      Function<SqlConnection, Future<List<Append>>> work, Function<List<Long>, JsonObject> ack) {
    JsonObject[] made = new JsonObject[1];
    BiFunction<SqlConnection, List<Long>, Future<Void>> record = (conn, seqs) -> {
      made[0] = ack.apply(seqs);
      return conn.preparedQuery(RECORD).execute(Tuple.of(principal, key, seqs.get(0), made[0])).mapEmpty();
    };
    return writer.appendWith(stream, conn -> conn.preparedQuery(CLAIM)
                .execute(Tuple.of(principal, key, stream, ttlHours, fingerprint))
            .compose(rows -> rows.size() == 0 ? Future.succeededFuture(List.<Append>of()) : work.apply(conn)), record)
        .compose(seqs -> !seqs.isEmpty() ? Future.succeededFuture(made[0])
            : pool.preparedQuery(RESULT).execute(Tuple.of(principal, key)).compose(rows -> {
              io.vertx.sqlclient.Row row = rows.size() == 0 ? null : rows.iterator().next();
              if (row != null && (!stream.equals(row.getString(1))
                  || row.getString(2) != null && !row.getString(2).equals(fingerprint))) {
                return Future.failedFuture(new io.agentbus.bus.AppException(io.agentbus.bus.ErrorCode.CONFLICT,
                    "idempotencyKey '" + key + "' was already used for a different request"));
              }
              Object r = row == null ? null : row.getValue(0);
              JsonObject first = r instanceof JsonObject j ? j.copy() : new JsonObject();
              return Future.succeededFuture(first.put("duplicate", true));
            }));
  }

  private static final String REMEMBER = "INSERT INTO idempotency_keys (principal, key, stream, result) "
      + "VALUES ($1, $2, '', $3) ON CONFLICT (principal, key) DO UPDATE SET result = EXCLUDED.result, created_at = now() "
      + "WHERE idempotency_keys.created_at < now() - make_interval(hours => $4)";
  private static final String LIVE_RESULT = "SELECT result FROM idempotency_keys WHERE principal = $1 AND key = $2 "
      + "AND created_at >= now() - make_interval(hours => $3)";

  /** Remembers a key's outcome where no event records it (a worker's task result). */
  Future<JsonObject> remember(String principal, String key, JsonObject result) {
    return pool.preparedQuery(REMEMBER).execute(Tuple.of(principal, key, result, ttlHours)).map(r -> new JsonObject());
  }

  /** A remembered key's outcome within its time: {result} (null when unknown). */
  Future<JsonObject> lookup(String principal, String key) {
    return pool.preparedQuery(LIVE_RESULT).execute(Tuple.of(principal, key, ttlHours)).map(rows ->
        new JsonObject().put("result", rows.size() == 0 ? null : rows.iterator().next().getValue(0)));
  }

  /** Drops keys past their time (run now and then by each router). */
  Future<Integer> sweep() {
    return pool.preparedQuery(FORGET).execute(Tuple.of(ttlHours)).map(r -> r.rowCount());
  }
}
