package io.agentbus.bridge.http;

import io.agentbus.auth.DevLogin;
import io.agentbus.bridge.BridgeContext;
import io.agentbus.bridge.Operation;
import io.agentbus.bus.AppException;
import io.agentbus.bus.ErrorCode;
import io.agentbus.bus.Names;
import io.agentbus.bus.Principal;
import io.agentbus.uploads.UploadHttp;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

/**
 * The REST API of PROTOCOL §5: dev login, then one route per {@link Operation} with an
 * {@link Operation.Http} binding, each becoming the same bus request as its {@code /ws} frame.
 * Failures map to {@code {"status":"error","code","message"}} here, in one place.
 */
public final class HttpApi {

  private static final String PRINCIPAL = "principal";
  private static final int BODY_LIMIT = 64 * 1024;
  private final BridgeContext bc;
  private final UploadHttp uploads;
  private final UserRates rates;
  private final KeyedWrites keyed;
  private volatile JsonObject openApi = new JsonObject();
  private final JsonObject asyncApi = io.agentbus.bridge.FrameSchemas.asyncApi();

  /**
   * Describes what {@code router} serves, once every route is mounted; fails (and so stops the
   * node from starting) when the routes and their descriptions differ ({@link ApiDocs#build}).
   */
  public void publish(Router router) {
    openApi = ApiDocs.build(router);
  }

  public HttpApi(BridgeContext bc, UploadHttp uploads) {
    this.bc = bc;
    this.uploads = uploads;
    this.rates = new UserRates(bc.limits().ratePerSecond(), bc.limits().rateBurst());
    this.keyed = new KeyedWrites(bc);
  }

  /** The principal {@link #authenticate} put on a request. */
  public static Principal principal(RoutingContext ctx) {
    return ctx.get(PRINCIPAL);
  }

  /** The token {@link #authenticate} accepted for a request (a long-lived stream ends when it is signed out). */
  public static String token(RoutingContext ctx) {
    return ctx.get(TOKEN);
  }

  private static final String TOKEN = "token";

  /**
   * Mounts the API; {@code signedIn} adds the routes of other transports that need the caller
   * (the SSE streams), after sign-in and before the table's routes.
   */
  public void mount(Router router, java.util.function.Consumer<Router> signedIn) {
    // Uploads stream their own body (never the 64 KiB JSON body handler): paused until authenticated.
    router.post("/api/upload").handler(ctx -> {
      ctx.request().pause();
      ctx.next();
    }).handler(this::authenticate).handler(ctx -> uploads.upload(ctx.request(), ctx.get(PRINCIPAL), HttpApi::fail));
    router.route("/api/*").handler(BodyHandler.create().setBodyLimit(BODY_LIMIT).setHandleFileUploads(false));
    router.post("/api/auth/token").handler(this::devToken);
    // The published contract (PROTOCOL §12), public: made from the mounted routes by publish().
    router.get("/api/openapi.json").handler(ctx -> json(ctx, 200, openApi));
    router.get("/api/asyncapi.json").handler(ctx -> json(ctx, 200, asyncApi));
    router.get("/api/auth/config").handler(this::clientConfig);
    router.route("/api/*").handler(this::authenticate);
    signedIn.accept(router);
    router.route("/api/files/:fileId").method(HttpMethod.GET).method(HttpMethod.HEAD).handler(ctx -> fileIdOr404(ctx,
        id -> uploads.download(ctx.request(), id, ctx.get(PRINCIPAL), HttpApi::fail)));
    router.delete("/api/files/:fileId").handler(ctx -> fileIdOr404(ctx,
        id -> uploads.delete(ctx.request(), id, ctx.get(PRINCIPAL), HttpApi::fail)));
    for (Operation op : Operation.values()) {
      if (op.http != null) {
        router.route(op.http.method(), op.http.path()).handler(ctx -> call(ctx, op));
      }
    }
    // A path that is served, asked with another method, is 405 with Allow (not "no such API").
    java.util.Map<java.util.regex.Pattern, java.util.Set<String>> allowed = new java.util.LinkedHashMap<>();
    allow(allowed, "/api/files/:fileId", "GET", "HEAD", "DELETE");
    allow(allowed, "/api/upload", "POST");
    allow(allowed, "/api/auth/token", "POST");
    allow(allowed, "/api/auth/config", "GET");
    for (Operation op : Operation.values()) {
      if (op.http != null) {
        allow(allowed, op.http.path(), op.http.method().name());
      }
    }
    router.route("/api/*").handler(ctx -> {
      for (var e : allowed.entrySet()) {
        if (e.getKey().matcher(ctx.request().path()).matches()) {
          ctx.response().putHeader("Allow", String.join(", ", e.getValue()));
          fail(ctx, 405, ErrorCode.INVALID_MESSAGE, ctx.request().method() + " is not allowed on " + ctx.request().path()
              + " (allowed: " + String.join(", ", e.getValue()) + ")");
          return;
        }
      }
      fail(ctx, ErrorCode.NOT_FOUND, "no such API: " + ctx.request().path());
    });
    mountAdmin(router);
  }

