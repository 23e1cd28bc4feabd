package io.agentbus.bridge;

import io.agentbus.auth.TokenService;
import io.agentbus.bridge.http.HttpApi;
import io.agentbus.bridge.sockjs.EventBusBridge;
import io.agentbus.bridge.ws.WsEndpoint;
import io.agentbus.bus.Addresses;
import io.agentbus.bus.AppException;
import io.agentbus.bus.ErrorCode;
import io.agentbus.bus.Json;
import io.agentbus.bus.Principal;
import io.agentbus.bus.Services;
import io.agentbus.config.AgentbusConfig;
import io.agentbus.config.Sections;
import io.agentbus.node.NodeParts;
import io.agentbus.metrics.Metrics;
import io.agentbus.uploads.UploadHttp;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.json.JsonObject;
import io.vertx.core.spi.cluster.ClusterManager;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.CorsHandler;
import io.vertx.ext.web.handler.StaticHandler;
import io.vertx.sqlclient.Pool;
import java.util.List;
import java.util.Set;

/**
 * The edge of a node: one HTTP server with {@code /ws}, the SockJS bridge on {@code /eventbus},
 * the REST API, {@code /health} and the web UI. Holds no business rules: every request becomes a
 * router bus request.
 */
public final class BridgeVerticle extends VerticleBase {

  private final NodeParts parts;
  private HttpServer server;
  private Pool pool;
  private BridgeContext bc;
  private EventBusBridge sockJs;
  private io.agentbus.bridge.sse.EventStreams events;
  private io.agentbus.bridge.sse.SseEndpoint sse;
  private io.agentbus.bridge.agui.AguiEndpoint agui;

  public BridgeVerticle(NodeParts parts) {
    this.parts = parts;
  }

