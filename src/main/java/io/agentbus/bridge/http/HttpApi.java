package io.agentbus.bridge.http;

import io.agentbus.auth.TokenService;
import io.agentbus.bridge.BridgeContext;
import io.agentbus.bus.Addresses;
import io.agentbus.bus.AppException;
import io.agentbus.bus.ErrorCode;
import io.agentbus.bus.Principal;
import io.vertx.core.Future;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.ArrayList;
import java.util.List;

/**
 * The REST part of PROTOCOL §5 served so far: dev login, channels, history, workflows, approvals. Requests become the
 * same router bus requests as /ws frames; failures map to {@code {"status":"error",…}} here only.
 */
public final class HttpApi {

  private static final String PRINCIPAL = "principal";
  private final BridgeContext bc;

  public HttpApi(BridgeContext bc) {
    this.bc = bc;
  }

  public void mount(Router router) {
    router.route("/api/*").handler(BodyHandler.create().setBodyLimit(64 * 1024).setHandleFileUploads(false));
    router.post("/api/auth/token").handler(this::devToken);
    router.route("/api/*").handler(this::authenticate);
    router.get("/api/channels").handler(ctx -> call(ctx, Addresses.CHANNELS_LIST, new JsonObject(), 200));
    router.post("/api/channels").handler(ctx -> {
      try {
        call(ctx, Addresses.CHANNELS_CREATE, jsonBody(ctx), 201);
      } catch (AppException e) {
        fail(ctx, e.code, e.getMessage());
      }
    });
    router.get("/api/channels/:name/messages").handler(this::history);
    router.get("/api/templates").handler(ctx -> call(ctx, Addresses.WORKFLOW_TEMPLATES, new JsonObject(), 200,
        bc.toOrchestrator(ctx.get(PRINCIPAL))));
    router.get("/api/workflows/:id").handler(ctx -> call(ctx, Addresses.WORKFLOW_GET,
        new JsonObject().put("workflowId", ctx.pathParam("id")), 200, bc.toOrchestrator(ctx.get(PRINCIPAL))));
    router.get("/api/workflows").handler(ctx -> {
      String session = ctx.request().getParam("sessionId");
      if (session == null) {
        fail(ctx, ErrorCode.INVALID_MESSAGE, "?sessionId= is required");
        return;
      }
      call(ctx, Addresses.WORKFLOW_LIST, new JsonObject().put("sessionId", session), 200,
          bc.toOrchestrator(ctx.get(PRINCIPAL)));
    });
    router.get("/api/approvals").handler(ctx -> {
      JsonObject body = new JsonObject();
      if (ctx.request().getParam("status") != null) {
        body.put("status", ctx.request().getParam("status"));
      }
      call(ctx, Addresses.APPROVALS_LIST, body, 200, bc.toApprovals(ctx.get(PRINCIPAL)));
    });
    router.post("/api/approvals/:id").handler(ctx -> {
      try {
        call(ctx, Addresses.APPROVAL_RESPOND, jsonBody(ctx).put("approvalId", ctx.pathParam("id")), 200,
            bc.toApprovals(ctx.get(PRINCIPAL)));
      } catch (AppException e) {
        fail(ctx, e.code, e.getMessage());
      }
    });
    router.route("/api/*").handler(ctx -> fail(ctx, ErrorCode.NOT_FOUND, "no such API: " + ctx.request().path()));
  }

  private void devToken(RoutingContext ctx) {
    if (!bc.cfg().devLogin()) {
      fail(ctx, ErrorCode.NOT_FOUND, "dev login is off");
      return;
    }
    try {
      JsonObject in = jsonBody(ctx);
      Object user = in.getValue("userId");
      if (!(user instanceof String u) || !TokenService.isValidUserId(u)) {
        throw AppException.invalid("'userId' must match [A-Za-z0-9][A-Za-z0-9_.@-]{0,63}");
      }
      List<String> roles = new ArrayList<>();
      Object r = in.getValue("roles");
      if (r != null) {
        if (!(r instanceof JsonArray a)) {
          throw AppException.invalid("'roles' must be an array");
        }
        for (Object o : a) {
          if (!(o instanceof String s) || !TokenService.KNOWN_ROLES.contains(s)) {
            throw AppException.invalid("'roles' may hold only " + TokenService.KNOWN_ROLES);
          }
          roles.add(s);
        }
      }
      json(ctx, 200, bc.tokens().issue(u, roles));
    } catch (AppException e) {
      fail(ctx, e.code, e.getMessage());
    }
  }

  private void authenticate(RoutingContext ctx) {
    String h = ctx.request().getHeader("Authorization");
    if (h == null || !h.regionMatches(true, 0, "Bearer ", 0, 7)) {
      fail(ctx, ErrorCode.NOT_AUTHENTICATED, "Authorization: Bearer <token> required");
      return;
    }
    bc.tokens().verify(h.substring(7).trim()).onComplete(ar -> {
      if (ar.succeeded()) {
        ctx.put(PRINCIPAL, ar.result());
        ctx.next();
      } else {
        fail(ctx, ErrorCode.NOT_AUTHENTICATED, "invalid or expired token");
      }
    });
  }

  private void history(RoutingContext ctx) {
    JsonObject body = new JsonObject().put("channel", ctx.pathParam("name"));
    try {
      for (String p : List.of("before", "limit")) {
        String v = ctx.request().getParam(p);
        if (v != null) {
          try {
            body.put(p, Long.parseLong(v));
          } catch (NumberFormatException e) {
            throw AppException.invalid("'" + p + "' must be a whole number");
          }
        }
      }
    } catch (AppException e) {
      fail(ctx, e.code, e.getMessage());
      return;
    }
    call(ctx, Addresses.HISTORY, body, 200);
  }

  private static JsonObject jsonBody(RoutingContext ctx) {
    String s = ctx.body() == null ? null : ctx.body().asString();
    if (s == null || s.isBlank()) {
      return new JsonObject();
    }
    try {
      Object v = io.vertx.core.json.Json.decodeValue(s);
      if (v instanceof JsonObject o) {
        return o;
      }
    } catch (DecodeException e) {
      throw new AppException(ErrorCode.INVALID_JSON, "the body is not valid JSON");
    }
    throw AppException.invalid("the body must be a JSON object");
  }

  private void call(RoutingContext ctx, String address, JsonObject body, int okStatus) {
    call(ctx, address, body, okStatus, bc.toRouter(ctx.get(PRINCIPAL)));
  }

  private void call(RoutingContext ctx, String address, JsonObject body, int okStatus,
      io.vertx.core.eventbus.DeliveryOptions opts) {
    Future<JsonObject> f;
    try {
      f = bc.vertx().eventBus().<JsonObject>request(address, body, opts).map(m -> m.body());
    } catch (AppException e) {
      f = Future.failedFuture(e);
    }
    f.onComplete(ar -> {
      if (ar.succeeded()) {
        json(ctx, okStatus, ar.result());
      } else {
        AppException e = AppException.from(ar.cause());
        fail(ctx, e.code, e.getMessage());
      }
    });
  }

  public static void json(RoutingContext ctx, int status, JsonObject body) {
    ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(body.encode());
  }

  public static void fail(RoutingContext ctx, ErrorCode code, String message) {
    json(ctx, code.httpStatus, new JsonObject().put("status", "error").put("code", code.name()).put("message", message));
  }
}
