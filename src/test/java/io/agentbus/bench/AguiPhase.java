package io.agentbus.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * {@code --phases agui}: AG-UI over SSE (PROTOCOL §11) on two nodes. A worker (this JVM, over
 * {@code /ws}) plays the run's only agent and streams {@code --agui-events} deltas into it as fast
 * as the node takes them, then one every 10 ms, as a model would. Measured:
 * <ol>
 *   <li><b>late join</b> of that run, {@code --agui-joins} times, each on the node the run did not
 *   start on, without a cursor: request → the head ({@code MESSAGES_SNAPSHOT}) and request → the
 *   first live {@code TEXT_MESSAGE_CONTENT}, p50/p99; the joined text is checked against what the
 *   worker sent;</li>
 *   <li><b>append → SSE delivery</b>: from the worker's write of a delta to its arrival on an
 *   AG-UI stream of each node (the event is committed before it is sent), p50/p99;</li>
 *   <li><b>idle streams</b>: {@code --agui-streams} AG-UI streams held open on one node (viewers
 *   waiting on a gated run after its interrupt): the node's heap after GC and RSS per stream.</li>
 * </ol>
 * One clock (this JVM's) for every latency. Bounded in count and time; stops by itself.
 */
final class AguiPhase {

  private final int events;
  private final int joins;
  private final int streams;
  private final int liveSeconds;
  private final Map<String, String> results;
  private final String db = "agentbus_agui_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
  private final List<NodeProcess> nodes = new ArrayList<>();
  private Vertx vertx;
  private HttpClient http;
  private io.vertx.core.http.WebSocketClient wsClient;
  private String token;
  /** Every delta the worker sent, in order, and when (nanoTime) it sent each timed one. */
  private final StringBuilder sent = new StringBuilder();
  private final Map<String, Long> sentAt = new java.util.concurrent.ConcurrentHashMap<>();
  private volatile boolean pacing;
  /** Deltas sent before this (nanoTime) are not timed: a stream replaying them is not a delivery. */
  private volatile long timedFrom = Long.MAX_VALUE;
  private volatile long timedUntil = Long.MAX_VALUE;
  private volatile boolean finish;

  AguiPhase(int events, int joins, int streams, int liveSeconds, Map<String, String> results) {
    this.events = events;
    this.joins = joins;
    this.streams = streams;
    this.liveSeconds = liveSeconds;
    this.results = results;
  }

  void run() throws Exception {
    System.out.println();
    System.out.printf("== phase: AG-UI (a %,d-event run, %d late joins, %,d idle streams) ==%n", events, joins, streams);
    try {
      startNodes();
      vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
      http = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout(30_000),
          new PoolOptions().setHttp1MaxSize(streams + 64));
      token = new JsonObject(nodes.get(0).post("/api/auth/token", "{\"userId\":\"viewer\",\"roles\":[\"admin\"]}", null))
          .getString("token");
      String workerToken = new JsonObject(nodes.get(0).post("/api/auth/token",
          "{\"userId\":\"bench-worker\",\"roles\":[\"agent\"]}", null)).getString("token");
      worker(workerToken).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      longRun();
      idleStreams();
    } finally {
      finish = true;
      if (vertx != null) {
        vertx.close().await();
      }
      nodes.forEach(NodeProcess::close);
      Vertx v = Vertx.vertx();
      NodeProcess.dropDatabase(v, db);
      v.close().await();
    }
  }

  private void startNodes() throws Exception {
    Path logs = Files.createDirectories(Path.of("target", "bench"));
    int hz = 38000 + ThreadLocalRandom.current().nextInt(500) * 4;
    String secret = UUID.randomUUID() + "-" + UUID.randomUUID();
    for (int i = 0; i < 2; i++) {
      int port = NodeProcess.freePort();
      Map<String, String> env = new HashMap<>();
      env.put("AGENTBUS_DB_URL", "postgresql://postgres@127.0.0.1:5432/" + db);
      env.put("AGENTBUS_CLUSTER_NAME", "agentbus-agui-" + db);
      env.put("AGENTBUS_CLUSTER_PORT", String.valueOf(hz + i));
      env.put("AGENTBUS_CLUSTER_MEMBERS", "127.0.0.1:" + hz + ",127.0.0.1:" + (hz + 1));
      env.put("AGENTBUS_HTTP_PORT", String.valueOf(port));
      env.put("AGENTBUS_HTTP_HOST", "127.0.0.1");
      env.put("AGENTBUS_JWT_SECRET", secret);
      // The worker stands in for a model streaming fast: lift the per-connection rate limit.
      env.put("AGENTBUS_LIMITS_RATE_PER_SECOND", "1000000");
      env.put("AGENTBUS_LIMITS_RATE_BURST", "1000000");
      env.put("AGENTBUS_ORCHESTRATOR_AGENT_KINDS", "code=worker");
      NodeProcess n = new NodeProcess(NodeProcess.jar(), env, port, "512m", List.of(),
          logs.resolve("agui-node" + i + ".log"), null);
      nodes.add(n);
      n.awaitHealthy(i + 1, 90_000);
    }
  }

  // ------------------------------------------------------------------ the worker

  /** Registers for role code; a task is streamed: {@code events} deltas at once, then one every 10 ms. */
  private Future<Void> worker(String workerToken) {
    Promise<Void> registered = Promise.promise();
    // Held in a field: Vert.x 5 closes a client that is no longer reachable (its connections too).
    wsClient = vertx.createWebSocketClient();
    ClientWebSocket ws = wsClient.webSocket();
    ws.textMessageHandler(text -> {
      JsonObject f = new JsonObject(text);
      switch (f.getString("type", "")) {
        case "auth_response" -> ws.writeTextMessage(new JsonObject().put("type", "agent_register")
            .put("roles", new io.vertx.core.json.JsonArray().add("code")).put("capacity", 4).encode());
        case "agent_registered" -> registered.tryComplete();
        case "task" -> stream(ws, f.getString("taskId"));
        default -> { }
      }
    });
    ws.closeHandler(v -> registered.tryFail("the worker's socket closed: " + ws.closeStatusCode() + " "
        + ws.closeReason()));
    ws.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(nodes.get(0).httpPort)
        .setURI("/ws?token=" + workerToken)).onFailure(registered::tryFail);
    return registered.future();
  }

  private void stream(ClientWebSocket ws, String taskId) {
    boolean second;
    synchronized (sent) {
      second = sent.length() > 0;
    }
    int[] i = {0};
    if (second) {
      // The long run's step again: its run was taken over (a lease lapsed, e.g. the machine stalled
      // longer than orchestrator.leaseSeconds). It goes on streaming; the figures say so.
      System.out.println("  WARNING: the run's step was offered again (taken over: see target/bench/agui-node*.log);"
          + " a new attempt is a new message, so snapshot checks after this fail");
      i[0] = events;
    }
    vertx.setPeriodic(1, fill -> { // the fill: as fast as the node takes them (the socket's queue paces it)
      for (int k = 0; k < 20 && i[0] < events && !ws.writeQueueFull(); k++) {
        delta(ws, taskId, "w" + i[0]++ + " ");
      }
      if (i[0] < events) {
        return;
      }
      vertx.cancelTimer(fill);
      vertx.setPeriodic(10, pace -> { // then as a model streams: one delta every 10 ms, each timed
        if (finish) {
          vertx.cancelTimer(pace);
          send(ws, new JsonObject().put("type", "task_result").put("taskId", taskId)
              .put("outputs", new JsonObject().put("text", "done")));
        } else if (pacing) {
          String mark = "t" + (i[0]++);
          sentAt.put(mark, System.nanoTime());
          delta(ws, taskId, mark + " ");
        }
      });
    });
  }

  private void delta(ClientWebSocket ws, String taskId, String text) {
    synchronized (sent) {
      sent.append(text);
    }
    send(ws, new JsonObject().put("type", "task_progress").put("taskId", taskId).put("progress", 0.5)
        .put("partialOutput", text));
  }

  private static void send(ClientWebSocket ws, JsonObject f) {
    ws.writeTextMessage(f.encode());
  }

  // ------------------------------------------------------------------ the long run

  private void longRun() throws Exception {
    String thread = "t-" + UUID.randomUUID();
    String run = "r-" + UUID.randomUUID();
    long t0 = System.nanoTime();
    // The run is started and followed on node 0 to its first delta, then dropped (it goes on).
    Sse starter = Sse.post(this, 0, "/agui", new JsonObject().put("threadId", thread).put("runId", run)
        .put("messages", new io.vertx.core.json.JsonArray().add(new JsonObject().put("id", "u1").put("role", "user")
            .put("content", "write a long answer"))).put("forwardedProps", new JsonObject().put("workflow", "quick")));
    starter.await(e -> "TEXT_MESSAGE_CONTENT".equals(e.type()), 60);
    starter.close();
    String path = "/agui/threads/" + thread + "/runs/" + run + "/events";
    // A watcher on node 0 from the start counts the fill; node 1 has no stream of the run yet.
    List<LatencyHistogram> delivery = List.of(new LatencyHistogram(), new LatencyHistogram());
    AtomicInteger[] seen = {new AtomicInteger(), new AtomicInteger()};
    List<Sse> watchers = new ArrayList<>();
    watchers.add(watcher(0, path, seen, delivery));
    while (seen[0].get() < events) {
      Thread.sleep(50);
    }
    double fillS = (System.nanoTime() - t0) / 1e9;
    System.out.printf("  %,d deltas stored and delivered in %.1f s (%,.0f/s, one run: each event waits for the "
        + "commit of the one before)%n", events, fillS, events / fillS);
    results.put("agui: fill of one run, deltas/s stored+delivered", String.format("%,.0f", events / fillS));
    pacing = true;
    Thread.sleep(1000);
    // The first AG-UI stream of the run on node 1: its projection is made there (one replay).
    double[] cold = join(1, path);
    watchers.add(watcher(1, path, seen, delivery));
    while (seen[1].get() < events) {
      Thread.sleep(50);
    }
    Thread.sleep(500);
    delivery.forEach(LatencyHistogram::reset);
    timedFrom = System.nanoTime();
    Thread.sleep(liveSeconds * 1000L); // delivery alone first: no join competes with it
    timedUntil = System.nanoTime();
    Thread.sleep(500); // the last timed deltas arrive
    List<String> deliveryFigures = new ArrayList<>();
    for (LatencyHistogram h : delivery) {
      deliveryFigures.add(String.format("%.2f / %.2f (%d)", h.percentileMs(0.5), h.percentileMs(0.99), h.count()));
    }
    // Late joins, one at a time, alternating nodes, while the run goes on at 100 deltas/s.
    LatencyHistogram head = new LatencyHistogram();
    LatencyHistogram live = new LatencyHistogram();
    int checked = (int) cold[2];
    for (int j = 0; j < joins; j++) {
      double[] r = join(1 - (j % 2), path);
      head.record((long) (r[0] * 1000));
      live.record((long) (r[1] * 1000));
      checked += (int) r[2];
    }
    // Once node 1 has had no stream of the run for longer than it keeps a projection, a join there
    // replays the run again — now with the node's code warm, as on a node that has been serving.
    watchers.get(1).close();
    pacing = false; // the run holds still meanwhile: the replay is of the same 10 000-odd events
    Thread.sleep(45_000);
    pacing = true;
    Thread.sleep(200);
    double[] again = join(1, path);
    checked += (int) again[2];
    pacing = false;
    watchers.forEach(Sse::close);
    System.out.printf("  first join on a node with no stream of the run (one replay of %,d+ events there): "
        + "snapshot %.1f ms, first live delta %.1f ms (the node's first AG-UI use); again after its projection "
        + "was dropped: %.1f ms, %.1f ms%n", events, cold[0], cold[1], again[0], again[1]);
    results.put("agui: first join on a node, code warm (replay) -> snapshot / live delta ms",
        String.format("%.1f / %.1f", again[0], again[1]));
    System.out.printf("  late join of a %,d+-event run (no cursor, either node): request -> snapshot p50 %.1f ms "
        + "p99 %.1f ms; request -> first live delta p50 %.1f ms p99 %.1f ms (%d joins, %d/%d snapshots equal the "
        + "streamed text; deltas every 10 ms)%n", events, head.percentileMs(0.5), head.percentileMs(0.99),
        live.percentileMs(0.5), live.percentileMs(0.99), joins, checked, joins + 2);
    results.put("agui: first join on a node, first AG-UI use (replay) -> snapshot / live delta ms", String.format("%.1f / %.1f",
        cold[0], cold[1]));
    results.put("agui: late join -> snapshot p50/p99 ms", String.format("%.1f / %.1f", head.percentileMs(0.5),
        head.percentileMs(0.99)));
    results.put("agui: late join -> first live delta p50/p99 ms (target p99<=150)", String.format("%.1f / %.1f",
        live.percentileMs(0.5), live.percentileMs(0.99)));
    results.put("agui: late joins whose snapshot equals the streamed text", checked + "/" + (joins + 2));
    for (int n = 0; n < 2; n++) {
      System.out.printf("  append -> AG-UI SSE delivery, watcher on node%d (worker on node0, commit included): "
          + "p50 / p99 ms (deltas) %s%n", n, deliveryFigures.get(n));
      results.put("agui: append -> SSE node" + n + " p50/p99 ms (target p99<=10)", deliveryFigures.get(n));
    }
  }

  /** A stream of the run from its first event on {@code node}: counts deltas, times the timed ones. */
  private Sse watcher(int node, String path, AtomicInteger[] seen, List<LatencyHistogram> delivery) {
    return Sse.get(this, node, path, "0", e -> {
      if ("TEXT_MESSAGE_CONTENT".equals(e.type())) {
        seen[node].incrementAndGet();
        String d = new JsonObject(e.data()).getString("delta").trim();
        Long at = sentAt.get(d);
        if (at != null && at >= timedFrom && at < timedUntil) {
          delivery.get(node).record((System.nanoTime() - at) / 1000);
        }
      }
    });
  }

  /**
   * A late join without a cursor on {@code node}: ms to the snapshot, ms to the first live delta,
   * and 1 when the snapshot's text is exactly what the worker had streamed (else 0).
   */
  private double[] join(int node, String path) throws InterruptedException {
    long start = System.nanoTime();
    long[] headAt = {0};
    String[] snapshot = {null};
    Sse late = Sse.get(this, node, path, null, e -> {
      if ("MESSAGES_SNAPSHOT".equals(e.type())) {
        headAt[0] = System.nanoTime();
        snapshot[0] = new JsonObject(e.data()).getJsonArray("messages").stream().map(m -> (JsonObject) m)
            .filter(m -> "assistant".equals(m.getString("role"))).map(m -> m.getString("content"))
            .findFirst().orElse("");
      }
    });
    late.await(e -> "TEXT_MESSAGE_CONTENT".equals(e.type()) && headAt[0] != 0, 30);
    long liveAt = System.nanoTime();
    late.close();
    String s = snapshot[0];
    boolean same;
    synchronized (sent) {
      same = s != null && !s.isEmpty() && s.length() <= sent.length() && sent.substring(0, s.length()).equals(s);
    }
    return new double[] {(headAt[0] - start) / 1e6, (liveAt - start) / 1e6, same ? 1 : 0};
  }

  // ------------------------------------------------------------------ idle streams

  private void idleStreams() throws Exception {
    String thread = "t-" + UUID.randomUUID();
    String run = "r-" + UUID.randomUUID();
    Sse gated = Sse.post(this, 0, "/agui", new JsonObject().put("threadId", thread).put("runId", run)
        .put("messages", new io.vertx.core.json.JsonArray().add(new JsonObject().put("id", "u1").put("role", "user")
            .put("content", "plan it"))).put("forwardedProps", new JsonObject().put("workflow", "reviewed")));
    Sse.Event interrupt = gated.await(e -> "RUN_FINISHED".equals(e.type()), 60);
    gated.close();
    NodeProcess node = nodes.get(1);
    long heap0 = node.heapAfterGc();
    long rss0 = node.rssBytes();
    String path = "/agui/threads/" + thread + "/runs/" + run + "/events";
    List<Sse> held = new ArrayList<>();
    AtomicInteger open = new AtomicInteger();
    for (int start = 0; start < streams; start += 100) {
      List<Sse> batch = new ArrayList<>();
      for (int k = start; k < Math.min(streams, start + 100); k++) {
        batch.add(Sse.get(this, 1, path, interrupt.id(), e -> { }));
      }
      for (Sse s : batch) {
        s.await(e -> "RUN_STARTED".equals(e.type()), 30);
        open.incrementAndGet();
      }
      held.addAll(batch);
    }
    Thread.sleep(2000);
    long heap1 = node.heapAfterGc();
    long rss1 = node.rssBytes();
    long stillOpen = held.stream().filter(s -> !s.ended).count();
    System.out.printf("  %,d idle AG-UI streams held on one node (%,d still open after 2 s): heap after GC %.1f -> "
        + "%.1f MiB (%.1f KiB per stream), RSS %d -> %d MiB (%.1f KiB per stream)%n", open.get(), stillOpen,
        heap0 / 1048576.0, heap1 / 1048576.0, (heap1 - heap0) / 1024.0 / streams, rss0 >> 20, rss1 >> 20,
        (rss1 - rss0) / 1024.0 / streams);
    results.put("agui: idle streams held on one node", String.format("%,d (%,d open after 2 s)", open.get(), stillOpen));
    results.put("agui: memory per idle stream (heap / RSS KiB)", String.format("%.1f / %.1f",
        (heap1 - heap0) / 1024.0 / streams, (rss1 - rss0) / 1024.0 / streams));
    held.forEach(Sse::close);
  }

  // ------------------------------------------------------------------ an SSE reader

  /** One AG-UI response read as SSE frames ({@code id:} and {@code data:} lines; LF only, as served). */
  static final class Sse {
    record Event(String id, String type, String data) {}

    private final StringBuilder rest = new StringBuilder();
    private final java.util.concurrent.LinkedBlockingQueue<Event> queue = new java.util.concurrent.LinkedBlockingQueue<>();
    private final Consumer<Event> tap;
    private volatile HttpClientResponse response;
    private volatile boolean ended;

    private Sse(Consumer<Event> tap) {
      this.tap = tap;
    }

    static Sse post(AguiPhase p, int node, String path, JsonObject body) {
      return open(p, node, HttpMethod.POST, path, null, body.encode(), e -> { });
    }

    static Sse get(AguiPhase p, int node, String path, String cursor, Consumer<Event> tap) {
      return open(p, node, HttpMethod.GET, path, cursor, null, tap);
    }

    private static Sse open(AguiPhase p, int node, HttpMethod method, String path, String cursor, String body,
        Consumer<Event> tap) {
      Sse s = new Sse(tap);
      RequestOptions o = new RequestOptions().setMethod(method).setHost("127.0.0.1")
          .setPort(p.nodes.get(node).httpPort).setURI(path).putHeader("Authorization", "Bearer " + p.token)
          .putHeader("Accept", "text/event-stream");
      if (cursor != null) {
        o.putHeader("Last-Event-ID", cursor);
      }
      if (body != null) {
        o.putHeader("Content-Type", "application/json");
      }
      p.http.request(o).compose(req -> body == null ? req.send() : req.send(body)).onSuccess(resp -> {
        s.response = resp;
        if (resp.statusCode() != 200) {
          resp.body().onSuccess(b -> System.out.println("  refused: " + resp.statusCode() + " " + b));
          s.ended = true;
          return;
        }
        resp.handler(s::chunk);
        resp.endHandler(v -> s.ended = true);
        resp.exceptionHandler(e -> s.ended = true);
      }).onFailure(e -> {
        System.out.println("  request failed: " + e);
        s.ended = true;
      });
      return s;
    }

    private void chunk(Buffer b) {
      rest.append(b.toString(StandardCharsets.UTF_8));
      int at = 0; // frames are cut from the front once per chunk: a 1 MB burst stays linear
      int end;
      while ((end = rest.indexOf("\n\n", at)) >= 0) {
        String frame = rest.substring(at, end);
        at = end + 2;
        String id = null;
        String data = null;
        for (String line : frame.split("\n")) {
          if (line.startsWith("id:")) {
            id = line.substring(3).trim();
          } else if (line.startsWith("data:")) {
            data = line.substring(5).trim();
          }
        }
        if (data != null) {
          int t = data.indexOf("\"type\":\"");
          String type = t < 0 ? "" : data.substring(t + 8, data.indexOf('"', t + 8));
          Event e = new Event(id, type, data);
          tap.accept(e);
          queue.add(e);
        }
      }
      rest.delete(0, at);
    }

    /** The first event (from now on, in order) that matches, within {@code seconds}. */
    Event await(java.util.function.Predicate<Event> p, int seconds) throws InterruptedException {
      long deadline = System.nanoTime() + seconds * 1_000_000_000L;
      while (System.nanoTime() < deadline) {
        Event e = queue.poll(50, TimeUnit.MILLISECONDS);
        if (e != null && p.test(e)) {
          return e;
        }
      }
      throw new IllegalStateException("no such event in " + seconds + " s");
    }

    void close() {
      HttpClientResponse r = response;
      if (r != null) {
        r.request().connection().close();
      }
    }
  }
}