  @Override
  public Future<?> start() {
    AgentbusConfig cfg = parts.config();
    pool = parts.pool();
    TokenService tokens = parts.tokens();
    // The first bridge instance's event loop becomes the hub's (and presence's, beside it).
    if (parts.hub().startOn(context)) {
      parts.presence().start();
    }
    bc = new BridgeContext(parts, tokens);
    // One bridge instance: every socket, and the hub writing to them, on one event loop.
    boolean oneLoop = cfg.instances(io.agentbus.config.Verticle.BRIDGE) == 1;
    wsEndpoint = new WsEndpoint(bc, oneLoop); // direct writes when one bridge instance serves everything

    // Presence lives in its package; the bridge only wires this node's copy to its address.
    io.agentbus.presence.PresenceService.serve(vertx, bc.presence(), pool);

    Router router = Router.router(vertx);
    io.agentbus.bridge.http.Origins origins = new io.agentbus.bridge.http.Origins(cfg);
    maxNoHeartbeatSeconds = cfg.cluster().maxNoHeartbeatSeconds();
    io.agentbus.bus.NodeState nodeState = parts.state();
    router.route().handler(ctx -> {
      // Draining: each answer closes its keep-alive connection after it, so the client's next
      // request opens a new one (to another node) instead of meeting this one's close.
      if (nodeState.draining()) {
        ctx.response().putHeader(io.vertx.core.http.HttpHeaders.CONNECTION, "close");
      }
      ctx.next();
    });
    router.route().handler(origins::guard);
    router.route().handler(io.agentbus.bridge.http.Origins::securityHeaders);
    if (!cfg.isProd() || !origins.listed().isEmpty()) {
      // In prod with no origins listed only same-origin requests pass the guard: they need no CORS.
      router.route().handler(cors(cfg));
    }
    // PROTOCOL §10: live while the process runs; ready (and /health) when it can serve.
    router.get("/health/live").handler(ctx -> HttpApi.json(ctx, 200, new JsonObject().put("status", "UP")));
    router.get("/health/ready").handler(this::health);
    router.get("/health").handler(this::health);
    Metrics metrics = parts.metrics();
    router.get("/metrics").handler(ctx -> ctx.response()
        .putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8").end(metrics.prometheus()));
    router.route("/ws").handler(ctx -> {
      if (!ctx.request().canUpgradeToWebSocket()) {
        HttpApi.fail(ctx, ErrorCode.INVALID_MESSAGE, "/ws is a WebSocket endpoint");
        return;
      }
      ctx.request().toWebSocket().onSuccess(wsEndpoint::accept);
    });
    sockJs = new EventBusBridge(bc);
    router.route("/eventbus/*").subRouter(sockJs.router());
    Sections.Uploads uploads = cfg.uploads();
    events = new io.agentbus.bridge.sse.EventStreams(vertx, cfg.http().sseKeepAliveMs(), cfg.limits().sendQueueBytes());
    sse = new io.agentbus.bridge.sse.SseEndpoint(bc, events);
    HttpApi api = new HttpApi(bc, new UploadHttp(vertx, pool, uploads.tmpDir(), uploads.maxFileBytes(), uploads.maxFiles(),
        cfg.runs(io.agentbus.config.Verticle.UPLOADS)));
    api.mount(router, r -> r.get(Operation.STREAM_EVENTS.http.path())
            .handler(ctx -> {
              if (io.agentbus.bridge.sse.SseEndpoint.wanted(ctx)) {
                sse.serve(ctx);
              } else {
                ctx.next();
              }
            }));
    agui = new io.agentbus.bridge.agui.AguiEndpoint(bc, events);
    agui.mount(router, api::authenticate);
    // Browser single sign-on (auth.oidc.*): /auth/login, /auth/callback, /auth/refresh, /auth/logout, /auth/session.
    new io.agentbus.bridge.http.SignIn(tokens, cfg.auth().oidc()).mount(router);
    // The UI's browser libraries come from WebJars (Maven dependencies), versioned in their paths.
    // Static files answer GET and HEAD only, so another method on an API path is 405, not a 404
    // from a static lookup that matched every method.
    router.route("/webjars/*").method(HttpMethod.GET).method(HttpMethod.HEAD)
        .handler(StaticHandler.create("META-INF/resources/webjars").setMaxAgeSeconds(86_400));
    if (cfg.isProd()) {
      // The browsable API page is a development aid; production publishes the documents only.
      router.get("/api-docs.html").handler(ctx -> HttpApi.fail(ctx, ErrorCode.NOT_FOUND, "no such page"));
    }
    router.route("/*").method(HttpMethod.GET).method(HttpMethod.HEAD)
        .handler(StaticHandler.create("webroot").setCachingEnabled(false));
    api.publish(router);
    // An identity signed out on whichever node (a browser session, or a user an operator revoked):
    // this bridge's connections that carry it close, on this verticle's own event loop.
    stopSignOuts = tokens.sessions().onRevoked(r -> context.runOnContext(v -> {
      wsEndpoint.signOut(r);
      sockJs.signOut(r);
      sse.signOut(r);
    }));
    // A member removed from a private channel or DM (§7.1), on whichever node: this bridge's
    // connections, sockets and stream reads of that user stop following it.
    vertx.eventBus().<JsonObject>consumer(io.agentbus.bus.Addresses.CHANNEL_MEMBER_REMOVED, m -> {
      String stream = io.agentbus.stream.StreamName.channel(m.body().getString("channel"));
      String user = m.body().getString("userId");
      wsEndpoint.revoke(stream, user);
      sockJs.revoke(stream, user);
      sse.revoke(stream, user);
    });
    // A channel list changed (created, a member added): the users concerned refresh theirs.
    vertx.eventBus().<JsonObject>consumer(io.agentbus.bus.Addresses.CHANNELS_CHANGED, m -> {
      io.vertx.core.json.JsonArray users = m.body().getJsonArray("users");
      wsEndpoint.toUsers(users == null ? null : new java.util.HashSet<>(users.getList()),
          new JsonObject().put("type", "channels_changed").put("channel", m.body().getString("channel")));
    });
    // Approvers' inboxes: one cluster consumer per bridge, fanned out to its own connections.
    vertx.eventBus().<JsonObject>consumer(io.agentbus.bus.Addresses.APPROVALS_INBOX, m -> {
      io.agentbus.stream.Frame f = new io.agentbus.stream.Frame(m.body().encode());
      wsEndpoint.toApprovers(f);
    });

    // The protocol limit is enforced by WsConnection as fragments arrive (close 1009, the rest of the
    // message discarded unbuffered). Netty still reads one frame whole before handing it on, so its
    // cap is set well above the limit: a client sending one big frame (up to this) is told 1009 in
    // a clean close rather than dropped (1006). Beyond it Netty drops the connection.
    int maxFrame = Math.max(64 * cfg.limits().maxFrameBytes(), 4 * 1024 * 1024);
    HttpServerOptions opts = new HttpServerOptions()
        .setHost(cfg.http().host()).setPort(cfg.http().port())
        .setMaxWebSocketFrameSize(maxFrame).setMaxWebSocketMessageSize(maxFrame)
        // No permessage-deflate (browsers ask for it): it would give every connection its own zlib
        // state and compress each frame once per subscriber, defeating encode-once fan-out.
        .setPerMessageWebSocketCompressionSupported(false).setPerFrameWebSocketCompressionSupported(false)
        // No SO_REUSEPORT: with it a second node started on a taken port would bind it too and
        // silently split the clients with the first. Bridge instances of one node share the
        // port through Vert.x's own server sharing.
        .setTcpNoDelay(true)
        // Strict thread mode: HTTP responses are written only from their connection's event loop,
        // so Vert.x gives each connection a direct outbound queue instead of a 1024-slot MPSC one
        // (measured: 4.5 KB less heap per idle WebSocket). It holds when one bridge instance serves
        // everything; with several, a SockJS polling session may answer from another loop.
        .setStrictThreadMode(oneLoop);
    answerErrorsAsJson(router);
    server = vertx.createHttpServer(opts).requestHandler(router).invalidRequestHandler(BridgeVerticle::invalidRequest);
    int port = cfg.http().port();
    return tokens.ready().compose(v -> server.listen()).recover(err -> Future.failedFuture(err instanceof java.net.BindException
        || String.valueOf(err.getMessage()).contains("Address already in use")
        ? new IllegalStateException("HTTP port " + port + " on " + cfg.http().host() + " is already in use "
            + "(another process, or another agentbus node, listens there): set AGENTBUS_HTTP_PORT (http.port) to a free "
            + "port", err)
        : err));
  }

  /**
   * A shutdown (PROTOCOL §10): every /ws connection stops reading, gets the answers to what it had
   * sent (at most {@link #DRAIN_MS}), then is closed with 1012; SockJS sockets too; then the server
   * stops listening. Readiness already fails ({@code NodeState.draining}), so balancers send no
   * new clients meanwhile.
   */
  @Override
  public Future<?> stop() {
    if (stopSignOuts != null) {
      stopSignOuts.run();
    }
    List<Future<Void>> closing = new java.util.ArrayList<>();
    closing.add(wsEndpoint.shutdown(DRAIN_MS));
    events.closeAll();
    closing.add(sockJs.closeAll(1012, "service restart", DRAIN_MS));
    // A graceful shutdown: requests in flight are answered before their connections close.
    return Future.join(closing).transform(x -> server.shutdown(DRAIN_MS, java.util.concurrent.TimeUnit.MILLISECONDS));
  }

  static final long DRAIN_MS = 3_000;
  private int maxNoHeartbeatSeconds;
  private Runnable stopSignOuts;
  private WsEndpoint wsEndpoint;

  /**
   * Every refusal the router makes itself (no route, wrong method, body too large, a handler that
   * failed) gets the coded JSON body of PROTOCOL §5, not Vert.x's default page.
   */
  private static void answerErrorsAsJson(Router router) {
    router.errorHandler(404, ctx -> HttpApi.fail(ctx, 404, ErrorCode.NOT_FOUND, "no such resource: " + ctx.request().path()));
    router.errorHandler(405, ctx -> HttpApi.fail(ctx, 405, ErrorCode.INVALID_MESSAGE,
        ctx.request().method() + " is not allowed on " + ctx.request().path()));
    router.errorHandler(413, ctx -> HttpApi.fail(ctx, 413, ErrorCode.PAYLOAD_TOO_LARGE, "the body is too large"));
    router.errorHandler(400, ctx -> HttpApi.fail(ctx, 400, ErrorCode.INVALID_MESSAGE, "bad request"));
    router.errorHandler(500, ctx -> {
      if (ctx.failure() != null) {
        org.slf4j.LoggerFactory.getLogger(BridgeVerticle.class).error("{} {} failed", ctx.request().method(),
            ctx.request().path(), ctx.failure());
      }
      HttpApi.fail(ctx, 500, ErrorCode.INTERNAL_ERROR, "internal error");
    });
  }

  /**
   * A request the HTTP decoder refused before routing (line or headers too long, malformed): the
   * same JSON error shape, with the status the decoder meant; the connection is closed after it.
   */
  private static void invalidRequest(io.vertx.core.http.HttpServerRequest req) {
    Throwable cause = req.decoderResult() == null ? null : req.decoderResult().cause();
    int status = cause instanceof io.netty.handler.codec.http.TooLongHttpLineException ? 414
        : cause instanceof io.netty.handler.codec.http.TooLongHttpHeaderException ? 431 : 400;
    String message = switch (status) {
      case 431 -> "the request headers are too large";
      case 414 -> "the request line (URI) is too long";
      default -> "malformed HTTP request";
    };
    req.response().setStatusCode(status).putHeader("Content-Type", "application/json").putHeader("Connection", "close")
        .end(new JsonObject().put("status", "error").put("code", status == 400 ? ErrorCode.INVALID_MESSAGE.name()
            : ErrorCode.PAYLOAD_TOO_LARGE.name()).put("message", message).encode());
  }

  private static CorsHandler cors(AgentbusConfig cfg) {
    List<String> origins = cfg.http().allowedOrigins();
    CorsHandler cors = origins.isEmpty() && !cfg.isProd() ? CorsHandler.create() : CorsHandler.create().addOrigins(origins);
    return cors.allowedMethods(Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.POST, HttpMethod.DELETE,
            HttpMethod.OPTIONS))
        .allowedHeaders(Set.of("Authorization", "Content-Type", "Range"));
  }

