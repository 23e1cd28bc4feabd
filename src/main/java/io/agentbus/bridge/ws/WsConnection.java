package io.agentbus.bridge.ws;

import io.agentbus.bridge.BridgeContext;
import io.agentbus.bridge.Operation;
import io.agentbus.bus.Addresses;
import io.agentbus.bus.AppException;
import io.agentbus.bus.ErrorCode;
import io.agentbus.bus.Json;
import io.agentbus.bus.Principal;
import io.agentbus.metrics.Metrics;
import io.agentbus.stream.Frame;
import io.agentbus.stream.Sink;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.WebSocketFrame;
import io.vertx.core.http.WebSocketFrameType;
import io.vertx.core.http.impl.ws.WebSocketFrameImpl;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;

/**
 * One {@code /ws} connection (PROTOCOL §3): the transport's limits (frame size, rate), frame
 * parsing, and dispatch. The connection's own operations are here or in its parts —
 * authentication and the session ({@link WsAuth}), subscriptions ({@link WsStreams}), worker
 * frames ({@link WsWorker}) — and every service operation goes through the bridge's
 * {@link Operation} table ({@link WsRequests}). Runs on the bridge verticle's event loop;
 * {@link #write} is also called from the hub's thread.
 */
public final class WsConnection implements Sink {

  final BridgeContext bc;
  final ServerWebSocket ws;
  final Metrics metrics;
  private final io.agentbus.bridge.RateLimiter limiter;
  final WsAuth auth;
  final WsStreams streams;
  private final WsRequests requests;
  private final WsWorker worker = new WsWorker(this);
  private final WsEndpoint endpoint;
  volatile Principal principal;
  /** The token the connection is signed in with now (null: dev login by user id). */
  String token;
  String sessionId;
  volatile boolean closed;
  /** For logs: short and unique enough within a node. */
  final String connectionId = Long.toHexString(java.util.concurrent.ThreadLocalRandom.current().nextLong());
  /**
   * The socket's Netty context when it takes pre-encoded frames ({@link DirectWrites#rawContext}),
   * else null; and the promise such writes carry (none: a failed write shows as the socket closing).
   */
  private final io.netty.channel.ChannelHandlerContext raw;
  private final io.netty.channel.VoidChannelPromise rawPromise;
  /** The message being assembled from fragments, and whether it is binary. */
  private Buffer partial;
  private boolean binary;

  WsConnection(BridgeContext bc, ServerWebSocket ws, io.netty.channel.ChannelHandlerContext raw, WsEndpoint endpoint) {
    this.bc = bc;
    this.ws = ws;
    this.raw = raw;
    this.rawPromise = raw == null ? null : new io.netty.channel.VoidChannelPromise(raw.channel(), false);
    this.endpoint = endpoint;
    this.metrics = bc.metrics();
    metrics.wsConnections.incrementAndGet();
    endpoint.opened(this);
    this.limiter = new io.agentbus.bridge.RateLimiter(bc.limits().ratePerSecond(), bc.limits().rateBurst());
    this.streams = new WsStreams(this);
    this.requests = new WsRequests(this);
    MultiMap q = queryParams(ws.query());
    ws.setWriteQueueMaxSize(bc.limits().sendQueueBytes());
    ws.frameHandler(this::onFrame);
    ws.closeHandler(v -> onClosed());
    ws.exceptionHandler(e -> { /* Netty closes the socket itself (e.g. 1009); the close handler cleans up */ });
    this.auth = new WsAuth(this, q.get("session"), q.get("sessionSeq"));
    auth.begin(UpgradeToken.of(ws, q.get("token")));
  }

  private static MultiMap queryParams(String query) {
    MultiMap m = MultiMap.caseInsensitiveMultiMap();
    if (query != null) {
      new QueryStringDecoder(query, false).parameters().forEach(m::add);
    }
    return m;
  }

