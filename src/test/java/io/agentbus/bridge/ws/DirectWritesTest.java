package io.agentbus.bridge.ws;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.WebSocket;
import io.vertx.ext.web.Router;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The reflective swap to direct WebSocket writes must apply on the pinned Vert.x version: if a
 * dependency bump changes the internals it relies on, this fails the build instead of every idle
 * connection silently costing ~4.5 KB more (docs/performance.md, item 7).
 */
@org.junit.jupiter.api.extension.ExtendWith(io.vertx.junit5.VertxExtension.class)
class DirectWritesTest {

  /** Given by VertxExtension for each test, and closed by it after the test. */
  private Vertx vertx;

  @org.junit.jupiter.api.BeforeEach
  void vertx(Vertx v) {
    this.vertx = v;
  }
  private io.vertx.core.http.WebSocketClient wsClient;

  @Test
  void anAcceptedWebSocketGetsTheDirectQueueAndStillWrites() throws Exception {
    CompletableFuture<Boolean> applied = new CompletableFuture<>();
    CompletableFuture<Boolean> direct = new CompletableFuture<>();
    Router router = Router.router(vertx);
    // As BridgeVerticle serves /ws: through vertx-web's router, in strict thread mode.
    router.route("/ws").handler(ctx -> ctx.request().toWebSocket().onSuccess(ws -> {
      applied.complete(DirectWrites.apply(ws));
      direct.complete(DirectWrites.isDirect(ws));
      ws.textMessageHandler(t -> ws.writeTextMessage("echo:" + t));
    }));
    HttpServer server = vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(0)
        .setStrictThreadMode(true)).requestHandler(router);
    int port = server.listen().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS).actualPort();

    CompletableFuture<String> echoed = new CompletableFuture<>();
    // Held in a field: Vert.x 5 closes a WebSocketClient (and its connections) once it is garbage collected.
    wsClient = vertx.createWebSocketClient();
    WebSocket client = wsClient.connect(port, "127.0.0.1", "/ws")
        .toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    client.textMessageHandler(echoed::complete);
    client.writeTextMessage("hi");

    assertTrue(DirectWrites.available(), "the Vert.x internals the swap needs are where it expects them");
    assertTrue(applied.get(5, TimeUnit.SECONDS), "the swap applied");
    assertTrue(direct.get(5, TimeUnit.SECONDS), "the connection now has the direct outbound queue");
    assertEquals("echo:hi", echoed.get(5, TimeUnit.SECONDS), "writes still reach the client");
  }

  /**
   * A shared frame's wire bytes written straight to the channel arrive as an ordinary text frame,
   * in order with Vert.x's own writes on the same socket, and the shared buffer is given back.
   */
  @Test
  void rawFrameWritesArriveInOrderWithVertxWrites() throws Exception {
    CompletableFuture<io.netty.buffer.ByteBuf> lastWire = new CompletableFuture<>();
    Router router = Router.router(vertx);
    router.route("/ws").handler(ctx -> ctx.request().toWebSocket().onSuccess(ws -> {
      DirectWrites.apply(ws);
      io.netty.channel.ChannelHandlerContext raw = DirectWrites.rawContext(ws);
      if (raw == null) {
        ws.writeTextMessage("no raw context");
        return;
      }
      io.netty.channel.VoidChannelPromise promise = new io.netty.channel.VoidChannelPromise(raw.channel(), false);
      for (int i = 0; i < 50; i++) {
        if (i % 2 == 0) {
          ws.writeTextMessage("v" + i);
        } else {
          io.agentbus.stream.Frame f = io.agentbus.stream.Frame.shared("r" + i + "é".repeat(i * 5));
          raw.writeAndFlush(f.wire().retainedDuplicate(), promise);
          f.release();
          if (i == 49) {
            lastWire.complete(f.wire());
          }
        }
      }
    }));
    HttpServer server = vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(0)
        .setStrictThreadMode(true)).requestHandler(router);
    int port = server.listen().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS).actualPort();
    java.util.List<String> got = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
    CompletableFuture<Void> all = new CompletableFuture<>();
    wsClient = vertx.createWebSocketClient();
    // The handler before connecting: the server writes as soon as the upgrade is done.
    io.vertx.core.http.ClientWebSocket client = wsClient.webSocket();
    client.textMessageHandler(t -> {
      got.add(t);
      if (got.size() == 50 || t.startsWith("no raw")) {
        all.complete(null);
      }
    });
    client.connect(port, "127.0.0.1", "/ws").toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    all.get(5, TimeUnit.SECONDS);
    for (int i = 0; i < 50; i++) {
      assertEquals(i % 2 == 0 ? "v" + i : "r" + i + "é".repeat(i * 5), got.get(i), "frame " + i + " in order");
    }
    io.netty.buffer.ByteBuf wire = lastWire.get(5, TimeUnit.SECONDS);
    assertEquals(0, wire.refCnt(), "the shared wire buffer is released once written");
  }
}