  /**
   * {@code /admin/*}: each call handed whole to the admin verticle (auth, the call, the audit);
   * a body over the limit too, so that refusal is audited as well.
   */
  private void mountAdmin(Router router) {
    int limit = bc.cfg().admin().maxBodyBytes();
    router.route("/admin/*").handler(BodyHandler.create().setBodyLimit(limit).setHandleFileUploads(false))
        .failureHandler(ctx -> {
          if (ctx.statusCode() == 413) {
            admin(ctx, true);
          } else {
            ctx.next();
          }
        });
    router.route("/admin/*").handler(ctx -> admin(ctx, false));
  }

  private void admin(RoutingContext ctx, boolean tooLarge) {
    JsonObject params = new JsonObject();
    ctx.queryParams().forEach(e -> params.put(e.getKey(), e.getValue()));
    String body = tooLarge || ctx.body() == null ? null : ctx.body().asString();
    JsonObject call = new JsonObject().put("method", ctx.request().method().name()).put("path", ctx.request().path())
        .put("params", params).put("authorization", ctx.request().getHeader("Authorization")).put("body", body)
        .put("bodyBytes", body == null ? 0 : ctx.body().length()).put("tooLarge", tooLarge)
        .put("remote", ctx.request().remoteAddress() == null ? null : ctx.request().remoteAddress().hostAddress());
    io.vertx.core.eventbus.DeliveryOptions opts = new io.vertx.core.eventbus.DeliveryOptions()
        .setSendTimeout(io.agentbus.bus.Requests.ADMIN_MS)
        .setLocalOnly(bc.localVerticles().contains(io.agentbus.config.Verticle.ADMIN.id));
    bc.vertx().eventBus().<JsonObject>request(io.agentbus.bus.Addresses.ADMIN_HTTP, call, opts).onComplete(ar -> {
      if (ar.succeeded()) {
        json(ctx, ar.result().body().getInteger("status"), ar.result().body().getJsonObject("body"));
      } else {
        AppException e = AppException.from(ar.cause());
        fail(ctx, e.code, e.getMessage());
      }
    });
  }

  /** Records that {@code path} (a route pattern with {@code :params}) answers {@code methods}. */
  private static void allow(java.util.Map<java.util.regex.Pattern, java.util.Set<String>> allowed, String path,
      String... methods) {
    java.util.regex.Pattern p = java.util.regex.Pattern.compile(path.replaceAll(":[A-Za-z]+", "[^/]+"));
    java.util.Set<String> set = allowed.keySet().stream().filter(k -> k.pattern().equals(p.pattern())).findFirst()
        .map(allowed::get).orElseGet(() -> {
          java.util.Set<String> fresh = new java.util.TreeSet<>();
          allowed.put(p, fresh);
          return fresh;
        });
    set.addAll(java.util.List.of(methods));
  }

