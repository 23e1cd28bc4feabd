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
}
