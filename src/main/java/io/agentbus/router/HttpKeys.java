package io.agentbus.router;

import io.agentbus.bus.AppException;
import io.agentbus.bus.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

/**
 * {@code Idempotency-Key} on HTTP writes (PROTOCOL §12), kept in {@code idempotency_keys} beside
 * the chat keys: principal {@code http:<user>}, key {@code <route> <key>}, the request's
 * fingerprint, and the answer once there is one ({@code {status, body}}; null while the first
 * request is in flight). The first request claims the key before it runs; a repeat finds the
 * answer and gets it again, a repeat while the first still runs is told to retry, a repeat with
 * another body is a {@code CONFLICT}. Answers that must not be remembered (429, 5xx) release the
 * key. A claim left without an answer for {@link #STALE_SECONDS} (its node died mid-request) may be
 * claimed again: the writes behind these routes are themselves safe to repeat once (a workflow
 * start under a key is keyed by it too; cancel, pause and resume of one workflow converge).
 */
final class HttpKeys {

  static final int STALE_SECONDS = 60;
  private static final String CLAIM = "INSERT INTO idempotency_keys (principal, key, stream, fingerprint) "
      + "VALUES ($1, $2, $3, $4) ON CONFLICT (principal, key) DO UPDATE SET stream = EXCLUDED.stream, seq = NULL, "
      + "result = NULL, fingerprint = EXCLUDED.fingerprint, created_at = now() "
      + "WHERE idempotency_keys.created_at < now() - make_interval(hours => $5) "
      + "OR idempotency_keys.result IS NULL AND idempotency_keys.created_at < now() - make_interval(secs => $6) "
      + "RETURNING 1";
  private static final String FOUND = "SELECT result, fingerprint FROM idempotency_keys WHERE principal = $1 AND key = $2";
  private static final String RECORD = "UPDATE idempotency_keys SET result = $4 "
      + "WHERE principal = $1 AND key = $2 AND fingerprint = $3 AND result IS NULL";
  private static final String RELEASE = "DELETE FROM idempotency_keys "
      + "WHERE principal = $1 AND key = $2 AND fingerprint = $3 AND result IS NULL";

  private final Pool pool;
  private final int ttlHours;

  HttpKeys(Pool pool, int ttlHours) {
    this.pool = pool;
    this.ttlHours = ttlHours;
  }

  private static String principal(String user) {
    return "http:" + user;
  }

  /**
   * Claims {@code key} of {@code route} for a request with {@code fingerprint}: {@code {claimed:
   * true}}, or {@code {claimed: false, status, body}} — the first request's answer to repeat.
   */
  Future<JsonObject> claim(String user, String route, String key, String fingerprint) {
    String k = route + " " + key;
    return pool.preparedQuery(CLAIM).execute(Tuple.of(principal(user), k, route, fingerprint, ttlHours, STALE_SECONDS))
        .compose(rows -> rows.size() > 0 ? Future.succeededFuture(new JsonObject().put("claimed", true))
            : pool.preparedQuery(FOUND).execute(Tuple.of(principal(user), k)).compose(found -> {
              Row row = found.size() == 0 ? null : found.iterator().next();
              if (row == null) { // released or swept between the two statements: the caller may retry
                return Future.failedFuture(new AppException(ErrorCode.UNAVAILABLE,
                    "Idempotency-Key '" + key + "' is being released; retry"));
              }
              if (!fingerprint.equals(row.getString(1))) {
                return Future.failedFuture(new AppException(ErrorCode.CONFLICT,
                    "Idempotency-Key '" + key + "' was already used for a different request"));
              }
              Object result = row.getValue(0);
              if (!(result instanceof JsonObject answer)) {
                return Future.failedFuture(new AppException(ErrorCode.CONFLICT,
                    "a request with Idempotency-Key '" + key + "' is still in progress; retry"));
              }
              return Future.succeededFuture(answer.copy().put("claimed", false));
            }));
  }

  /** Records the answer of a claimed request ({@code status}, {@code body}). */
  Future<JsonObject> record(String user, String route, String key, String fingerprint, int status, JsonObject body) {
    JsonObject answer = new JsonObject().put("status", status).put("body", body);
    return pool.preparedQuery(RECORD).execute(Tuple.of(principal(user), route + " " + key, fingerprint, answer))
        .map(r -> new JsonObject());
  }

  /** Forgets a claim whose answer is not to be remembered (429, 5xx, a failure on the way). */
  Future<JsonObject> release(String user, String route, String key, String fingerprint) {
    return pool.preparedQuery(RELEASE).execute(Tuple.of(principal(user), route + " " + key, fingerprint))
        .map(r -> new JsonObject());
  }
}