  private static void fileIdOr404(RoutingContext ctx, java.util.function.Consumer<String> then) {
    String id = ctx.pathParam("fileId");
    if (Names.isId(id)) { // anything else is simply not found
      then.accept(id);
    } else {
      fail(ctx, ErrorCode.NOT_FOUND, "no file '" + id + "'");
    }
  }

  /**
   * What a client needs before it signs in (public, no secrets): whether dev login is on (else the
   * UI asks for a token minted by {@code agentbus token}), the limits it should check before it
   * sends, and the extensions an upload may have.
   */
  private void clientConfig(RoutingContext ctx) {
    io.agentbus.config.AgentbusConfig cfg = bc.cfg();
    json(ctx, 200, new JsonObject().put("devLogin", cfg.devLogin()).put("profile", cfg.node().profile())
        .put("sso", cfg.auth().oidc().enabled()).put("ssoSessionTtlSeconds", cfg.auth().oidc().sessionTtlSeconds())
        .put("maxContentChars", cfg.limits().maxContentChars())
        .put("uploads", new JsonObject().put("maxFileBytes", cfg.uploads().maxFileBytes())
            .put("maxFiles", cfg.uploads().maxFiles())
            .put("extensions", new io.vertx.core.json.JsonArray(io.agentbus.uploads.ContentCheck.extensions()))));
  }

  private void devToken(RoutingContext ctx) {
    if (!bc.cfg().devLogin()) {
      fail(ctx, ErrorCode.NOT_FOUND, "dev login is off");
      return;
    }
    try {
      JsonObject in = jsonBody(ctx);
      String user = DevLogin.userId(in.getValue("userId"));
      json(ctx, 200, bc.tokens().issue(user, DevLogin.roles(in.getValue("roles"))));
    } catch (AppException e) {
      fail(ctx, e.code, e.getMessage());
    }
  }

