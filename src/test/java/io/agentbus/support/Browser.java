package io.agentbus.support;

import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Debian's headless Chromium driven over the DevTools protocol (no test-side browser download):
 * open a page, evaluate JavaScript in it, wait for a condition. The process is ours and is ended
 * by PID at {@link #close}.
 */
public final class Browser implements AutoCloseable {

  public static final String CHROMIUM = "/usr/bin/chromium";
  private static final Pattern LISTENING = Pattern.compile("DevTools listening on (ws://[^\\s]+)");

  private final Process process;
  private final Path profile;
  private final WebSocketClient client;
  private final WebSocket page;
  private final AtomicInteger ids = new AtomicInteger();
  private final Map<Integer, CompletableFuture<JsonObject>> pending = new ConcurrentHashMap<>();

  public static boolean available() {
    return new File(CHROMIUM).canExecute();
  }

  public Browser(Vertx vertx) throws Exception {
    profile = Files.createTempDirectory("agentbus-chromium");
    // The flags the machine notes ask for: as root no sandbox; no background connections.
    process = new ProcessBuilder(List.of(CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
        "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--remote-debugging-port=0", "--user-data-dir=" + profile, "about:blank"))
        .redirectErrorStream(true).start();
    String browserWs = readDevToolsUrl();
    URI u = URI.create(browserWs);
    String pageWs = pageTarget(u.getPort());
    client = vertx.createWebSocketClient();
    page = client.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(u.getPort())
        .setURI(URI.create(pageWs).getPath())).map(ws -> {
          ws.textMessageHandler(t -> {
            JsonObject m = new JsonObject(t);
            CompletableFuture<JsonObject> f = m.getInteger("id") == null ? null : pending.remove(m.getInteger("id"));
            if (f != null) {
              f.complete(m);
            }
          });
          return ws;
        }).await();
  }

  private String readDevToolsUrl() throws Exception {
    BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    CompletableFuture<String> url = new CompletableFuture<>();
    Thread t = new Thread(() -> {
      try {
        String line;
        while ((line = r.readLine()) != null) {
          Matcher m = LISTENING.matcher(line);
          if (m.find()) {
            url.complete(m.group(1));
          }
        }
      } catch (Exception ignored) {
        // process ended
      }
      url.completeExceptionally(new IllegalStateException("chromium exited before DevTools started"));
    }, "chromium-output");
    t.setDaemon(true);
    t.start();
    return url.get(30, TimeUnit.SECONDS);
  }

  private static String pageTarget(int port) throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    String body = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/json/list")).build(),
        HttpResponse.BodyHandlers.ofString()).body();
    for (Object o : new JsonArray(body)) {
      JsonObject t = (JsonObject) o;
      if ("page".equals(t.getString("type"))) {
        return t.getString("webSocketDebuggerUrl");
      }
    }
    throw new IllegalStateException("no page target in " + body);
  }

  private JsonObject call(String method, JsonObject params) throws Exception {
    int id = ids.incrementAndGet();
    CompletableFuture<JsonObject> f = new CompletableFuture<>();
    pending.put(id, f);
    page.writeTextMessage(new JsonObject().put("id", id).put("method", method).put("params", params).encode()).await();
    JsonObject reply = f.get(15, TimeUnit.SECONDS);
    if (reply.containsKey("error")) {
      throw new IllegalStateException(method + " failed: " + reply.getJsonObject("error"));
    }
    return reply.getJsonObject("result");
  }

  public void open(String url) throws Exception {
    call("Page.navigate", new JsonObject().put("url", url));
  }

  /** The value of a JavaScript expression in the page. */
  public Object eval(String expression) throws Exception {
    JsonObject r = call("Runtime.evaluate", new JsonObject().put("expression", expression).put("returnByValue", true)
        .put("awaitPromise", true));
    return r.getJsonObject("result").getValue("value");
  }

  /** Waits until the expression is truthy; fails with the last value of {@code describe} otherwise. */
  public void waitFor(String expression, String describe, long timeoutMs) throws Exception {
    long deadline = System.currentTimeMillis() + timeoutMs;
    while (System.currentTimeMillis() < deadline) {
      if (Boolean.TRUE.equals(eval("!!(" + expression + ")"))) {
        return;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("page never satisfied " + expression + "; " + describe + " = " + eval(describe));
  }

  @Override
  public void close() {
    try {
      client.close();
    } catch (Exception ignored) {
      // closing anyway
    }
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
      try (var files = Files.walk(profile)) {
        files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
      }
    } catch (Exception ignored) {
      // best effort
    }
  }
}