  /**
   * {@code /health/ready} and {@code /health}: UP only when the database answers, this node is in
   * a live cluster, its verticles are deployed and it is not shutting down. The public answer says
   * which check failed, never the driver's error text (it may name hosts and users); the log has it.
   */
  private void health(RoutingContext ctx) {
    ClusterManager cm = ((VertxInternal) vertx).clusterManager();
    boolean joined = cm != null && cm.isActive();
    int members = joined ? cm.getNodes().size() : 0;
    // PROTOCOL §13: a node that sees at most half of the cluster is on the minority side of a
    // partition (or alone): not ready, so clients go elsewhere. It lost its peers only after the
    // heartbeat limit already passed; a node still starting gets that long for them to join.
    // Fewer but a majority is reported as DEGRADED and stays ready.
    io.agentbus.bus.ClusterSize size = parts.clusterSize();
    boolean minority = size.isShort() && members * 2 <= size.expected()
        && (size.wasWhole() || size.shortForMs() > maxNoHeartbeatSeconds * 1000L);
    String clusterStatus = !joined || minority ? "DOWN" : size.isShort() ? "DEGRADED" : "UP";
    boolean clusterUp = joined && !minority;
    JsonObject cluster = new JsonObject().put("status", clusterStatus).put("members", members)
        .put("expectedMembers", size.expected());
    if (size.isShort()) {
      cluster.put("shortForMs", size.shortForMs());
    }
    io.agentbus.bus.NodeState state = parts.state();
    JsonObject verticles = new JsonObject().put("status", state.deployed() && !state.draining() ? "UP" : "DOWN")
        .put("state", state.draining() ? "shutting down" : state.deployed() ? "deployed" : "starting");
    pool.query("SELECT 1").execute().timeout(2, java.util.concurrent.TimeUnit.SECONDS).onComplete(ar -> {
      boolean dbUp = ar.succeeded();
      JsonObject db = new JsonObject().put("status", dbUp ? "UP" : "DOWN");
      if (!dbUp) {
        db.put("error", "the database does not answer");
        org.slf4j.LoggerFactory.getLogger(BridgeVerticle.class).debug("health: database check failed: {}",
            ar.cause().toString());
      }
      boolean up = dbUp && clusterUp && "UP".equals(verticles.getString("status"));
      if (state.draining()) {
        // Also when draining began after this request passed the router's first handler.
        ctx.response().putHeader(io.vertx.core.http.HttpHeaders.CONNECTION, "close");
      }
      HttpApi.json(ctx, up ? 200 : 503, new JsonObject().put("status", up ? "UP" : "DOWN")
          .put("nodeId", cm == null ? null : cm.getNodeId())
          .put("checks", new JsonObject().put("database", db).put("cluster", cluster).put("verticles", verticles)));
    });
  }
}
