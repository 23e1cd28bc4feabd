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
 * A runnable external agent worker (docs/workflows.md, Agent workers): connects to {@code /ws} with a token
 * holding role {@code agent}, registers for its roles, and answers each {@code task} with three
 * {@code task_progress} reports and a {@code task_result}; a {@code task_cancel} stops the task.
 * Replace {@link #work} with a real agent.
 *
 * <p>It keeps itself connected: when the connection drops, or a node is down or answers with an
 * error at start, it tries again with capped exponential backoff and jitter (so a cluster's
 * workers do not all reconnect in the same instant), going round the given URLs, and registers
 * again. Tasks it was running when the connection dropped were given to other workers meanwhile.
 *
 * <pre>
 * java -cp target/agentbus.jar io.agentbus.worker.ExampleWorker \
 *      --url ws://127.0.0.1:8080/ws[,ws://127.0.0.1:8081/ws] --roles code,qa [--token JWT | --user worker-1]
 * </pre>
 * With {@code --user}, the token comes from the dev login of the server.
 */
public final class ExampleWorker {

  private static final long STEP_MS = 300;
  static final long FIRST_BACKOFF_MS = 250;
  static final long MAX_BACKOFF_MS = 10_000;
  private final Vertx vertx;
  private final WebSocketClient client;
  private final List<URI> urls;
  private int next;
  private long backoff = FIRST_BACKOFF_MS;
  private final io.vertx.core.Promise<Void> firstRegistration = io.vertx.core.Promise.promise();
  private final List<String> roles;
  private final String user;
  private String token;
  private WebSocket ws;
  private boolean stopped;
  /** Timers of the tasks under way, by task id, so a cancel stops them. */
  private final Map<String, Long> running = new HashMap<>();

  public ExampleWorker(Vertx vertx, URI url, List<String> roles, String token, String user) {
    this(vertx, List.of(url), roles, token, user);
  }

  /** A worker for any of {@code urls} (nodes of one cluster), tried in turn. */
  public ExampleWorker(Vertx vertx, List<URI> urls, List<String> roles, String token, String user) {
    this.vertx = vertx;
    this.client = vertx.createWebSocketClient();
    this.urls = List.copyOf(urls);
    this.roles = roles;
    this.token = token;
    this.user = user;
  }

  /** The worker's command line, parsed like the jar's own (an unknown or malformed flag is an error). */
  @picocli.CommandLine.Command(name = "example-worker", mixinStandardHelpOptions = true,
      description = "An external agent worker: registers for roles and answers their tasks.")
  static final class Flags implements java.util.concurrent.Callable<Integer> {
    @picocli.CommandLine.Option(names = "--url", split = ",", defaultValue = "ws://127.0.0.1:8080/ws",
        description = "the nodes' /ws, tried in turn (default ${DEFAULT-VALUE})")
    List<URI> urls;

    @picocli.CommandLine.Option(names = "--roles", split = ",", defaultValue = "code", description = "roles served")
    List<String> roles;

    @picocli.CommandLine.Option(names = "--token", description = "a JWT with role agent (java -jar agentbus.jar token "
        + "--user <name> --role agent); without it, dev login as --user")
    String token;

    @picocli.CommandLine.Option(names = "--user", defaultValue = "example-worker", description = "the dev login user")
    String user;

    @Override
    public Integer call() {
      ExampleWorker w = new ExampleWorker(Vertx.vertx(), urls, roles, token, user);
      w.start().onSuccess(v -> System.out.println("worker registered for " + roles))
          .onFailure(e -> {
            System.err.println("worker: " + e.getMessage());
            System.exit(1);
          });
      return -1;
    }
  }

  public static void main(String[] args) {
    int code = new picocli.CommandLine(new Flags()).execute(args);
    if (code >= 0) {
      System.exit(code);
    }
  }

  /** Connects and registers, trying again until it is registered once; completes then. */
  public Future<Void> start() {
    attempt();
    return firstRegistration.future();
  }

  private void attempt() {
    if (stopped) {
      return;
    }
    URI url = urls.get(next++ % urls.size());
    Future<String> t = token != null ? Future.succeededFuture(token) : devToken(url);
    t.compose(tok -> {
      token = tok;
      return connect(url);
    }).onSuccess(v -> {
      backoff = FIRST_BACKOFF_MS;
      System.out.println("worker registered for " + roles + " at " + url);
      firstRegistration.tryComplete();
    }).onFailure(e -> {
      if (e instanceof RefusedException) {
        firstRegistration.tryFail(e); // the server said no for good (e.g. not an agent token): no point retrying
        return;
      }
      System.err.println("worker: " + url + ": " + e.getMessage() + "; trying again");
      retryLater();
    });
  }

  /** The next attempt after the backoff, with jitter: half to all of it, doubling to {@link #MAX_BACKOFF_MS}. */
  private void retryLater() {
    if (stopped) {
      return;
    }
    long delay = backoff / 2 + java.util.concurrent.ThreadLocalRandom.current().nextLong(backoff / 2 + 1);
    backoff = Math.min(MAX_BACKOFF_MS, backoff * 2);
    vertx.setTimer(Math.max(1, delay), id -> attempt());
  }

  /** The server refused the worker for a reason retrying cannot fix. */
  static final class RefusedException extends RuntimeException {
    RefusedException(String message) {
      super(message, null, false, false);
    }
  }

  public Future<Void> stop() {
    stopped = true;
    running.values().forEach(vertx::cancelTimer);
    return ws == null ? Future.succeededFuture() : ws.close();
  }

  private Future<String> devToken(URI url) {
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

  private Future<Void> connect(URI url) {
    WebSocketConnectOptions o = new WebSocketConnectOptions().setHost(url.getHost())
        .setPort(url.getPort() < 0 ? 80 : url.getPort()).setURI(url.getPath() + "?token=" + token);
    io.vertx.core.Promise<Void> registered = io.vertx.core.Promise.promise();
    io.vertx.core.http.ClientWebSocket socket = client.webSocket();
    socket.textMessageHandler(text -> onFrame(new JsonObject(text), registered));
    socket.closeHandler(v -> {
      running.values().forEach(vertx::cancelTimer);
      running.clear();
      Short code = socket.closeStatusCode();
      if (code != null && code == 4401 && user != null) {
        token = null; // refused (e.g. an expired dev token): the next attempt logs in again
      }
      // Registered before: the connection dropped (its node went away); the server gives our tasks
      // to other workers meanwhile. Not registered: attempt() sees the failure and retries.
      if (registered.future().succeeded()) {
        retryLater();
      } else {
        registered.tryFail("connection closed before registering");
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
          boolean final_ = "FORBIDDEN".equals(f.getString("code")) || "INVALID_MESSAGE".equals(f.getString("code"));
          registered.tryFail(final_ ? new RefusedException(f.getString("error")) : new IllegalStateException(f.getString("error")));
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
          .put("currentTask", "step " + step + " of 3").put("partialOutput", "part " + step + "\n")); // a delta: the text since the last
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