  // ---------------------------------------------------------------- writing

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
    // The socket can close under us at any point here (its close handler has not run yet): every
    // call on it may then throw IllegalStateException, which means only "nothing to write to".
    try {
      // With a raw context, Netty's writability is the same bound (Vert.x sets the channel's water
      // mark from setWriteQueueMaxSize) without the socket's lock taken per delivery.
      if (raw != null ? !raw.channel().isWritable() : ws.writeQueueFull()) {
        closed = true;
        metrics.sendQueueOverflows.increment();
        ws.close(CloseCodes.SLOW_CONSUMER, "send queue full: reconnect and resume with lastSeq");
        return false;
      }
      io.netty.buffer.ByteBuf wire = frame.wire();
      if (wire != null && raw != null) {
        // A frame fanned out to many sockets: a reference to its finished bytes, one flush.
        raw.writeAndFlush(wire.retainedDuplicate(), rawPromise);
      } else {
        // WebSocketFrameImpl is Vert.x-internal; it is the only way to hand Netty pre-encoded text.
        ws.writeFrame(new WebSocketFrameImpl(WebSocketFrameType.TEXT, frame.bytes(), true));
      }
    } catch (IllegalStateException e) {
      closed = true;
      return false;
    }
    return true;
  }

  /** A notice for approvers and admins (their inbox changed): written only if this connection is one. */
  void toApprovers(Frame frame) {
    Principal p = principal;
    if (p != null && p.seesAllApprovals()) {
      write(frame);
    }
  }

  void send(JsonObject frame) {
    write(new Frame(frame.put("timestamp", Json.now()).encode()));
  }

  void sendError(Object replyTo, ErrorCode code, String message) {
    JsonObject e = new JsonObject().put("type", "error").put("code", code.name()).put("error", message)
        .put("recoverable", code.recoverable());
    if (replyTo != null) {
      e.put("replyTo", replyTo);
    }
    send(e);
  }

  /** A coded failure (from the bus or thrown here) as an error frame answering {@code replyTo}. */
  void sendError(Object replyTo, Throwable err) {
    AppException e = AppException.from(err);
    sendError(replyTo, e.code, e.getMessage());
  }

  /** A frame of {@code type} answering the frame with {@code id} (if it had one). */
  static JsonObject reply(String type, Object id) {
    return withReplyTo(new JsonObject().put("type", type), id);
  }

  static JsonObject withReplyTo(JsonObject frame, Object id) {
    if (id != null) {
      frame.put("replyTo", id);
    }
    return frame;
  }

  void close(short code, String reason) {
    closed = true;
    try {
      ws.close(code, reason);
    } catch (IllegalStateException e) {
      // already closed by the peer: nothing left to close
    }
  }

  /**
   * The node is shutting down (PROTOCOL §10): no more frames are read, the requests already sent
   * are answered (waiting at most {@code waitMs}), then the connection is closed with 1012, which
   * tells the client to reconnect — to another node — and resume with {@code lastSeq}.
   */
  io.vertx.core.Future<Void> shutdown(long waitMs) {
    return closeAfterAnswers(CloseCodes.SERVICE_RESTART, "service restart: reconnect and resume with lastSeq", waitMs);
  }

  /**
   * Stops reading, lets every request already accepted be answered (at most {@code waitMs}), then
   * closes with {@code code}: a client can always tell which of its frames took effect (guarantee 5).
   */
  io.vertx.core.Future<Void> closeAfterAnswers(short code, String reason, long waitMs) {
    if (closed) {
      return io.vertx.core.Future.succeededFuture();
    }
    if (closing != null) {
      return closing;
    }
    ws.pause();
    io.vertx.core.Promise<Void> done = io.vertx.core.Promise.promise();
    closing = done.future();
    long deadline = System.currentTimeMillis() + waitMs;
    bc.vertx().setPeriodic(1, 20, id -> {
      if (requests.idle() || System.currentTimeMillis() >= deadline || closed) {
        bc.vertx().cancelTimer(id);
        if (!closed) {
          close(code, reason);
          // Read again so the peer's close frame completes the handshake at once (frames still
          // in flight are dropped: the connection is closed); paused, it would wait for the
          // close timeout.
          ws.resume();
        }
        done.complete();
      }
    });
    return closing;
  }

  /** Set once a close waits for the answers of accepted requests: nothing more is accepted. */
  private io.vertx.core.Future<Void> closing;
  /** How long a flood close waits for the answers of what was accepted before it. */
  static final long FLOOD_DRAIN_MS = 10_000;

  private void onClosed() {
    closed = true;
    endpoint.closed(this);
    metrics.wsConnections.decrementAndGet();
    auth.closed();
    streams.closed();
    worker.closed();
  }

  // ---------------------------------------------------------------- frames

  /**
   * Data frames of a message, assembled here rather than by Vert.x so the size limit is checked as
   * fragments arrive: past it the connection is closed with 1009 and the rest of the message is
   * discarded, never buffered.
   */
  private void onFrame(WebSocketFrame f) {
    if (closed || !(f.isText() || f.isBinary() || f.isContinuation())) {
      return; // control frames: Vert.x answers pings and the close handshake itself
    }
    if (!f.isContinuation()) {
      binary = f.isBinary();
      partial = null;
    }
    Buffer data = f.binaryData();
    int size = (partial == null ? 0 : partial.length()) + data.length();
    if (size > bc.limits().maxFrameBytes()) {
      partial = null;
      close(CloseCodes.TOO_BIG, "message larger than " + bc.limits().maxFrameBytes() + " bytes");
      return;
    }
    if (!f.isFinal()) {
      partial = partial == null ? Buffer.buffer(size * 2).appendBuffer(data) : partial.appendBuffer(data);
      return;
    }
    Buffer whole = partial == null ? data : partial.appendBuffer(data);
    partial = null;
    if (binary) {
      sendError(null, ErrorCode.INVALID_MESSAGE, "binary frames are not supported; send JSON text");
      return;
    }
    onText(whole.toString(StandardCharsets.UTF_8));
  }

  /** A whole text message (also the frames held during authentication, handled afterwards). */
  void onText(String text) {
    if (closed) {
      return;
    }
    if (auth.hold(text)) {
      return;
    }
    if (closing != null || !limiter.tryAcquire()) {
      // Every refused frame is answered, naming it, so the client knows which took effect; a
      // flood is closed after the answers to every frame accepted before it.
      refuse(text, ErrorCode.RATE_LIMITED, "more than " + bc.limits().ratePerSecond() + " frames a second; slow down");
      if (closing == null && limiter.flooding()) {
        closeAfterAnswers(CloseCodes.RATE_FLOOD, "rate limit exceeded", FLOOD_DRAIN_MS);
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
    if (!validId(id)) {
      sendError(null, ErrorCode.INVALID_MESSAGE, "'id' must be a string of at most 128 characters or a number");
      return;
    }
    Object type = frame.getValue("type");
    if (!(type instanceof String t) || t.isEmpty()) {
      sendError(id, ErrorCode.INVALID_MESSAGE, "'type' is required and must be a string");
      return;
    }
    // A traced node handles the frame under its span (the client's traceparent continued).
    bc.tracing().frame(t, frame.remove("traceparent"), () -> handle(t, frame, id));
  }

  private void handle(String t, JsonObject frame, Object id) {
    try {
      dispatch(t, frame, id);
    } catch (AppException e) {
      sendError(id, e.code, e.getMessage());
    }
  }

  private static boolean validId(Object id) {
    return id == null || id instanceof String s && s.length() <= 128 || id instanceof Number;
  }

  /** Answers a frame refused before it was handled, with its {@code id} when it has a readable one. */
  void refuse(String text, ErrorCode code, String message) {
    Object id = null;
    try {
      if (io.vertx.core.json.Json.decodeValue(text) instanceof JsonObject o && validId(o.getValue("id"))) {
        id = o.getValue("id");
      }
    } catch (DecodeException e) {
      // no id to name: answered without replyTo
    }
    sendError(id, code, message);
  }

  private void dispatch(String type, JsonObject f, Object id) {
    switch (type) {
      case "auth" -> auth.onAuthFrame(f, id);
      case "ping" -> send(reply("pong", id));
      default -> {
        if (principal == null) {
          throw new AppException(ErrorCode.NOT_AUTHENTICATED, "authenticate first: {\"type\":\"auth\",\"token\":\"…\"}");
        }
        dispatchAuthenticated(type, f, id);
      }
    }
  }

  private void dispatchAuthenticated(String type, JsonObject f, Object id) {
    // Who and which connection, for the log lines of what this frame does here (MDC).
    org.slf4j.MDC.put("userId", principal.userId());
    org.slf4j.MDC.put("connectionId", connectionId);
    try {
      dispatchFrame(type, f, id);
    } finally {
      org.slf4j.MDC.remove("userId");
      org.slf4j.MDC.remove("connectionId");
    }
  }

  private void dispatchFrame(String type, JsonObject f, Object id) {
    switch (type) {
      case "subscribe" -> streams.onSubscribe(f, id);
      case "unsubscribe" -> streams.onUnsubscribe(f, id);
      case "agent_register" -> worker.onRegister(f, id);
      case "task_progress", "task_result", "task_failed", "task_approval" -> worker.onTaskReport(type, f, id);
      default -> {
        Operation op = Operation.ofFrame(type);
        if (op == null) {
          throw new AppException(ErrorCode.UNKNOWN_TYPE, "unknown frame type '" + type + "'");
        }
        requests.submit(op, type, f, id);
      }
    }
  }
}
