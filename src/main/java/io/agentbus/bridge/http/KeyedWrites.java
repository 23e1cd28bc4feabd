package io.agentbus.bridge.http;

import io.agentbus.bridge.BridgeContext;
import io.agentbus.bus.AppException;
import io.agentbus.bus.Addresses;
import io.agentbus.bus.Hashing;
import io.agentbus.bus.Principal;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * An HTTP write under an {@code Idempotency-Key} (PROTOCOL §12): the key is claimed at the router
 * (which keeps it in PostgreSQL, so it holds on any node) before the request runs, the answer
 * recorded after it, and a repeat with the same body gets that answer again without running
 * anything. The fingerprint is of the route and the canonical body (keys sorted), so a client that
 * serialises the same JSON in another order is still repeating itself.
 */
final class KeyedWrites {

  /** The answer an HTTP write gives: a status and a JSON body, and whether it repeats an earlier one. */
  record Answer(int status, JsonObject body, boolean replayed) {}

  static final int KEY_MAX = 128;
  private final BridgeContext bc;

  KeyedWrites(BridgeContext bc) {
    this.bc = bc;
  }

  /** A key is 1–128 printable ASCII characters (what Stripe and the IETF draft take). */
  static String check(String key) {
    if (key.isEmpty() || key.length() > KEY_MAX || !key.chars().allMatch(c -> c >= 0x21 && c <= 0x7e)) {
      throw AppException.invalid("Idempotency-Key must be 1-" + KEY_MAX + " printable ASCII characters");
    }
    return key;
  }

  /** Runs {@code work} once for {@code key}; a repeat gets the first answer (5xx and 429 are not kept). */
  Future<Answer> once(Principal who, String route, String key, JsonObject body, Supplier<Future<Answer>> work) {
    String fingerprint = Hashing.sha256Hex(route + "\n" + canonical(body));
    JsonObject id = new JsonObject().put("route", route).put("key", key).put("fingerprint", fingerprint);
    return bc.vertx().eventBus().<JsonObject>request(Addresses.HTTP_KEY_CLAIM, id, bc.toRouter(who))
        .map(m -> m.body())
        .compose(claim -> {
          if (!claim.getBoolean("claimed", false)) {
            return Future.succeededFuture(new Answer(claim.getInteger("status"), claim.getJsonObject("body"), true));
          }
          return work.get().transform(ar -> {
            Answer a = ar.succeeded() ? ar.result() : failure(ar.cause());
            boolean keep = a.status() < 500 && a.status() != 429;
            JsonObject done = id.copy();
            String address = keep ? Addresses.HTTP_KEY_RECORD : Addresses.HTTP_KEY_RELEASE;
            if (keep) {
              done.put("status", a.status()).put("body", a.body());
            }
            // The answer goes out whatever the record does: a lost record only means a repeat
            // within a minute is told to retry, then runs again on a path safe to repeat.
            return bc.vertx().eventBus().request(address, done, bc.toRouter(who)).transform(x -> Future.succeededFuture(a));
          });
        });
  }

  /** The coded error answer of a failed request. */
  static Answer failure(Throwable err) {
    AppException e = AppException.from(err);
    return new Answer(e.code.httpStatus, HttpApi.errorBody(e.code, e.getMessage()), false);
  }

  /** JSON with every object's keys sorted: equal bodies give equal text. */
  static String canonical(Object v) {
    if (v instanceof JsonObject o) {
      StringBuilder sb = new StringBuilder("{");
      for (String k : new TreeSet<>(o.fieldNames())) {
        if (sb.length() > 1) {
          sb.append(',');
        }
        sb.append(io.vertx.core.json.Json.encode(k)).append(':').append(canonical(o.getValue(k)));
      }
      return sb.append('}').toString();
    }
    if (v instanceof JsonArray a) {
      StringBuilder sb = new StringBuilder("[");
      for (int i = 0; i < a.size(); i++) {
        sb.append(i == 0 ? "" : ",").append(canonical(a.getValue(i)));
      }
      return sb.append(']').toString();
    }
    return io.vertx.core.json.Json.encode(v);
  }
}
