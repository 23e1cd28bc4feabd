package io.agentbus.admin;

import io.agentbus.bus.Addresses;
import io.agentbus.bus.AppException;
import io.agentbus.bus.ErrorCode;
import io.agentbus.bus.Principal;
import io.agentbus.bus.Requests;
import io.agentbus.stream.StreamName;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.regex.Pattern;

/**
 * {@code POST /admin/bus} (PROTOCOL §9): {address, body, mode, headers?, timeoutMs?,
 * idempotencyKey?}. The address must match the allow-list and is never {@code internal.*}.
 * <ul>
 *   <li>A browser-facing stream address ({@code agentbus.channel.<name>}, {@code .session.},
 *   {@code .workflow.}, {@code .user.}) takes {@code publish} only, and is persisted by the router
 *   like any event of that stream — a channel post is a {@code message} with its seq — so it
 *   reaches every node's /ws and bridge clients in order (202 {stream, seq}).</li>
 *   <li>Any other allowed address is used as the bus has it: {@code publish} and {@code send}
 *   answer 202, {@code request} 200 {reply}, 504 when nobody answers in time, or the service's own
 *   coded refusal. The caller is the admin ({@code ab-user} = the actor, role admin): headers the
 *   operator gives cannot name another caller.</li>
 * </ul>
 */
final class AdminBus {

  static final long DEFAULT_TIMEOUT_MS = 5_000;
  /** Below {@link Requests#ADMIN_MS}, so the bridge's own wait outlasts it. */
  static final long MAX_TIMEOUT_MS = 30_000;
  private static final List<String> MODES = List.of("publish", "send", "request");

  /** An answer: HTTP status and JSON body. */
  record Answer(int status, JsonObject body, String outcome) {}

  private final Vertx vertx;
  private final Pattern allowed;
  /** This node runs a router: stream publishes stay on the node (no hop, none to a member that just died). */
  private final boolean localRouter;

  AdminBus(Vertx vertx, String allowedRegex, boolean localRouter) {
    this.vertx = vertx;
    this.allowed = Pattern.compile(allowedRegex);
    this.localRouter = localRouter;
  }

  /** The validated call; throws INVALID_MESSAGE (400) for a malformed one. */
  record Call(String address, Object body, String mode, JsonObject headers, long timeoutMs, String idempotencyKey) {}

  Call parse(JsonObject in) {
    if (!(in.getValue("address") instanceof String address) || address.isEmpty() || address.length() > 200) {
      throw AppException.invalid("'address' is required: a string of at most 200 characters");
    }
    if (address.startsWith("internal.")) {
      throw AppException.invalid("internal.* addresses are between verticles only and never reachable from here");
    }
    if (!allowed.matcher(address).matches()) {
      throw AppException.invalid("'" + address + "' is outside the allow-list (" + allowed.pattern() + ")");
    }
    Object mode = in.getValue("mode", "publish");
    if (!(mode instanceof String m) || !MODES.contains(m)) {
      throw AppException.invalid("'mode' must be publish, send or request");
    }
    if (!in.containsKey("body")) {
      throw AppException.invalid("'body' is required");
    }
    Object headers = in.getValue("headers");
    if (headers != null && !(headers instanceof JsonObject)) {
      throw AppException.invalid("'headers' must be an object of strings");
    }
    JsonObject h = headers == null ? new JsonObject() : (JsonObject) headers;
    if (h.size() > 20 || h.stream().anyMatch(e -> !(e.getValue() instanceof String) || e.getKey().length() > 64
        || ((String) e.getValue()).length() > 1024)) {
      throw AppException.invalid("'headers' must be at most 20 string values");
    }
    Object t = in.getValue("timeoutMs", DEFAULT_TIMEOUT_MS);
    if (!(t instanceof Number n) || n.longValue() < 1 || n.longValue() > MAX_TIMEOUT_MS) {
      throw AppException.invalid("'timeoutMs' must be a whole number from 1 to " + MAX_TIMEOUT_MS);
    }
    Object key = in.getValue("idempotencyKey");
    if (key != null && (!(key instanceof String k) || k.isEmpty() || k.length() > 128)) {
      throw AppException.invalid("'idempotencyKey' must be a string of 1 to 128 characters");
    }
    return new Call(address, in.getValue("body"), (String) mode, h, ((Number) t).longValue(), (String) key);
  }

  Future<Answer> run(Call c, String actor) {
    String stream = StreamName.ofBrowserAddress(c.address());
    if (stream != null) {
      if (!c.mode().equals("publish")) {
        throw AppException.invalid("a stream address (" + c.address() + ") is published to, not sent to");
      }
      if (!(c.body() instanceof JsonObject body)) {
        throw AppException.invalid("'body' of a stream event must be a JSON object");
      }
      JsonObject ask = new JsonObject().put("stream", stream).put("body", body).put("actor", actor)
          .put("idempotencyKey", c.idempotencyKey());
      return vertx.eventBus().<JsonObject>request(Addresses.ROUTER_ADMIN_PUBLISH, ask,
              Requests.control().setLocalOnly(localRouter))
          .map(m -> new Answer(202, m.body().put("status", "accepted"), "ok"));
    }
    DeliveryOptions opts = new DeliveryOptions().setSendTimeout(c.timeoutMs());
    c.headers().forEach(e -> {
      if (!e.getKey().startsWith("ab-")) {
        opts.addHeader(e.getKey(), (String) e.getValue());
      }
    });
    opts.addHeader(Principal.H_USER, actor).addHeader(Principal.H_ROLES, "admin");
    return switch (c.mode()) {
      case "publish" -> {
        vertx.eventBus().publish(c.address(), c.body(), opts);
        yield Future.succeededFuture(new Answer(202, new JsonObject().put("status", "published"), "ok"));
      }
      case "send" -> {
        vertx.eventBus().send(c.address(), c.body(), opts);
        yield Future.succeededFuture(new Answer(202, new JsonObject().put("status", "sent"), "ok"));
      }
      default -> vertx.eventBus().request(c.address(), c.body(), opts)
          .map(m -> new Answer(200, new JsonObject().put("reply", m.body()), "ok"))
          .recover(err -> {
            if (err instanceof ReplyException re && (re.failureType() == ReplyFailure.TIMEOUT
                || re.failureType() == ReplyFailure.NO_HANDLERS)) {
              return Future.succeededFuture(new Answer(504, error(ErrorCode.UNAVAILABLE, re.failureType()
                  == ReplyFailure.TIMEOUT ? "no reply from " + c.address() + " within " + c.timeoutMs() + " ms"
                  : "nobody serves " + c.address()), "timeout"));
            }
            AppException e = AppException.from(err);
            return Future.succeededFuture(new Answer(e.code.httpStatus, error(e.code, e.getMessage()), "failed"));
          });
    };
  }

  static JsonObject error(ErrorCode code, String message) {
    return new JsonObject().put("status", "error").put("code", code.name()).put("message", message);
  }
}
