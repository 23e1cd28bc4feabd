package io.agentbus.bridge.sockjs;

import io.agentbus.bridge.BridgeContext;
import io.agentbus.bridge.Operation;
import io.agentbus.bus.Addresses;
import io.agentbus.bus.AppException;
import io.agentbus.bus.ErrorCode;
import io.agentbus.bus.Principal;
import io.agentbus.bus.Requests;
import io.agentbus.stream.StreamName;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.bridge.PermittedOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.sockjs.BridgeEvent;
import io.vertx.ext.web.handler.sockjs.SockJSBridgeOptions;
import io.vertx.ext.web.handler.sockjs.SockJSHandler;
import io.vertx.ext.web.handler.sockjs.SockJSSocket;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The SockJS event-bus bridge (PROTOCOL §4) and its guard. Every bridge event passes
 * {@link #onEvent}, which completes it exactly once:
 * <ul>
 *   <li>SEND: the client's headers are dropped, the token (URL {@code ?token=} or
 *   {@code headers.token}) is verified and the caller is put in headers for the router. An
 *   unauthenticated request still goes through without a caller, so the router answers it with
 *   a coded NOT_AUTHENTICATED failure instead of a silent drop.</li>
 *   <li>REGISTER: allowed after the router's subscribe check; the node's hub then also delivers
 *   that stream to bridge sockets, in seq order. Refcounted per socket, released on UNREGISTER
 *   and on close or error (a vanished browser leaks nothing).</li>
 *   <li>RECEIVE: a socket whose send queue is full is closed instead of buffering without bound.</li>
 * </ul>
 */
public final class EventBusBridge {

  private static final long REVERIFY_MS = 30_000;

  private final BridgeContext bc;
  /** Per socket: its principal once verified, and its registrations (address → count). */
  private final Map<SockJSSocket, SocketState> sockets = new HashMap<>();

  private static final class SocketState {
    Principal principal;
    String verifiedToken;
    long verifiedAtMs;
    final Map<String, Integer> registrations = new HashMap<>();
    /** Channel addresses this socket is present in, and as whom (the token may change later). */
    final Map<String, String> presentAs = new HashMap<>();
    /** Channel addresses taken from it by a removal (§7.1): nothing more is delivered on them. */
    final java.util.Set<String> revoked = new java.util.HashSet<>();
    /** Reply addresses of its requests not yet answered (a shutdown waits for them). */
    final java.util.Set<String> awaitingReplies = new java.util.HashSet<>();
  }

  private final io.agentbus.metrics.Metrics metrics;

  public EventBusBridge(BridgeContext bc) {
    this.bc = bc;
    this.metrics = bc.metrics();
  }

  public Router router() {
    SockJSBridgeOptions opts = new SockJSBridgeOptions()
        // Exactly the browser-visible operations of the table; nothing internal.
        .setInboundPermitteds(Arrays.stream(Operation.values()).filter(Operation::browserVisible)
            .flatMap(op -> Addresses.withAliases(op.address).stream())
            .map(address -> new PermittedOptions().setAddress(address)).toList())
        .setOutboundPermitteds(List.of(new PermittedOptions().setAddressRegex(StreamName.BROWSER_REGEX),
            new PermittedOptions().setAddress(Addresses.APPROVALS_INBOX)))
        .setMaxHandlersPerSocket(bc.limits().maxSubscriptions())
        .setReplyTimeout(Requests.BRIDGE_REPLY_MS);
    return SockJSHandler.create(bc.vertx()).bridge(opts, this::onEvent);
  }

