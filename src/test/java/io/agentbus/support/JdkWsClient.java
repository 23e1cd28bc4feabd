package io.agentbus.support;

import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A WebSocket client from the JDK, for connections the server closes at once (a bad token on the
 * URL): Vert.x's client can lose such a close in the race with its own connect callback, the JDK's
 * reports every frame and the close code.
 */
public final class JdkWsClient {

  public final LinkedBlockingQueue<JsonObject> frames = new LinkedBlockingQueue<>();
  public final CompletableFuture<Integer> closed = new CompletableFuture<>();

  public JdkWsClient(int port, String pathAndQuery) {
    HttpClient.newHttpClient().newWebSocketBuilder().buildAsync(URI.create("ws://127.0.0.1:" + port + pathAndQuery),
        new WebSocket.Listener() {
          private final StringBuilder text = new StringBuilder();

          @Override
          public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
              frames.add(new JsonObject(text.toString()));
              text.setLength(0);
            }
            ws.request(1);
            return null;
          }

          @Override
          public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
            closed.complete(statusCode);
            return null;
          }

          @Override
          public void onError(WebSocket ws, Throwable error) {
            closed.complete(-1);
          }
        }).join();
  }

  public JsonObject next() throws InterruptedException {
    JsonObject f = frames.poll(WsClient.TIMEOUT_MS, TimeUnit.MILLISECONDS);
    if (f == null) {
      throw new AssertionError("no frame within " + WsClient.TIMEOUT_MS + " ms");
    }
    return f;
  }

  public int awaitClose() throws Exception {
    return closed.get(WsClient.TIMEOUT_MS, TimeUnit.MILLISECONDS);
  }
}
