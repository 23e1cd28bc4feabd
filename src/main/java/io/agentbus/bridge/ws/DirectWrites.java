package io.agentbus.bridge.ws;

import io.vertx.core.http.ServerWebSocket;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.util.Queue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives an accepted WebSocket the direct outbound queue Vert.x uses in strict thread mode.
 *
 * <p>Why: Vert.x 5 gives every WebSocket connection an outbound queue backed by an unbounded MPSC
 * queue whose first chunk has 1024 slots (Netty hard-codes the size): 4.5 KB of heap per
 * connection before anything is sent, 40 % of an idle subscriber's footprint (measured with
 * jmap, docs/performance.md). The HTTP server's strict thread mode replaces it with direct writes,
 * but only for HTTP/1 connections; the connection a WebSocket upgrade creates never gets it. This
 * class swaps the queue in, by reflection, right after the handshake (before anything was written).
 *
 * <p>Safe only when every write to the socket happens on its event loop: true when one bridge
 * instance runs, because the node's hub then shares that loop (see {@code bridge.BridgeVerticle}).
 * Bounding is unchanged: with direct writes Netty's outbound buffer holds what the client has not
 * read, and {@code writeQueueFull()} reports Netty's writability against the same water mark.
 * If the Vert.x internals ever differ, the swap is skipped (logged once) and nothing else changes.
 */
public final class DirectWrites {

  private static final Logger LOG = LoggerFactory.getLogger(DirectWrites.class);
  private static final Field WS_CONN;
  private static final Field OUTBOUND;
  private static final Field MQP;
  private static final Field QUEUE;
  private static final Constructor<?> DIRECT;

  static {
    Field wsConn = null;
    Field outbound = null;
    Field mqp = null;
    Field queue = null;
    Constructor<?> direct = null;
    try {
      Class<?> base = Class.forName("io.vertx.core.http.impl.WebSocketImplBase");
      Class<?> conn = Class.forName("io.vertx.core.net.impl.VertxConnection");
      wsConn = base.getDeclaredField("conn");
      outbound = conn.getDeclaredField("outboundMessageQueue");
      mqp = Class.forName("io.vertx.core.internal.concurrent.OutboundMessageQueue").getDeclaredField("mqp");
      queue = Class.forName("io.vertx.core.streams.impl.MessagePassingQueue").getDeclaredField("queue");
      direct = Class.forName("io.vertx.core.net.impl.VertxConnection$DirectOutboundMessageQueue")
          .getDeclaredConstructor(conn);
      for (java.lang.reflect.AccessibleObject o : new java.lang.reflect.AccessibleObject[] {wsConn, outbound, mqp, queue, direct}) {
        o.setAccessible(true);
      }
    } catch (ReflectiveOperationException | RuntimeException e) {
      LOG.info("WebSocket connections keep Vert.x's MPSC outbound queue ({}); about 4.5 KB more per connection", e.toString());
      direct = null;
    }
    WS_CONN = wsConn;
    OUTBOUND = outbound;
    MQP = mqp;
    QUEUE = queue;
    DIRECT = direct;
  }

  private DirectWrites() {}

  /** vertx-web hands out its ServerWebSocketWrapper (for the routed request's authority); the socket is inside. */
  private static Object unwrap(ServerWebSocket ws) throws ReflectiveOperationException {
    Object s = ws;
    for (int i = 0; i < 3 && !WS_CONN.getDeclaringClass().isInstance(s); i++) {
      Field delegate = delegateField;
      if (delegate == null || delegate.getDeclaringClass() != s.getClass()) {
        delegate = s.getClass().getDeclaredField("delegate");
        delegate.setAccessible(true);
        delegateField = delegate;
      }
      s = delegate.get(s);
    }
    return s;
  }

  /** The wrapper's delegate field, found once (only the event loop of the one bridge instance uses it). */
  private static Field delegateField;

  /** Whether the Vert.x internals the swap needs were found (checked once, at class load). */
  static boolean available() {
    return DIRECT != null;
  }

  /** Whether {@code ws} writes through the direct outbound queue. */
  static boolean isDirect(ServerWebSocket ws) {
    try {
      return DIRECT != null && OUTBOUND.get(WS_CONN.get(unwrap(ws))).getClass() == DIRECT.getDeclaringClass();
    } catch (ReflectiveOperationException | RuntimeException e) {
      return false;
    }
  }

  /**
   * The socket's Netty channel context, for writing pre-encoded frames ({@link io.agentbus.stream.Frame#wire})
   * straight to it, or null. Only for a socket with direct writes: Vert.x's own writes then reach
   * the same context synchronously on the same event loop, so the two kinds stay in order.
   */
  static io.netty.channel.ChannelHandlerContext rawContext(ServerWebSocket ws) {
    try {
      Object conn = WS_CONN.get(unwrap(ws));
      if (conn instanceof io.vertx.core.net.impl.ConnectionBase base && isDirect(ws)) {
        return base.channelHandlerContext();
      }
    } catch (ReflectiveOperationException | RuntimeException e) {
      // no raw writes: the socket keeps Vert.x's frame writes
    }
    return null;
  }

  /** Swaps in direct writes; false (and nothing changed) when it cannot be done safely. */
  public static boolean apply(ServerWebSocket ws) {
    if (DIRECT == null) {
      return false;
    }
    try {
      Object conn = WS_CONN.get(unwrap(ws));
      Object current = OUTBOUND.get(conn);
      if (current.getClass() == DIRECT.getDeclaringClass()) {
        return true;
      }
      if (!((Queue<?>) QUEUE.get(MQP.get(current))).isEmpty()) {
        return false; // something is queued already: leave the queue alone
      }
      OUTBOUND.set(conn, DIRECT.newInstance(conn));
      return true;
    } catch (ReflectiveOperationException | RuntimeException e) {
      return false;
    }
  }
}