  private void onEvent(BridgeEvent be) {
    SockJSSocket sock = be.socket();
    JsonObject frame = be.getRawMessage();
    if (frame != null && frame.getValue("headers") != null && !(frame.getValue("headers") instanceof JsonObject)) {
      // Raw frames are client input: headers that are not an object (a string, an array) are
      // refused with an error naming the field, before Vert.x reads them as an object.
      // Shaped like a failed reply (to the frame's replyAddress when it has one), as every coded
      // failure of the bridge is; Vert.x then adds its own access_denied for the refused event.
      JsonObject err = new JsonObject().put("type", "err").put("failureCode", 400).put("failureType", "RECIPIENT_FAILURE")
          .put("message", new JsonObject().put("code", ErrorCode.INVALID_MESSAGE.name())
              .put("message", "'headers' must be a JSON object").encode());
      if (frame.getValue("replyAddress") instanceof String reply) {
        err.put("address", reply);
      }
      sock.write(err.encode());
      frame.put("headers", new JsonObject());
      be.setRawMessage(frame);
      be.complete(false);
      return;
    }
    switch (be.type()) {
      case SOCKET_CREATED -> {
        sockets.put(sock, new SocketState());
        metrics.bridgeSockets.incrementAndGet();
        be.complete(true);
      }
      case SOCKET_CLOSED, SOCKET_ERROR -> {
        forget(sock);
        be.complete(true);
      }
      case SEND -> authenticate(be).onComplete(ar -> {
        JsonObject raw = be.getRawMessage();
        SocketState sending = sockets.get(sock);
        if (sending != null && raw.getValue("replyAddress") instanceof String reply) {
          sending.awaitingReplies.add(reply);
        }
        // The browser's own headers are dropped; the caller is the token's, as on every transport.
        raw.put("headers", ar.succeeded() ? ar.result().toHeaders() : new JsonObject());
        be.setRawMessage(raw);
        be.complete(true);
      });
      case PUBLISH -> be.complete(false); // nothing browser-facing is publish-only
      case REGISTER -> onRegister(be, sock);
      case UNREGISTER -> {
        String address = addressOf(be);
        SocketState st = sockets.get(sock);
        if (st != null && address != null) {
          Integer n = st.registrations.get(address);
          if (n != null) {
            if (n <= 1) {
              st.registrations.remove(address);
              presence(st, address, false);
            } else {
              st.registrations.put(address, n - 1);
            }
            bc.hub().releaseBridge(StreamName.ofBrowserAddress(address));
          }
        }
        be.complete(true);
      }
      case RECEIVE -> {
        SocketState receiving = sockets.get(sock);
        if (receiving != null && addressOf(be) != null) {
          receiving.awaitingReplies.remove(addressOf(be));
          if (receiving.revoked.contains(addressOf(be))) {
            be.complete(false); // a channel the user was removed from: nothing more of it
            return;
          }
        }
        if (sock.writeQueueFull()) {
          metrics.sendQueueOverflows.increment();
          sock.close(4008, "send queue full");
          be.complete(false);
        } else {
          be.complete(true);
        }
      }
      default -> be.complete(true);
    }
  }

  private void onRegister(BridgeEvent be, SockJSSocket sock) {
    String address = addressOf(be);
    if (Addresses.APPROVALS_INBOX.equals(address)) {
      // Not a stream (nothing to replay or count): the bridge's own consumer, for approvers and admins.
      authenticate(be).onComplete(ar -> be.complete(ar.succeeded() && ar.result().seesAllApprovals()));
      return;
    }
    String stream = StreamName.ofBrowserAddress(address);
    if (stream == null) {
      be.complete(false);
      return;
    }
    authenticate(be)
        .compose(p -> bc.vertx().eventBus().<JsonObject>request(Addresses.SUBSCRIBE_CHECK,
            new JsonObject().put("stream", stream), bc.toRouter(p)))
        .compose(ok -> bc.hub().retainBridge(stream))
        .onComplete(ar -> {
          SocketState st = sockets.get(sock);
          if (ar.failed() || st == null) {
            if (ar.succeeded()) {
              bc.hub().releaseBridge(stream); // the socket closed meanwhile
            }
            be.complete(false);
            return;
          }
          st.revoked.remove(address); // a member again (registered after being added back)
          if (st.registrations.merge(address, 1, Integer::sum) == 1) {
            presence(st, address, true);
          }
          be.complete(true);
        });
  }

  private void forget(SockJSSocket sock) {
    SocketState st = sockets.remove(sock);
    if (st != null) {
      metrics.bridgeSockets.decrementAndGet();
      st.registrations.forEach((address, n) -> {
        presence(st, address, false);
        for (int i = 0; i < n; i++) {
          bc.hub().releaseBridge(StreamName.ofBrowserAddress(address));
        }
      });
    }
  }

