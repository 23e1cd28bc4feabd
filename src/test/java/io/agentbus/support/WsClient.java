package io.agentbus.support;

import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** A real WebSocket client of {@code /ws}, read from a test thread. */
public final class WsClient implements AutoCloseable {

  public static final long TIMEOUT_MS = 10_000;
  private final io.vertx.core.http.ClientWebSocket ws;
  /** Frames received and not yet read; a read takes the first match and leaves the others. */
  private final java.util.LinkedList<JsonObject> frames = new java.util.LinkedList<>();
  public final CompletableFuture<Short> closed = new CompletableFuture<>();
  private int nextId;
  /** Told of every frame as it arrives (on the client's event loop), for timing; null when unset. */
  private volatile java.util.function.Consumer<JsonObject> arrivals;

  private WsClient(io.vertx.core.http.ClientWebSocket ws) {
    this.ws = ws;
    ws.textMessageHandler(t -> {
      JsonObject f = new JsonObject(t);
      java.util.function.Consumer<JsonObject> a = arrivals;
      if (a != null) {
        a.accept(f);
      }
      synchronized (frames) {
        frames.add(f);
        frames.notifyAll();
      }
    });
    ws.closeHandler(v -> closed.complete(ws.closeStatusCode()));
  }

  /**
   * Connects with {@code client}, which the caller must keep referenced: Vert.x 5 closes a
   * WebSocketClient (and its connections) once it is garbage collected.
   */
  public static WsClient connect(io.vertx.core.http.WebSocketClient client, int port, String uri) {
    return connect(client, TestCluster.HOST, port, uri);
  }

  /** The same to a node at {@code host} (one in a test namespace, {@link Netns}). */
  public static WsClient connect(io.vertx.core.http.WebSocketClient client, String host, int port, String uri) {
    // Handlers are attached before connecting, so no early frame (or an immediate close) is missed.
    io.vertx.core.http.ClientWebSocket ws = client.webSocket();
    WsClient c = new WsClient(ws);
    ws.connect(new WebSocketConnectOptions().setHost(host).setPort(port).setURI(uri)).await();
    return c;
  }

  /** The same with request headers (name, value pairs): a browser's Cookie, a proxy's Authorization. */
  public static WsClient connect(io.vertx.core.http.WebSocketClient client, int port, String uri, String... headers) {
    io.vertx.core.http.ClientWebSocket ws = client.webSocket();
    WsClient c = new WsClient(ws);
    WebSocketConnectOptions o = new WebSocketConnectOptions().setHost(TestCluster.HOST).setPort(port).setURI(uri);
    for (int i = 0; i + 1 < headers.length; i += 2) {
      o.addHeader(headers[i], headers[i + 1]);
    }
    ws.connect(o).await();
    return c;
  }

  /** Connects with a token and waits for the successful auth_response. */
  public static WsClient authed(TestCluster c, int node, String token, String session) {
    WsClient w = c.ws(node, "token=" + token + (session == null ? "" : "&session=" + session));
    JsonObject auth = w.next("auth_response");
    if (!auth.getBoolean("success")) {
      throw new AssertionError("auth failed: " + auth);
    }
    return w;
  }

  /** Calls {@code listener} with every frame as it arrives (to time deliveries). */
  public void onArrival(java.util.function.Consumer<JsonObject> listener) {
    arrivals = listener;
  }

  /** Stops reading from the socket (TCP back-pressure reaches the server). */
  public void pause() {
    ws.pause();
  }

  public void resume() {
    ws.resume();
  }

  public void sendBinary(io.vertx.core.buffer.Buffer data) {
    ws.writeBinaryMessage(data).await();
  }

  public void sendText(String text) {
    ws.writeTextMessage(text).await();
  }

  /** Sends a frame with a fresh id, returns the id. */
  public String send(JsonObject frame) {
    String id = "f" + (++nextId);
    sendText(frame.copy().put("id", id).encode());
    return id;
  }

  public void sendNoId(JsonObject frame) {
    sendText(frame.encode());
  }

  /** The next frame of that type (frames of other types before it are skipped). */
  public JsonObject next(String type) {
    return next(f -> type.equals(f.getString("type")), "type " + type);
  }

  /** The answer to frame {@code id} (ack, error or any reply). */
  public JsonObject replyTo(String id) {
    return next(f -> id.equals(f.getString("replyTo")), "replyTo " + id);
  }

  public JsonObject next(Predicate<JsonObject> p, String what) {
    long deadline = System.currentTimeMillis() + TIMEOUT_MS;
    synchronized (frames) {
      while (true) {
        for (java.util.Iterator<JsonObject> it = frames.iterator(); it.hasNext(); ) {
          JsonObject f = it.next();
          if (p.test(f)) {
            it.remove();
            return f;
          }
        }
        long left = deadline - System.currentTimeMillis();
        if (left <= 0) {
          throw new AssertionError("no frame with " + what + " within " + TIMEOUT_MS + " ms; unread: " + frames);
        }
        try {
          frames.wait(left);
        } catch (InterruptedException e) {
          throw new IllegalStateException(e);
        }
      }
    }
  }

  /** Collects {@code n} frames of a type, in arrival order. */
  public List<JsonObject> take(String type, int n) {
    List<JsonObject> out = new ArrayList<>();
    while (out.size() < n) {
      out.add(next(type));
    }
    return out;
  }

  /** Unread frames plus those that arrive within {@code ms} (for asserting that nothing more comes). */
  public List<JsonObject> drain(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      throw new IllegalStateException(e);
    }
    synchronized (frames) {
      List<JsonObject> out = new ArrayList<>(frames);
      frames.clear();
      return out;
    }
  }

  public short awaitClose() {
    try {
      Short s = closed.get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
      return s == null ? -1 : s;
    } catch (Exception e) {
      throw new AssertionError("connection not closed within " + TIMEOUT_MS + " ms");
    }
  }

  public boolean isClosed() {
    return closed.isDone();
  }

  @Override
  public void close() {
    if (!closed.isDone()) {
      ws.close();
    }
  }
}