  /**
   * Sign-in for every {@code /api} and {@code /agui} route but the public ones, by bearer token or
   * the browser's cookie ({@link RequestToken}); a 401 says how (RFC 6750).
   */
  public void authenticate(RoutingContext ctx) {
    String token;
    try {
      token = RequestToken.of(ctx.request());
    } catch (AppException e) {
      fail(ctx, e.code, e.getMessage());
      return;
    }
    if (token == null) {
      fail(ctx, ErrorCode.NOT_AUTHENTICATED, "Authorization: Bearer <token> (or the agentbus_token cookie) required");
      return;
    }
    bc.tokens().verify(token).onComplete(ar -> {
      if (ar.succeeded()) {
        ctx.put(PRINCIPAL, ar.result());
        ctx.put(TOKEN, token);
        ctx.next();
      } else {
        ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"agentbus\", error=\"invalid_token\"");
        fail(ctx, ErrorCode.NOT_AUTHENTICATED, "invalid or expired token");
      }
    });
  }

  /**
   * One table operation over HTTP. A write (POST, DELETE) is first counted against its user's rate (429
   * with Retry-After, nothing stored), then, with an {@code Idempotency-Key}, run once for that key
   * (PROTOCOL §12).
   */
  private void call(RoutingContext ctx, Operation op) {
    JsonObject body;
    Principal who = ctx.get(PRINCIPAL);
    String key = ctx.request().getHeader("Idempotency-Key");
    boolean write = op.http.method() == HttpMethod.POST || op.http.method() == HttpMethod.DELETE;
    try {
      body = requestBody(ctx, op.http);
      if (write) {
        long wait = rates.take(who.userId());
        if (wait > 0) {
          ctx.response().putHeader("Retry-After", String.valueOf(wait));
          fail(ctx, ErrorCode.RATE_LIMITED, "too many writes: at most " + bc.limits().ratePerSecond()
              + " a second (burst " + bc.limits().rateBurst() + "); retry after " + wait + " s");
          return;
        }
      }
      if (write && key != null) {
        KeyedWrites.check(key);
        if (op.http.keyField() != null) {
          body.put(op.http.keyField(), key);
        }
      }
    } catch (AppException e) {
      fail(ctx, e.code, e.getMessage());
      return;
    }
    java.util.function.Supplier<io.vertx.core.Future<KeyedWrites.Answer>> run = () -> bc.vertx().eventBus()
        .<JsonObject>request(op.address, body, bc.to(op, who))
        .map(m -> {
          // A repeat the service recognised itself (a chat key) is the first answer again.
          boolean repeat = m.body().getBoolean("duplicate", false);
          JsonObject out = op.http.body(m.body());
          out.remove("duplicate");
          return new KeyedWrites.Answer(op.http.status(out), out, repeat);
        })
        .otherwise(KeyedWrites::failure);
    io.vertx.core.Future<KeyedWrites.Answer> answer = write && key != null && op.http.claims()
        ? keyed.once(who, op.http.method() + " " + op.http.path(), key, body, run) : run.get();
    answer.otherwise(KeyedWrites::failure).onSuccess(a -> {
      if (a.replayed()) {
        ctx.response().putHeader("Idempotent-Replayed", "true");
      }
      json(ctx, a.status(), a.body());
    });
  }

  /** A POST's JSON object, then the route's path parameters and listed query parameters as fields. */
  private static JsonObject requestBody(RoutingContext ctx, Operation.Http http) {
    JsonObject body = http.method() == HttpMethod.POST ? jsonBody(ctx) : new JsonObject();
    ctx.pathParams().forEach(body::put);
    http.fixed().forEach(body::put);
    for (String p : http.stringParams()) {
      String v = ctx.request().getParam(p);
      if (v != null) {
        body.put(p, v);
      }
    }
    for (String p : http.numberParams()) {
      String v = ctx.request().getParam(p);
      if (v != null) {
        try {
          body.put(p, Long.parseLong(v));
        } catch (NumberFormatException e) {
          throw AppException.invalid("'" + p + "' must be a whole number");
        }
      }
    }
    return body;
  }

  private static JsonObject jsonBody(RoutingContext ctx) {
    String s = ctx.body() == null ? null : ctx.body().asString();
    if (s == null || s.isBlank()) {
      return new JsonObject();
    }
    if (!isJson(ctx.request().getHeader("Content-Type"))) {
      throw new AppException(ErrorCode.UNSUPPORTED_MEDIA_TYPE, "the body must be JSON (Content-Type: application/json)");
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

  /**
   * {@code application/json}, with parameters, or a {@code +json} type. A body without a
   * Content-Type is read as JSON (clients that send none mean it); a declared other type is refused.
   */
  static boolean isJson(String contentType) {
    if (contentType == null || contentType.isBlank()) {
      return true;
    }
    String t = contentType.split(";", 2)[0].trim().toLowerCase(java.util.Locale.ROOT);
    return t.equals("application/json") || t.startsWith("application/") && t.endsWith("+json");
  }

  /** The JSON error body of PROTOCOL §5: {@code {"status":"error","code","message"}}. */
  public static JsonObject errorBody(ErrorCode code, String message) {
    return new JsonObject().put("status", "error").put("code", code.name()).put("message", message);
  }

  /** A coded JSON error with an explicit HTTP status (for refusals made before any service is asked). */
  public static void fail(RoutingContext ctx, int status, ErrorCode code, String message) {
    json(ctx, status, errorBody(code, message));
  }

  /** A coded failure on a bare response (the uploads edge answers outside a routing context). */
  public static void fail(io.vertx.core.http.HttpServerResponse resp, AppException e) {
    if (!resp.ended() && !resp.headWritten()) {
      if (e.code.httpStatus == 401) {
        resp.putHeader("WWW-Authenticate", "Bearer realm=\"agentbus\"");
      }
      resp.setStatusCode(e.code.httpStatus).putHeader("Content-Type", "application/json")
          .end(errorBody(e.code, e.getMessage()).encode());
    }
  }

  public static void json(RoutingContext ctx, int status, JsonObject body) {
    if (status == 401 && !ctx.response().headers().contains("WWW-Authenticate")) {
      ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"agentbus\"");
    }
    ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(body.encode());
  }

  public static void fail(RoutingContext ctx, ErrorCode code, String message) {
    json(ctx, code.httpStatus, errorBody(code, message));
  }
}