  /**
   * A shutdown: waits (at most {@code waitMs}) until every socket's requests are answered, then
   * closes them all; the clients reconnect elsewhere and register again.
   */
  public Future<Void> closeAll(int code, String reason, long waitMs) {
    io.vertx.core.Promise<Void> done = io.vertx.core.Promise.promise();
    long deadline = System.currentTimeMillis() + waitMs;
    bc.vertx().setPeriodic(1, 20, id -> {
      boolean waiting = sockets.values().stream().anyMatch(st -> !st.awaitingReplies.isEmpty());
      if (!waiting || System.currentTimeMillis() >= deadline) {
        bc.vertx().cancelTimer(id);
        new java.util.ArrayList<>(sockets.keySet()).forEach(s -> s.close(code, reason));
        done.complete();
      }
    });
    return done.future();
  }

  /**
   * {@code userId} is no longer in the channel {@code stream} (§7.1): each of their sockets that
   * listens to it is told {@code unsubscribed {stream, reason: "removed"}} on that address and gets
   * nothing more of it (its handler stays registered in the browser, so deliveries are refused here).
   */
  public void revoke(String stream, String userId) {
    String address = StreamName.browserAddress(stream);
    sockets.forEach((sock, st) -> {
      Integer n = st.principal != null && st.principal.userId().equals(userId) ? st.registrations.remove(address) : null;
      if (n == null) {
        return;
      }
      st.revoked.add(address);
      presence(st, address, false);
      for (int i = 0; i < n; i++) {
        bc.hub().releaseBridge(stream);
      }
      sock.write(new JsonObject().put("type", "rec").put("address", address).put("body", new JsonObject()
          .put("type", "unsubscribed").put("stream", stream).put("reason", "removed")).encode());
    });
  }

  /** An identity was signed out: its sockets close (4401), on this node at once. */
  public void signOut(JsonObject revocation) {
    sockets.forEach((sock, st) -> {
      if (st.principal != null && io.agentbus.auth.BrowserSessions.covers(revocation, st.principal.userId(), st.verifiedToken)) {
        sock.close(4401, "signed out");
      }
    });
  }

  /** Listening to a channel's address is being present in it (PROTOCOL §7). */
  private void presence(SocketState st, String address, boolean joined) {
    StreamName name = StreamName.parse(StreamName.ofBrowserAddress(address));
    if (name == null || name.kind() != StreamName.Kind.CHANNEL) {
      return;
    }
    if (joined && st.principal != null) {
      st.presentAs.put(address, st.principal.userId());
      bc.presence().join(name.id(), st.principal.userId());
    } else if (!joined) {
      String user = st.presentAs.remove(address);
      if (user != null) {
        bc.presence().leave(name.id(), user);
      }
    }
  }

  /** The frame's address, or null when it is not a string (raw frames are client input). */
  private static String addressOf(BridgeEvent be) {
    return be.getRawMessage().getValue("address") instanceof String a ? a : null;
  }

  /** The caller: the frame's {@code headers.token}, else the token on the SockJS URL. */
  private Future<Principal> authenticate(BridgeEvent be) {
    SocketState st = sockets.get(be.socket());
    if (st == null) {
      return Future.failedFuture(new AppException(ErrorCode.NOT_AUTHENTICATED, "socket closed"));
    }
    // Raw frames are client input: headers may be anything, not only an object.
    Object headers = be.getRawMessage().getValue("headers");
    String token = headers instanceof JsonObject h && h.getValue("token") instanceof String t ? t : urlToken(be.socket());
    if (token == null) {
      return Future.failedFuture(new AppException(ErrorCode.NOT_AUTHENTICATED, "token required"));
    }
    // Re-verified at most every REVERIFY_MS, so an expired token stops working on a long-lived socket.
    long now = System.currentTimeMillis();
    if (token.equals(st.verifiedToken) && st.principal != null && now - st.verifiedAtMs < REVERIFY_MS) {
      return Future.succeededFuture(st.principal);
    }
    return bc.tokens().verify(token).onSuccess(p -> {
      st.principal = p;
      st.verifiedToken = token;
      st.verifiedAtMs = now;
    });
  }

  /** The socket's token: {@code ?token=} on its URL, else the {@code agentbus_token} cookie of its requests. */
  private static String urlToken(SockJSSocket sock) {
    String uri = sock.uri();
    List<String> t = uri == null ? null : new QueryStringDecoder(uri).parameters().get("token");
    if (t != null && !t.isEmpty()) {
      return t.get(0);
    }
    return sock.headers() == null ? null
        : io.agentbus.bridge.ws.UpgradeToken.cookie(sock.headers().get("Cookie"), "agentbus_token");
  }
}
