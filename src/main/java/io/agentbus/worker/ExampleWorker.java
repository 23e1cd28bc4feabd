package io.agentbus.worker;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A runnable external agent worker (README, Agent workers): connects to {@code /ws} with a token
 * holding role {@code agent}, registers for its roles, and answers each {@code task} with three
 * {@code task_progress} reports and a {@code task_result}; a {@code task_cancel} stops the task.
 * It reconnects when the connection drops. Replace {@link #work} with a real agent.
 *
 * <pre>
 * java -cp target/agentbus.jar io.agentbus.worker.ExampleWorker \
 *      --url ws://127.0.0.1:8080/ws --roles code,qa [--token JWT | --user worker-1]
 * </pre>
 * With {@code --user}, the token comes from the dev login of the same server.
 */
public final class ExampleWorker {

  private static final long STEP_MS = 300;
  private final Vertx vertx;
  private final WebSocketClient client;
  private final URI url;
  private final List<String> roles;
  private final String user;
  private String token;
  private WebSocket ws;
  private boolean stopped;
  /** Timers of the tasks under way, by task id, so a cancel stops them. */
  private final Map<String, Long> running = new HashMap<>();

  public ExampleWorker(Vertx vertx, URI url, List<String> roles, String token, String user) {
    this.vertx = vertx;
    this.client = vertx.createWebSocketClient();
    this.url = url;
    this.roles = roles;
    this.token = token;
    this.user = user;
  }

  public static void main(String[] args) {
    Map<String, String> a = new HashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      a.put(args[i].replaceFirst("^--", ""), args[i + 1]);
    }
    URI url = URI.create(a.getOrDefault("url", "ws://127.0.0.1:8080/ws"));
    List<String> roles = List.of(a.getOrDefault("roles", "code").split(","));
    ExampleWorker w = new ExampleWorker(Vertx.vertx(), url, roles, a.get("token"), a.getOrDefault("user", "example-worker"));
    w.start().onSuccess(v -> System.out.println("worker registered for " + roles + " at " + url))
        .onFailure(e -> {
          System.err.println("worker could not start: " + e.getMessage());
          System.exit(1);
        });
  }

  /** Connects and registers; completes once registered. */
  public Future<Void> start() {
    Future<String> t = token != null ? Future.succeededFuture(token) : devToken();
    return t.compose(tok -> {
      token = tok;
      return connect();
    });
  }

  public Future<Void> stop() {
    stopped = true;
    running.values().forEach(vertx::cancelTimer);
    return ws == null ? Future.succeededFuture() : ws.close();
  }

  private Future<String> devToken() {
    int port = url.getPort() < 0 ? 80 : url.getPort();
    JsonObject body = new JsonObject().put("userId", user).put("roles", new JsonArray().add("agent"));
    io.vertx.core.http.HttpClient http = vertx.createHttpClient();
    return http.request(new RequestOptions().setMethod(HttpMethod.POST).setHost(url.getHost())
            .setPort(port).setURI("/api/auth/token").putHeader("Content-Type", "application/json"))
        .compose(req -> req.send(Buffer.buffer(body.encode())))
        .compose(resp -> resp.body().map(b -> {
          if (resp.statusCode() != 200) {
            throw new IllegalStateException("dev login answered " + resp.statusCode() + ": " + b);
          }
          return b.toJsonObject().getString("token");
        }))
        .eventually(http::close);
  }

  private Future<Void> connect() {
    WebSocketConnectOptions o = new WebSocketConnectOptions().setHost(url.getHost())
        .setPort(url.getPort() < 0 ? 80 : url.getPort()).setURI(url.getPath() + "?token=" + token);
    io.vertx.core.Promise<Void> registered = io.vertx.core.Promise.promise();
    io.vertx.core.http.ClientWebSocket socket = client.webSocket();
    socket.textMessageHandler(text -> onFrame(new JsonObject(text), registered));
    socket.closeHandler(v -> {
      running.values().forEach(vertx::cancelTimer);
      running.clear();
      registered.tryFail("connection closed before registering");
      if (!stopped) {
        vertx.setTimer(1000, id -> connect()); // the server gives our tasks to other workers meanwhile
      }
    });
    return socket.connect(o).compose(s -> {
      ws = s;
      s.writeTextMessage(new JsonObject().put("type", "agent_register").put("id", "register")
          .put("roles", new JsonArray(roles)).put("capacity", 2).encode());
      return registered.future();
    });
  }

  private void onFrame(JsonObject f, io.vertx.core.Promise<Void> registered) {
    switch (f.getString("type", "")) {
      case "agent_registered" -> registered.tryComplete();
      case "task" -> work(f, 1);
      case "task_cancel" -> {
        Long timer = running.remove(f.getString("taskId"));
        if (timer != null) {
          vertx.cancelTimer(timer);
        }
      }
      case "error" -> {
        System.err.println("server: " + f.getString("error"));
        if (f.getValue("replyTo") != null && "register".equals(f.getValue("replyTo"))) {
          registered.tryFail(f.getString("error")); // the connection closes and reconnects
          if (ws != null) {
            ws.close();
          }
        }
      }
      default -> { }
    }
  }

  /** The "agent": three progress steps, then a result derived from the input. */
  private void work(JsonObject task, int step) {
    String taskId = task.getString("taskId");
    if (step > 1 && !running.containsKey(taskId)) {
      return; // cancelled
    }
    if (step <= 3) {
      send(new JsonObject().put("type", "task_progress").put("taskId", taskId).put("progress", step / 4.0)
          .put("currentTask", "step " + step + " of 3").put("partialOutput", "part " + step));
      running.put(taskId, vertx.setTimer(STEP_MS, id -> work(task, step + 1)));
      return;
    }
    running.remove(taskId);
    String content = task.getJsonObject("input").getString("content", "");
    send(new JsonObject().put("type", "task_result").put("taskId", taskId).put("qualityScore", 0.8)
        .put("outputs", new JsonObject().put("text", task.getString("agentRole") + " worker did: " + content)));
  }

  private void send(JsonObject frame) {
    if (ws != null && !ws.isClosed()) {
      ws.writeTextMessage(frame.encode());
    }
  }
}
