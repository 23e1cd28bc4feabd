package io.agentbus.support;

import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A SockJS event-bus bridge client on the raw {@code /eventbus/websocket} transport, speaking the
 * same JSON frames as {@code @vertx/eventbus-bridge-client.js} (register, send with replyAddress,
 * ping; the server answers rec and err).
 */
public final class BridgeClient implements AutoCloseable {

  private final io.vertx.core.http.ClientWebSocket ws;
  private final Vertx vertx;
  private long pinger;
  /** Received "rec" bodies per address, and "err" frames. */
  private final Map<String, LinkedBlockingQueue<JsonObject>> received = new ConcurrentHashMap<>();
  private final LinkedBlockingQueue<JsonObject> errors = new LinkedBlockingQueue<>();
  private final Map<String, CompletableFuture<JsonObject>> replies = new ConcurrentHashMap<>();
  private int nextReply;

  private BridgeClient(Vertx vertx, io.vertx.core.http.ClientWebSocket ws) {
    this.vertx = vertx;
    this.ws = ws;
    // The raw SockJS WebSocket transport sends its JSON frames as binary messages.
    ws.handler(buf -> onFrame(buf.toString()));
  }

  /** Connects with {@code client}, which the caller keeps referenced (see {@link WsClient#connect}). */
  public static BridgeClient connect(Vertx vertx, io.vertx.core.http.WebSocketClient client, int port, String token) {
    String uri = "/eventbus/websocket" + (token == null ? "" : "?token=" + token);
    io.vertx.core.http.ClientWebSocket ws = client.webSocket();
    BridgeClient c = new BridgeClient(vertx, ws); // handlers before connecting: nothing early is missed
    ws.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI(uri)).await();
    c.pinger = vertx.setPeriodic(3000, id -> ws.writeTextMessage("{\"type\":\"ping\"}"));
    return c;
  }

  private void onFrame(String text) {
    JsonObject f = new JsonObject(text);
    String address = f.getString("address");
    if ("err".equals(f.getString("type")) && (address == null || !replies.containsKey(address))) {
      errors.add(f);
      return;
    }
    CompletableFuture<JsonObject> reply = address == null ? null : replies.remove(address);
    if (reply != null) {
      reply.complete(f);
      return;
    }
    if (address != null) {
      received.computeIfAbsent(address, a -> new LinkedBlockingQueue<>()).add(f);
    }
  }

  public void register(String address) {
    ws.writeTextMessage(new JsonObject().put("type", "register").put("address", address).encode()).await();
  }

  /** Registers and waits until the server delivers on it (confirmed by a ping round trip). */
  public void registerAndSettle(String address) {
    register(address);
    // The bridge answers nothing on success; a refused registration answers "err". Give it a moment.
    try {
      Thread.sleep(300);
    } catch (InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A send without reply address. */
  /** Writes a frame exactly as given (garbage included). */
  public void sendText(String raw) {
    ws.writeTextMessage(raw).await();
  }

  public void send(String address, JsonObject body) {
    ws.writeTextMessage(new JsonObject().put("type", "send").put("address", address).put("body", body).encode()).await();
  }

  /** A request whose frame the test writes itself (any {@code headers} value); returns the reply frame. */
  public JsonObject requestRaw(String address, JsonObject body, Object headers) {
    String replyAddress = "reply-" + (++nextReply) + "-" + System.nanoTime();
    CompletableFuture<JsonObject> f = new CompletableFuture<>();
    replies.put(replyAddress, f);
    ws.writeTextMessage(new JsonObject().put("type", "send").put("address", address).put("body", body)
        .put("replyAddress", replyAddress).put("headers", headers).encode()).await();
    try {
      return f.get(WsClient.TIMEOUT_MS, TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      throw new AssertionError("no reply from " + address + " within " + WsClient.TIMEOUT_MS + " ms");
    }
  }

  /** A request with a reply: returns the reply frame ({@code body} on success, or an err frame). */
  public JsonObject request(String address, JsonObject body, JsonObject headers) {
    String replyAddress = "reply-" + (++nextReply) + "-" + System.nanoTime();
    CompletableFuture<JsonObject> f = new CompletableFuture<>();
    replies.put(replyAddress, f);
    JsonObject frame = new JsonObject().put("type", "send").put("address", address).put("body", body)
        .put("replyAddress", replyAddress);
    if (headers != null) {
      frame.put("headers", headers);
    }
    ws.writeTextMessage(frame.encode()).await();
    try {
      return f.get(WsClient.TIMEOUT_MS, TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      throw new AssertionError("no reply from " + address + " within " + WsClient.TIMEOUT_MS + " ms");
    }
  }

  /**
   * The next body delivered on {@code address}, passing over presence updates (ephemeral frames
   * that arrive whenever someone starts or stops following a channel); {@link #nextAny} sees them.
   */
  public JsonObject next(String address) {
    while (true) {
      JsonObject b = nextAny(address);
      if (!"presence_update".equals(b.getString("type"))) {
        return b;
      }
    }
  }

  /** The next body delivered on {@code address}, whatever it is. */
  public JsonObject nextAny(String address) {
    try {
      JsonObject f = received.computeIfAbsent(address, a -> new LinkedBlockingQueue<>())
          .poll(WsClient.TIMEOUT_MS, TimeUnit.MILLISECONDS);
      if (f == null) {
        throw new AssertionError("nothing received on " + address + " within " + WsClient.TIMEOUT_MS + " ms");
      }
      return f.getJsonObject("body");
    } catch (InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The next err frame not tied to a request, or null within {@code ms}. */
  public JsonObject nextError(long ms) {
    try {
      return errors.poll(ms, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }

  public int pending(String address) {
    LinkedBlockingQueue<JsonObject> q = received.get(address);
    return q == null ? 0 : q.size();
  }

  @Override
  public void close() {
    vertx.cancelTimer(pinger);
    ws.close();
  }
}
