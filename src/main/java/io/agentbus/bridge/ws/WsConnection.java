package io.agentbus.bridge.ws;

import io.agentbus.auth.TokenService;
import io.agentbus.bridge.BridgeContext;
import io.agentbus.bus.Addresses;
import io.agentbus.bus.AppException;
import io.agentbus.bus.ErrorCode;
import io.agentbus.bus.Json;
import io.agentbus.bus.Principal;
import io.agentbus.config.AgentbusConfig;
import io.agentbus.metrics.Metrics;
import io.agentbus.stream.Frame;
import io.agentbus.stream.Sink;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.WebSocketFrameType;
import io.vertx.core.http.impl.ws.WebSocketFrameImpl;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * One {@code /ws} connection: authentication, frame validation, rate limiting, and translation of
 * frames into the router's bus requests (PROTOCOL §3). Runs on the bridge verticle's event loop;
 * {@link #write} is also called from the hub's thread.
 */
public final class WsConnection implements Sink {

  private final BridgeContext bc;
  private final ServerWebSocket ws;
  private final RateLimiter limiter;
  private final Set<String> streams = new HashSet<>();
  private final String requestedSession;
  private volatile Principal principal;
  private String sessionId;
  private volatile boolean closed;
  private boolean authenticating;
  /** Frames received while authentication is in progress. */
  private final java.util.ArrayDeque<String> held = new java.util.ArrayDeque<>(0);
  private static final int MAX_HELD = 32;
  private long authTimer = -1;

  private final Metrics metrics;

  public WsConnection(BridgeContext bc, ServerWebSocket ws) {
    this.bc = bc;
    this.ws = ws;
    this.metrics = Metrics.of(bc.vertx());
    metrics.wsConnections.incrementAndGet();
    this.limiter = new RateLimiter(bc.limits().ratePerSecond(), bc.limits().rateBurst());
    MultiMap q = queryParams(ws.query());
    this.requestedSession = q.get("session");
    ws.setWriteQueueMaxSize(bc.limits().sendQueueBytes());
    ws.textMessageHandler(this::onText);
    ws.binaryMessageHandler(b -> sendError(null, ErrorCode.INVALID_MESSAGE, "binary frames are not supported; send JSON text"));
    ws.closeHandler(v -> onClosed());
    ws.exceptionHandler(e -> { /* Netty closes the socket itself (e.g. 1009); the close handler cleans up */ });
    String token = q.get("token");
    if (token != null) {
      authenticating = true;
      bc.tokens().verify(token).onComplete(ar -> {
        if (ar.succeeded()) {
          establish(ar.result(), null);
        } else {
          authenticating = false;
          held.clear();
          sendError(null, ErrorCode.NOT_AUTHENTICATED, "invalid or expired token");
          ws.close(CloseCodes.NOT_AUTHENTICATED, "invalid token");
        }
      });
    } else {
      authTimer = bc.vertx().setTimer(bc.limits().authTimeoutMs(), id -> {
        if (principal == null && !closed) {
          sendError(null, ErrorCode.NOT_AUTHENTICATED, "no authentication within " + bc.limits().authTimeoutMs() + " ms");
          ws.close(CloseCodes.NOT_AUTHENTICATED, "authentication timeout");
        }
      });
    }
  }

  private static MultiMap queryParams(String query) {
    MultiMap m = MultiMap.caseInsensitiveMultiMap();
    if (query == null) {
      return m;
    }
    new QueryStringDecoder(query, false).parameters().forEach(m::add);
    return m;
  }

  // ---------------------------------------------------------------- Sink

  @Override
  public String userId() {
    Principal p = principal;
    return p == null ? "" : p.userId();
  }

  /**
   * Writes a shared, already encoded frame (no per-socket encoding: see {@link Frame}). A socket
   * whose send queue is past its bound is closed with 4008 instead of buffering without limit.
   */
  @Override
  public boolean write(Frame frame) {
    if (closed) {
      return false;
    }
    if (ws.writeQueueFull()) {
      closed = true;
      metrics.sendQueueOverflows.increment();
      ws.close(CloseCodes.SLOW_CONSUMER, "send queue full: reconnect and resume with lastSeq");
      return false;
    }
    // WebSocketFrameImpl is Vert.x-internal; it is the only way to hand Netty pre-encoded text.
    ws.writeFrame(new WebSocketFrameImpl(WebSocketFrameType.TEXT, frame.bytes(), true));
    return true;
  }

  private void send(JsonObject frame) {
    write(new Frame(frame.put("timestamp", Json.now()).encode()));
  }

  private void sendError(Object replyTo, ErrorCode code, String message) {
    JsonObject e = new JsonObject().put("type", "error").put("code", code.name()).put("error", message)
        .put("recoverable", code == ErrorCode.RATE_LIMITED || code == ErrorCode.INTERNAL_ERROR);
    if (replyTo != null) {
      e.put("replyTo", replyTo);
    }
    send(e);
  }

  private void onClosed() {
    closed = true;
    metrics.wsConnections.decrementAndGet();
    if (authTimer >= 0) {
      bc.vertx().cancelTimer(authTimer);
    }
    if (!streams.isEmpty()) {
      bc.hub().unsubscribeAll(this);
    }
    if (worker != null) {
      worker.close();
    }
  }

  // ---------------------------------------------------------------- frames

  private void onText(String text) {
    if (closed) {
      return;
    }
    if (tooBig(text)) {
      closed = true;
      ws.close(CloseCodes.TOO_BIG, "frame larger than " + bc.limits().maxFrameBytes() + " bytes");
      return;
    }
    if (authenticating) {
      // Frames sent right after connecting (token on the URL) or right after an auth frame wait
      // for the outcome instead of being refused; bounded.
      if (held.size() < MAX_HELD) {
        held.add(text);
      } else {
        sendError(null, ErrorCode.RATE_LIMITED, "too many frames before authentication finished");
      }
      return;
    }
    if (!limiter.tryAcquire()) {
      if (limiter.flooding()) {
        closed = true;
        ws.close(CloseCodes.RATE_FLOOD, "rate limit exceeded");
      } else if (limiter.strikes <= 3) {
        sendError(null, ErrorCode.RATE_LIMITED, "more than " + bc.limits().ratePerSecond() + " frames a second; slow down");
      }
      return;
    }
    JsonObject frame;
    try {
      Object parsed = io.vertx.core.json.Json.decodeValue(text);
      if (!(parsed instanceof JsonObject o)) {
        sendError(null, ErrorCode.INVALID_MESSAGE, "a frame must be a JSON object");
        return;
      }
      frame = o;
    } catch (DecodeException e) {
      sendError(null, ErrorCode.INVALID_JSON, "the frame is not valid JSON");
      return;
    }
    Object id = frame.getValue("id");
    if (id != null && !(id instanceof String s && s.length() <= 128) && !(id instanceof Number)) {
      sendError(null, ErrorCode.INVALID_MESSAGE, "'id' must be a string of at most 128 characters or a number");
      return;
    }
    Object type = frame.getValue("type");
    if (!(type instanceof String t) || t.isEmpty()) {
      sendError(id, ErrorCode.INVALID_MESSAGE, "'type' is required and must be a string");
      return;
    }
    try {
      dispatch(t, frame, id);
    } catch (AppException e) {
      sendError(id, e.code, e.getMessage());
    }
  }

  /** Over the protocol's frame limit, in UTF-8 bytes (Netty's own cap is higher and only a safety net). */
  private boolean tooBig(String text) {
    int limit = bc.limits().maxFrameBytes();
    if (text.length() > limit) {
      return true;
    }
    return text.length() * 3L > limit && text.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > limit;
  }

  private void dispatch(String type, JsonObject f, Object id) {
    if ("auth".equals(type)) {
      onAuth(f, id);
      return;
    }
    if ("ping".equals(type)) {
      send(reply("pong", id));
      return;
    }
    if (principal == null) {
      throw new AppException(ErrorCode.NOT_AUTHENTICATED, "authenticate first: {\"type\":\"auth\",\"token\":\"…\"}");
    }
    switch (type) {
      case "subscribe" -> onSubscribe(f, id);
      case "unsubscribe" -> onUnsubscribe(f, id);
      case "chat", "message" -> onChat(f, id);
      case "history" -> onHistory(f, id);
      case "typing_start", "typing_stop" -> request(Addresses.TYPING,
          new JsonObject().put("channel", f.getValue("channel")).put("typing", type.equals("typing_start")), id)
          .onSuccess(r -> { /* ephemeral: no answer on success */ });
      case "user_input" -> onUserInput(f, id);
      case "cancel" -> onCancel(f, id);
      case "agent_register" -> onAgentRegister(f, id);
      case "task_progress", "task_result", "task_failed" -> onTaskReport(type, f, id);
      case "approval_response" -> onApprovalResponse(f, id);
      default -> throw new AppException(ErrorCode.UNKNOWN_TYPE, "unknown frame type '" + type + "'");
    }
  }

  private static JsonObject reply(String type, Object id) {
    JsonObject o = new JsonObject().put("type", type);
    if (id != null) {
      o.put("replyTo", id);
    }
    return o;
  }

  /** A router request as the authenticated caller; failures become error frames. */
  private Future<JsonObject> request(String address, JsonObject body, Object id) {
    return request(address, body, id, bc.toRouter(principal.withSession(sessionId)));
  }

  private Future<JsonObject> request(String address, JsonObject body, Object id, DeliveryOptions opts) {
    return bc.vertx().eventBus().<JsonObject>request(address, body, opts)
        .map(m -> m.body())
        .onFailure(err -> {
          AppException e = AppException.from(err);
          sendError(id, e.code, e.getMessage());
        });
  }

  // ---------------------------------------------------------------- auth and session

  private void onAuth(JsonObject f, Object id) {
    if (principal != null || authenticating) {
      throw new AppException(ErrorCode.CONFLICT, "already authenticated");
    }
    Object token = f.getValue("token");
    Future<Principal> who;
    if (token instanceof String t) {
      who = bc.tokens().verify(t);
    } else if (token == null && bc.cfg().devLogin() && f.getValue("userId") instanceof String u) {
      if (!TokenService.isValidUserId(u)) {
        throw AppException.invalid("'userId' must match [A-Za-z0-9][A-Za-z0-9_.@-]{0,63}");
      }
      Object role = f.getValue("role");
      if (role != null && !(role instanceof String r && TokenService.KNOWN_ROLES.contains(r))) {
        throw AppException.invalid("'role' must be one of " + TokenService.KNOWN_ROLES);
      }
      who = Future.succeededFuture(new Principal(u,
          role == null || "user".equals(role) ? List.of("user") : List.of("user", (String) role), null));
    } else {
      throw AppException.invalid(bc.cfg().devLogin() ? "'token' (or, in dev, 'userId') is required" : "'token' is required");
    }
    authenticating = true;
    who.onComplete(ar -> {
      if (ar.succeeded()) {
        establish(ar.result(), id);
      } else {
        AppException e = AppException.from(ar.cause());
        send(reply("auth_response", id).put("success", false).put("error", e.getMessage()));
        sendError(id, e.code, e.getMessage());
        authSettled();
      }
    });
  }

  /** Authenticated: claim the session, then answer auth_response. */
  private void establish(Principal p, Object id) {
    String wanted = requestedSession != null ? requestedSession : UUID.randomUUID().toString();
    bc.vertx().eventBus().<JsonObject>request(Addresses.SESSION_CLAIM, new JsonObject().put("sessionId", wanted),
        bc.toRouter(p)).onComplete(ar -> {
          if (closed) {
            return;
          }
          if (ar.failed()) {
            AppException e = AppException.from(ar.cause());
            send(reply("auth_response", id).put("success", false).put("error", e.getMessage()));
            sendError(id, e.code, e.getMessage());
            if (e.code == ErrorCode.FORBIDDEN || e.code == ErrorCode.INVALID_MESSAGE) {
              closed = true;
              ws.close(CloseCodes.FORBIDDEN, "session not yours");
            }
            authSettled();
            return;
          }
          if (authTimer >= 0) {
            bc.vertx().cancelTimer(authTimer);
            authTimer = -1;
          }
          sessionId = wanted;
          principal = p.withSession(wanted);
          // A session that already has events (a reconnect) is followed at once, settled before
          // auth_response; a fresh one from its first workflow request (followSession).
          long sessionSeq = ar.result().body().getLong("lastSeq", 0L);
          Future<Void> follow = sessionSeq > 0 ? followSession() : Future.succeededFuture();
          follow.onComplete(x -> {
            if (closed) {
              return;
            }
            send(reply("auth_response", id).put("success", true).put("userId", p.userId())
                .put("roles", new JsonArray(p.roles())).put("sessionId", wanted).put("sessionSeq", sessionSeq));
            authSettled();
          });
        });
  }

  /**
   * Follows this connection's session stream (workflow events, uploads) from now on. Not done for
   * every connection: a following costs the node a stream in its hub, and most connections only
   * chat. Done before a request that starts a workflow is sent, so none of its events is missed.
   */
  private Future<Void> followSession() {
    String stream = "session:" + sessionId;
    if (!streams.add(stream)) {
      return Future.succeededFuture();
    }
    return bc.hub().subscribe(stream, this, null, null).<Void>mapEmpty().onFailure(e -> streams.remove(stream));
  }

  /** Authentication finished either way: handle the frames that arrived meanwhile, in order. */
  private void authSettled() {
    authenticating = false;
    String text;
    while (!closed && (text = held.poll()) != null) {
      onText(text);
    }
    held.clear();
  }

  // ---------------------------------------------------------------- subscriptions

  private static String streamOf(JsonObject f) {
    Object channel = f.getValue("channel");
    Object workflow = f.getValue("workflowId") != null ? f.getValue("workflowId") : f.getValue("executionId");
    Object session = f.getValue("sessionId");
    if ((channel != null ? 1 : 0) + (workflow != null ? 1 : 0) + (session != null ? 1 : 0) > 1) {
      throw AppException.invalid("give one of 'channel', 'workflowId', 'executionId', 'sessionId'");
    }
    if (session != null) {
      if (!Json.isId(session)) {
        throw AppException.invalid("'sessionId' must be an id of at most 64 letters, digits, - or _");
      }
      return "session:" + session;
    }
    if (channel != null) {
      if (!(channel instanceof String c) || !AgentbusConfig.isValidChannelName(c)) {
        throw AppException.invalid("'channel' must match [a-z0-9][a-z0-9_-]{0,63}");
      }
      return "channel:" + c;
    }
    if (workflow != null) {
      if (!Json.isId(workflow)) {
        throw AppException.invalid("'workflowId' must be an id of at most 64 letters, digits, - or _");
      }
      return "workflow:" + workflow;
    }
    throw AppException.invalid("one of 'channel', 'workflowId', 'executionId', 'sessionId' is required");
  }

  private void onSubscribe(JsonObject f, Object id) {
    String stream = streamOf(f);
    Long lastSeq = Json.optLong(f, "lastSeq", 0, Long.MAX_VALUE);
    if (!streams.contains(stream) && streams.size() >= bc.limits().maxSubscriptions()) {
      throw AppException.invalid("at most " + bc.limits().maxSubscriptions() + " subscriptions per connection");
    }
    request(Addresses.SUBSCRIBE_CHECK, new JsonObject().put("stream", stream), id).onSuccess(ok -> {
      if (closed) {
        return;
      }
      streams.add(stream);
      bc.hub().subscribe(stream, this, lastSeq,
          seq -> reply("subscribed", id).put("stream", stream).put("seq", seq).put("timestamp", Json.now()).encode())
          .onFailure(err -> {
            streams.remove(stream);
            AppException e = AppException.from(err);
            sendError(id, e.code, e.getMessage());
          });
    });
  }

  private void onUnsubscribe(JsonObject f, Object id) {
    String stream = streamOf(f);
    streams.remove(stream);
    bc.hub().unsubscribe(stream, this).onComplete(ar -> send(reply("unsubscribed", id).put("stream", stream)));
  }

  // ---------------------------------------------------------------- chat

  /**
   * Chat writes of one connection go to the router one at a time: requests are spread over the
   * routers of all nodes, so two in flight at once could be committed in either order, and a user
   * expects their own messages to keep the order they typed them in.
   */
  private final java.util.ArrayDeque<Runnable> chatQueue = new java.util.ArrayDeque<>(2); // small: most connections idle
  private boolean chatInFlight;
  private static final int MAX_QUEUED_CHATS = 256;

  private void onChat(JsonObject f, Object id) {
    if (chatQueue.size() >= MAX_QUEUED_CHATS) {
      throw new AppException(ErrorCode.RATE_LIMITED, "too many messages waiting to be stored; wait for acks");
    }
    chatQueue.add(() -> sendChat(f, id));
    if (!chatInFlight) {
      pumpChat();
    }
  }

  private void pumpChat() {
    Runnable next = chatQueue.poll();
    chatInFlight = next != null;
    if (next != null) {
      next.run();
    }
  }

  private void sendChat(JsonObject f, Object id) {
    JsonObject body = requestBody(f);
    // A command may start a workflow in this session (/assign, /parallel): follow it first.
    Future<Void> before = f.getValue("content") instanceof String c && c.startsWith("/") ? followSession()
        : Future.succeededFuture();
    before.transform(x -> request(Addresses.CHAT_SEND, body, id)).onComplete(ar -> pumpChat()).onSuccess(r -> {
      JsonObject command = r.getJsonObject("commandResult");
      if (command != null) {
        if (id != null) {
          command.put("replyTo", id);
        }
        send(command);
      } else {
        send(reply("ack", id).put("stream", r.getString("stream")).put("seq", r.getLong("seq"))
            .put("messageId", r.getString("messageId")));
      }
    });
  }

  // ---------------------------------------------------------------- workflows

  private void onUserInput(JsonObject f, Object id) {
    JsonObject body = new JsonObject().put("sessionId", sessionId).put("content", f.getValue("content"));
    for (String k : List.of("attachments", "workflow")) {
      if (f.containsKey(k)) {
        body.put(k, f.getValue(k));
      }
    }
    followSession().transform(x -> request(Addresses.WORKFLOW_START, body, id,
            bc.toOrchestrator(principal.withSession(sessionId))))
        .onSuccess(r -> send(reply("ack", id).put("workflowId", r.getString("workflowId"))
            .put("workflowName", r.getString("workflowName")).put("stream", r.getString("stream"))));
  }

  private void onCancel(JsonObject f, Object id) {
    JsonObject body = new JsonObject();
    if (f.getValue("workflowId") != null) {
      body.put("workflowId", f.getValue("workflowId"));
    }
    request(Addresses.WORKFLOW_CANCEL, body, id, bc.toOrchestrator(principal.withSession(sessionId)))
        .onSuccess(r -> send(reply("cancelled", id).put("workflowId", r.getString("workflowId"))
            .put("success", r.getBoolean("success")).put("status", r.getString("status"))));
  }

  private void onApprovalResponse(JsonObject f, Object id) {
    JsonObject body = requestBody(f);
    request(Addresses.APPROVAL_RESPOND, body, id, bc.toApprovals(principal.withSession(sessionId)))
        .onSuccess(r -> send(reply("ack", id).put("approvalId", r.getString("approvalId"))
            .put("status", r.getString("status")).put("workflowId", r.getString("workflowId"))));
  }

  // ---------------------------------------------------------------- agent workers

  private AgentWorkerLink worker;

  private void onAgentRegister(JsonObject f, Object id) {
    if (!principal.has("agent")) {
      throw AppException.forbidden("only a token with role 'agent' may register as a worker");
    }
    if (worker == null) {
      worker = new AgentWorkerLink(bc.vertx().eventBus(), frame -> send(frame));
    }
    worker.register(f).onComplete(ar -> {
      if (ar.succeeded()) {
        JsonObject ok = ar.result();
        if (id != null) {
          ok.put("replyTo", id);
        }
        send(ok);
      } else {
        AppException e = AppException.from(ar.cause());
        sendError(id, e.code, e.getMessage());
      }
    });
  }

  private void onTaskReport(String type, JsonObject f, Object id) {
    if (worker == null || !worker.registered()) {
      throw AppException.invalid("send agent_register before reporting on tasks");
    }
    worker.report(type, f);
    if (id != null) {
      send(reply("ack", id).put("taskId", f.getString("taskId")));
    }
  }

  /** A frame as the body of a bus request: its fields without the frame's own {@code type} and {@code id}. */
  private static JsonObject requestBody(JsonObject f) {
    JsonObject body = f.copy();
    body.remove("type");
    body.remove("id");
    return body;
  }

  private void onHistory(JsonObject f, Object id) {
    JsonObject body = new JsonObject().put("channel", f.getValue("channel"));
    if (f.containsKey("before")) {
      body.put("before", f.getValue("before"));
    }
    if (f.containsKey("limit")) {
      body.put("limit", f.getValue("limit"));
    }
    request(Addresses.HISTORY, body, id).onSuccess(r -> send(reply("message_history", id)
        .put("channel", r.getString("channel")).put("messages", r.getJsonArray("messages"))
        .put("hasMore", r.getBoolean("hasMore"))));
  }
}
