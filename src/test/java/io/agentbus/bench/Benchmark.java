package io.agentbus.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The core-path benchmark (not part of the test suite). Starts two agentbus nodes as separate JVMs
 * in their own cluster against the real PostgreSQL on 127.0.0.1:5432 (a database of its own,
 * dropped at the end), then:
 * <ol>
 *   <li><b>fanout</b>: N WebSocket subscribers spread over both nodes on one channel; publishers on
 *   both nodes send R messages/s for D seconds. Prints deliveries/s, end-to-end latency (publish →
 *   receipt, one clock: this JVM's), lost / duplicated / out-of-order counts, server CPU per
 *   delivery (node JVMs + PostgreSQL, from /proc) and RSS and heap after GC per node.</li>
 *   <li><b>idle</b>: M idle subscribed connections per node; prints RSS per connection.</li>
 *   <li><b>persist</b>: many channels at once; prints committed (acknowledged) messages/s with
 *   closed-loop publishers, then ack latency at a fixed rate.</li>
 * </ol>
 * and phases of their own: {@code failover}, {@code upload}, {@code search}, {@code agui}
 * ({@link AguiPhase}: late join of a 10 000-event run, append → SSE, idle AG-UI streams).
 * Everything targets 127.0.0.1, is bounded in count and time, and stops by itself.
 *
 * <p>Run: {@code mvn -B -Pbench package -Dbench.args="--subscribers 1000 --rate 100"}.
 */
public final class Benchmark {

  // ---- parameters (--name value) ----
  int subscribers = 1000;
  int rate = 50;
  int duration = 30;
  int warmup = 10;
  int payload = 200;
  int publishersPerNode = 2;
  int idle = 5000;
  /** Seconds the idle connections are held before measuring (time to inspect the nodes by hand). */
  int idleHold = 2;
  /** All idle connections on node 0 (the single-node scale figure) instead of {@code idle} per node. */
  boolean idleOneNode;
  /** The reconnect storm's clients (this machine's open-file limit is 20 000 per process). */
  int stormClients = 9_000;
  int stormRate = 100;
  int stormChannels = 200;
  /** Each idle connection sends the JS client's heartbeat ({@code ping}, answered by {@code pong}) this often. */
  int idlePingSeconds = 15;
  int channels = 200;
  int persistConnections = 200;
  int persistDuration = 10;
  int persistRate = 1000;
  String nodeHeap = "512m";
  /** Extra JVM flags for the nodes (comma-separated), after the defaults so they can override them. */
  List<String> nodeJvm = List.of();
  boolean jfr;
  /** Extra environment for the nodes, from --node-env KEY=VALUE[,KEY=VALUE]. */
  final Map<String, String> nodeEnv = new HashMap<>();
  Set<String> phases = Set.of("fanout", "idle", "persist", "search", "agui");
  int failoverRounds = 5;
  int uploadFiles = 20;
  int uploadMib = 10;
  String uploadHeap = "96m";
  int searchMessages = 1_000_000;
  int searchQueries = 200;
  int aguiEvents = 10_000;
  int aguiJoins = 50;
  int aguiStreams = 2000;
  int aguiLiveSeconds = 10;
  /** Peers measured after each fan-out run under the same load ({@link PeersPhase}); "none" for none. */
  List<String> peers = List.of("socketio", "netty", "floor");
  /** Fan-out runs (each followed by its peers): figures as min / median / max, ratios per run. */
  int repeat = 1;
  /** agentbus's CPU per delivery (µs) and p99 (ms) of the latest fan-out run, for the peers' ratios. */
  private double fanoutCpuUs;
  private double fanoutP99Ms;

  private final String db = "agentbus_bench_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
  final List<NodeProcess> nodes = new ArrayList<>();
  Vertx vertx;
  WebSocketClient client;
  private String token;
  final Map<String, String> results = new LinkedHashMap<>();

  public static void main(String[] args) throws Exception {
    Benchmark b = new Benchmark();
    b.parse(args);
    try {
      b.run();
    } finally {
      b.shutdown();
    }
    System.exit(0);
  }

  private void parse(String[] args) {
    for (int i = 0; i + 1 < args.length; i += 2) {
      String k = args[i].replaceFirst("^--", "");
      String v = args[i + 1];
      switch (k) {
        case "subscribers" -> subscribers = Integer.parseInt(v);
        case "rate" -> rate = Integer.parseInt(v);
        case "duration" -> duration = Integer.parseInt(v);
        case "warmup" -> warmup = Integer.parseInt(v);
        case "payload" -> payload = Integer.parseInt(v);
        case "publishers" -> publishersPerNode = Integer.parseInt(v);
        case "idle" -> idle = Integer.parseInt(v);
        case "idle-hold" -> idleHold = Integer.parseInt(v);
        case "idle-one-node" -> idleOneNode = Boolean.parseBoolean(v);
        case "storm-clients" -> stormClients = Integer.parseInt(v);
        case "storm-rate" -> stormRate = Integer.parseInt(v);
        case "storm-channels" -> stormChannels = Integer.parseInt(v);
        case "idle-ping" -> idlePingSeconds = Integer.parseInt(v);
        case "channels" -> channels = Integer.parseInt(v);
        case "persist-connections" -> persistConnections = Integer.parseInt(v);
        case "persist-duration" -> persistDuration = Integer.parseInt(v);
        case "persist-rate" -> persistRate = Integer.parseInt(v);
        case "node-heap" -> nodeHeap = v;
        case "node-jvm" -> nodeJvm = List.of(v.split(","));
        case "jfr" -> jfr = Boolean.parseBoolean(v);
        case "node-env" -> {
          for (String kv : v.split(",")) {
            String[] p = kv.split("=", 2);
            nodeEnv.put(p[0], p[1]);
          }
        }
        case "phases" -> phases = Set.of(v.split(","));
        case "failover-rounds" -> failoverRounds = Integer.parseInt(v);
        case "upload-files" -> uploadFiles = Integer.parseInt(v);
        case "upload-mib" -> uploadMib = Integer.parseInt(v);
        case "upload-heap" -> uploadHeap = v;
        case "search-messages" -> searchMessages = Integer.parseInt(v);
        case "search-queries" -> searchQueries = Integer.parseInt(v);
        case "agui-events" -> aguiEvents = Integer.parseInt(v);
        case "agui-joins" -> aguiJoins = Integer.parseInt(v);
        case "agui-streams" -> aguiStreams = Integer.parseInt(v);
        case "agui-live-seconds" -> aguiLiveSeconds = Integer.parseInt(v);
        case "peers" -> peers = v.equals("none") ? List.of() : List.of(v.split(","));
        case "repeat" -> repeat = Integer.parseInt(v);
        default -> throw new IllegalArgumentException("unknown option --" + k);
      }
    }
  }

  private void run() throws Exception {
    System.out.printf("agentbus benchmark: subscribers=%d rate=%d/s duration=%ds payload=%dB idle=%d/node "
            + "channels=%d persist-connections=%d phases=%s%n", subscribers, rate, duration, payload, idle, channels,
        persistConnections, phases);
    if (phases.contains("failover")) {
      Failover f = new Failover(failoverRounds, results);
      try {
        f.run();
      } finally {
        f.close();
      }
    }
    if (phases.contains("storm")) {
      StormPhase st = new StormPhase(stormClients, stormRate, stormChannels, results);
      try {
        st.run();
      } finally {
        st.close();
      }
    }
    if (phases.contains("upload")) {
      new UploadPhase(uploadFiles, uploadMib, uploadHeap, results).run();
    }
    if (phases.contains("search")) {
      new SearchPhase(searchMessages, searchQueries, results).run();
    }
    if (phases.contains("agui")) {
      new AguiPhase(aguiEvents, aguiJoins, aguiStreams, aguiLiveSeconds, results).run();
    }
    if (phases.stream().noneMatch(Set.of("fanout", "idle", "persist")::contains)) {
      printSummary();
      return;
    }
    startNodes();
    vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));
    client = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxConnections(1_000_000)
        .setMaxFrameSize(1 << 20).setMaxMessageSize(1 << 22).setConnectTimeout(30_000));
    token = new JsonObject(nodes.get(0).post("/api/auth/token", "{\"userId\":\"bench\"}", null)).getString("token");
    if (phases.contains("fanout")) {
      fanoutWithPeers();
    }
    if (phases.contains("idle")) {
      new IdlePhase(this).run();
    }
    if (phases.contains("persist")) {
      persist();
    }
    printSummary();
  }

  private void printSummary() {
    System.out.println();
    System.out.println("== summary ==");
    results.forEach((k, v) -> System.out.printf("%-44s %s%n", k, v));
  }

  // ------------------------------------------------------------------ nodes

  private void startNodes() throws Exception {
    int hz = 30000 + ThreadLocalRandom.current().nextInt(1000) * 10;
    String secret = UUID.randomUUID() + "-" + UUID.randomUUID();
    Path logs = Files.createDirectories(Path.of("target", "bench"));
    for (int i = 0; i < 2; i++) {
      int port = NodeProcess.freePort();
      Map<String, String> env = new HashMap<>();
      env.put("AGENTBUS_DB_URL", "postgresql://postgres@127.0.0.1:5432/" + db);
      env.put("AGENTBUS_CLUSTER_NAME", "agentbus-bench-" + db);
      env.put("AGENTBUS_CLUSTER_PORT", String.valueOf(hz + i));
      env.put("AGENTBUS_CLUSTER_MEMBERS", "127.0.0.1:" + hz + ",127.0.0.1:" + (hz + 1));
      env.put("AGENTBUS_HTTP_PORT", String.valueOf(port));
      env.put("AGENTBUS_HTTP_HOST", "127.0.0.1");
      env.put("AGENTBUS_JWT_SECRET", secret);
      // Publishers here stand in for many users each: lift the per-connection rate limit.
      env.put("AGENTBUS_LIMITS_RATE_PER_SECOND", "1000000");
      env.put("AGENTBUS_LIMITS_RATE_BURST", "1000000");
      env.putAll(nodeEnv);
      NodeProcess n = new NodeProcess(NodeProcess.jar(), env, port, nodeHeap, nodeJvm, logs.resolve("node" + i + ".log"),
          jfr ? logs.resolve("node" + i + ".jfr").toAbsolutePath() : null);
      nodes.add(n);
      n.awaitHealthy(i + 1, 90_000);
    }
    nodes.get(0).awaitHealthy(2, 30_000);
    System.out.printf("nodes up: pid %d (http %d), pid %d (http %d); logs in target/bench/%n",
        nodes.get(0).pid(), nodes.get(0).httpPort, nodes.get(1).pid(), nodes.get(1).httpPort);
  }

  private void shutdown() {
    if (client != null) {
      client.close().await();
    }
    for (NodeProcess n : nodes) {
      n.close();
    }
    Vertx v = vertx != null ? vertx : Vertx.vertx();
    NodeProcess.dropDatabase(v, db);
    v.close().await();
  }

  private double serverCpu() {
    double s = ProcStats.postgresCpuSeconds();
    for (NodeProcess n : nodes) {
      s += ProcStats.cpuSeconds(n.pid());
    }
    return s;
  }

  private void printNodeMemory(String when) throws Exception {
    for (int i = 0; i < nodes.size(); i++) {
      NodeProcess n = nodes.get(i);
      long heap = n.heapAfterGc();
      String v = String.format("RSS %d MiB, heap after GC %.1f MiB", n.rssBytes() >> 20, heap / 1048576.0);
      System.out.printf("  node%d %s: %s%n", i, when, v);
      results.put("node" + i + " memory " + when, v);
    }
  }

  // ------------------------------------------------------------------ connections

  /** Connects with the token and answers once the server has confirmed the subscription. */
  private Future<WebSocket> connectSubscribed(int node, String channel, java.util.function.Consumer<Buffer> onData) {
    return connectSubscribed(client, node, channel, onData);
  }

  Future<WebSocket> connectSubscribed(WebSocketClient from, int node, String channel,
      java.util.function.Consumer<Buffer> onData) {
    Promise<WebSocket> ready = Promise.promise();
    io.vertx.core.http.ClientWebSocket ws = from.webSocket();
    // Handlers before connecting, so the auth_response sent right after the handshake is never missed.
    ws.handler(buf -> {
      if (!ready.future().isComplete()) {
        String s = buf.toString(StandardCharsets.UTF_8);
        if (s.contains("\"auth_response\"")) {
          ws.writeTextMessage(new JsonObject().put("type", "subscribe").put("channel", channel).encode());
        } else if (s.contains("\"subscribed\"")) {
          ready.tryComplete(ws);
        } else if (s.contains("\"error\"")) {
          ready.tryFail(s);
        }
        return;
      }
      onData.accept(buf);
    });
    ws.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(nodes.get(node).httpPort)
        .setURI("/ws?token=" + token)).onFailure(ready::tryFail);
    return ready.future();
  }

  private Future<WebSocket> connectPublisher(int node, java.util.function.Consumer<Buffer> onData) {
    Promise<WebSocket> ready = Promise.promise();
    io.vertx.core.http.ClientWebSocket ws = client.webSocket();
    ws.handler(buf -> {
      if (!ready.future().isComplete()) {
        ready.tryComplete(ws); // the auth_response
        return;
      }
      onData.accept(buf);
    });
    ws.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(nodes.get(node).httpPort)
        .setURI("/ws?token=" + token)).onFailure(ready::tryFail);
    return ready.future();
  }

  /** Runs connection attempts at most {@code parallel} at a time. */
  <T> List<T> inBatches(int count, int parallel, java.util.function.IntFunction<Future<T>> make) {
    List<T> out = new ArrayList<>(count);
    for (int start = 0; start < count; start += parallel) {
      List<Future<T>> batch = new ArrayList<>();
      for (int i = start; i < Math.min(count, start + parallel); i++) {
        batch.add(make.apply(i));
      }
      Future.all(batch).await();
      batch.forEach(f -> out.add(f.result()));
    }
    return out;
  }

  // ------------------------------------------------------------------ phase 1: fan-out

  private static final byte[] SEQ = "\"seq\":".getBytes(StandardCharsets.UTF_8);
  private static final byte[] STAMP = "\"content\":\"T".getBytes(StandardCharsets.UTF_8);

  /** Per-subscriber state; touched only on its connection's event loop. */
  private static final class SubStats {
    long last;
    long received;
    long dups;
    long outOfOrder;
  }

  private void fanout() throws Exception {
    System.out.println();
    System.out.println("== phase 1: fan-out ==");
    new JsonObject(nodes.get(0).post("/api/channels", "{\"name\":\"bench\"}", token));
    printNodeMemory("before fan-out");
    double idle0 = serverCpu();
    Thread.sleep(5000);
    double idleCpuPerSec = (serverCpu() - idle0) / 5;
    results.put("server CPU with no traffic (nodes+pg)", String.format("%.1f %% of a core", idleCpuPerSec * 100));
    LatencyHistogram latency = new LatencyHistogram();
    AtomicLong windowStart = new AtomicLong(Long.MAX_VALUE);
    AtomicLong windowEnd = new AtomicLong(Long.MAX_VALUE);
    List<SubStats> stats = new ArrayList<>();
    for (int i = 0; i < subscribers; i++) {
      stats.add(new SubStats());
    }
    long t0 = System.nanoTime();
    List<WebSocket> subs = inBatches(subscribers, 100, i -> connectSubscribed(i % 2, "bench", buf -> {
      byte[] b = buf.getBytes();
      long seq = scanLong(b, SEQ);
      if (seq < 0) {
        return;
      }
      long sent = scanLong(b, STAMP);
      SubStats st = stats.get(i);
      if (seq <= st.last) {
        st.dups++;
        return;
      }
      if (seq != st.last + 1) {
        st.outOfOrder++;
      }
      st.last = seq;
      st.received++;
      if (sent >= windowStart.get() && sent < windowEnd.get()) {
        latency.record((System.nanoTime() - sent) / 1000);
      }
    }));
    System.out.printf("  %d subscribers connected and subscribed in %.1f s%n", subs.size(), (System.nanoTime() - t0) / 1e9);

    // publishers on both nodes
    int pubCount = publishersPerNode * 2;
    AtomicLong acked = new AtomicLong();
    AtomicLong maxSeq = new AtomicLong();
    LongAdder errors = new LongAdder();
    List<WebSocket> pubs = inBatches(pubCount, pubCount, i -> connectPublisher(i % 2, buf -> {
      byte[] b = buf.getBytes();
      String head = new String(b, 0, Math.min(b.length, 16), StandardCharsets.UTF_8);
      if (head.contains("\"ack\"")) {
        acked.incrementAndGet();
        maxSeq.accumulateAndGet(scanLong(b, SEQ), Math::max);
      } else if (head.contains("\"error\"")) {
        errors.increment();
      }
    }));
    String padding = "x".repeat(Math.max(0, payload - 25));
    double perPubPerTick = rate / (double) pubCount / 100.0; // 10 ms ticks
    double[] credit = new double[pubCount];
    long[] timers = new long[pubCount];
    for (int p = 0; p < pubCount; p++) {
      int idx = p;
      WebSocket ws = pubs.get(p);
      timers[p] = vertx.setPeriodic(10, id -> {
        credit[idx] += perPubPerTick;
        while (credit[idx] >= 1) {
          credit[idx] -= 1;
          ws.writeTextMessage("{\"type\":\"chat\",\"channel\":\"bench\",\"content\":\"T" + System.nanoTime() + ";"
              + padding + "\"}");
        }
      });
    }
    Thread.sleep(warmup * 1000L);
    double cpu0 = serverCpu();
    double pg0 = ProcStats.postgresCpuSeconds();
    long deliveriesBefore = totalReceived(stats);
    windowStart.set(System.nanoTime());
    windowEnd.set(windowStart.get() + duration * 1_000_000_000L);
    long heapProbe = duration >= 120 ? duration / 2 : -1;
    for (int s = 1; s <= duration; s++) {
      Thread.sleep(1000);
      if (s % 10 == 0 || s == duration) {
        System.out.printf("  t=%ds acked=%d received=%d%n", s, acked.get(), totalReceived(stats));
      }
      if (s == heapProbe) {
        printNodeMemory("at t=" + s + "s");
      }
    }
    double cpu1 = serverCpu();
    double pg1 = ProcStats.postgresCpuSeconds();
    results.put("fanout CPU split", String.format("nodes %.1f CPU-s, postgres %.1f CPU-s", cpu1 - cpu0 - (pg1 - pg0), pg1 - pg0));
    long deliveriesInWindow = totalReceived(stats) - deliveriesBefore;
    for (long t : timers) {
      vertx.cancelTimer(t);
    }
    // let everything in flight arrive
    long until = System.currentTimeMillis() + 10_000;
    Thread.sleep(500);
    while (System.currentTimeMillis() < until && !allCaughtUp(stats, maxSeq.get())) {
      Thread.sleep(100);
    }
    long expected = acked.get();
    long lost = 0;
    long dups = 0;
    long ooo = 0;
    for (SubStats st : stats) {
      lost += Math.max(0, expected - st.received);
      dups += st.dups;
      ooo += st.outOfOrder;
    }
    double cpuPerDeliveryUs = (cpu1 - cpu0) / Math.max(1, deliveriesInWindow) * 1e6;
    fanoutCpuUs = cpuPerDeliveryUs;
    fanoutP99Ms = latency.percentileMs(0.99);
    results.put("fanout subscribers x msgs/s", subscribers + " x " + rate + " (" + duration + " s, " + payload + " B)");
    results.put("fanout deliveries/s", String.format("%.0f", deliveriesInWindow / (double) duration));
    results.put("fanout latency", latency.summary());
    results.put("fanout lost / duplicated / out of order", lost + " / " + dups + " / " + ooo
        + " (of " + expected + " msgs x " + subscribers + " subs; publish errors " + errors.sum() + ")");
    results.put("fanout server CPU per delivery (nodes+pg)", String.format("%.2f us (%.1f CPU-s over %d deliveries; "
            + "%.2f us without the no-traffic baseline)", cpuPerDeliveryUs, cpu1 - cpu0, deliveriesInWindow,
        (cpu1 - cpu0 - idleCpuPerSec * duration) / Math.max(1, deliveriesInWindow) * 1e6));
    System.out.printf("  deliveries/s %s | %s%n", results.get("fanout deliveries/s"), latency.summary());
    System.out.printf("  lost/dup/ooo %s | CPU per delivery %s%n", results.get("fanout lost / duplicated / out of order"),
        results.get("fanout server CPU per delivery (nodes+pg)"));
    printNodeMemory("after fan-out");
    for (int i = 0; i < nodes.size(); i++) {
      results.put("node" + i + " send-queue overflows", String.format("%.0f", nodes.get(i).metric("agentbus_send_queue_overflows_total")));
    }
    closeAll(subs);
    closeAll(pubs);
  }

  /**
   * agentbus's fan-out, then each peer under the same load, {@code repeat} times: every run's
   * ratios, then each figure's min / median / max over the runs.
   */
  private void fanoutWithPeers() throws Exception {
    Map<String, List<Double>> cpu = new LinkedHashMap<>();
    Map<String, List<Double>> p99 = new LinkedHashMap<>();
    for (int run = 1; run <= repeat; run++) {
      fanout();
      cpu.computeIfAbsent("agentbus", k -> new ArrayList<>()).add(fanoutCpuUs);
      p99.computeIfAbsent("agentbus", k -> new ArrayList<>()).add(fanoutP99Ms);
      if (peers.isEmpty()) {
        continue;
      }
      System.out.println();
      System.out.println("== peers, same load (run " + run + " of " + repeat + ") ==");
      PeersPhase phase = new PeersPhase(vertx, client, subscribers, rate, duration, warmup, payload, publishersPerNode * 2);
      List<PeersPhase.Figures> measured = new ArrayList<>();
      for (String peer : peers) {
        PeersPhase.Figures f = phase.measure(peer);
        measured.add(f);
        cpu.computeIfAbsent(peer, k -> new ArrayList<>()).add(f.cpuPerDeliveryUs());
        p99.computeIfAbsent(peer, k -> new ArrayList<>()).add(f.latency().percentileMs(0.99));
      }
      Map<String, String> runResults = new LinkedHashMap<>();
      PeersPhase.compare(runResults, fanoutCpuUs, fanoutP99Ms, measured);
      String suffix = repeat > 1 ? " (run " + run + ")" : "";
      runResults.forEach((k, v) -> results.put(k + suffix, v));
    }
    if (repeat > 1) {
      cpu.forEach((name, v) -> results.put("fanout " + name + " over " + repeat + " runs",
          "CPU/delivery " + minMedMax(v, "%.2f us") + "; p99 " + minMedMax(p99.get(name), "%.1f ms")));
    }
  }

  /** "min / median / max" of {@code v}. */
  private static String minMedMax(List<Double> v, String fmt) {
    List<Double> s = new ArrayList<>(v);
    s.sort(null);
    return String.format(fmt + " / " + fmt + " / " + fmt, s.get(0), s.get(s.size() / 2), s.get(s.size() - 1));
  }

  private static long totalReceived(List<SubStats> stats) {
    long n = 0;
    for (SubStats s : stats) {
      n += s.received;
    }
    return n;
  }

  private static boolean allCaughtUp(List<SubStats> stats, long maxSeq) {
    for (SubStats s : stats) {
      if (s.last < maxSeq) {
        return false;
      }
    }
    return true;
  }

  /** The number after {@code key} in {@code b}, or -1. */
  static long scanLong(byte[] b, byte[] key) {
    outer:
    for (int i = 0; i + key.length < b.length; i++) {
      for (int j = 0; j < key.length; j++) {
        if (b[i + j] != key[j]) {
          continue outer;
        }
      }
      long v = 0;
      int k = i + key.length;
      if (k >= b.length || b[k] < '0' || b[k] > '9') {
        return -1;
      }
      while (k < b.length && b[k] >= '0' && b[k] <= '9') {
        v = v * 10 + (b[k++] - '0');
      }
      return v;
    }
    return -1;
  }

  void closeAll(List<WebSocket> sockets) throws InterruptedException {
    for (WebSocket ws : sockets) {
      ws.close();
    }
    Thread.sleep(1000);
  }

  // ------------------------------------------------------------------ phase 2: idle connections

  // ------------------------------------------------------------------ phase 3: persistence

  private void persist() throws Exception {
    System.out.println();
    System.out.println("== phase 3: persistence across many channels ==");
    for (int c = 0; c < channels; c++) {
      nodes.get(c % 2).post("/api/channels", "{\"name\":\"p" + c + "\"}", token);
    }
    int k = persistConnections;
    @SuppressWarnings("unchecked")
    ArrayDeque<Long>[] inflight = new ArrayDeque[k];
    LongAdder acks = new LongAdder();
    LatencyHistogram closedLoop = new LatencyHistogram();
    LatencyHistogram openLoop = new LatencyHistogram();
    boolean[] closed = {true};
    boolean[] running = {false};
    String padding = "x".repeat(Math.max(0, payload - 25));
    List<WebSocket> conns = new ArrayList<>();
    for (int i = 0; i < k; i++) {
      inflight[i] = new ArrayDeque<>();
    }
    List<WebSocket> made = inBatches(k, 100, i -> connectPublisher(i % 2, buf -> {
      byte[] b = buf.getBytes();
      if (!new String(b, 0, Math.min(b.length, 16), StandardCharsets.UTF_8).contains("\"ack\"")) {
        return;
      }
      Long sent;
      synchronized (inflight[i]) {
        sent = inflight[i].poll();
      }
      if (sent == null) {
        return;
      }
      long us = (System.nanoTime() - sent) / 1000;
      if (running[0]) {
        acks.increment();
        (closed[0] ? closedLoop : openLoop).record(us);
      }
      if (closed[0] && running[0]) {
        sendPersist(conns.get(i), i, inflight[i], padding);
      }
    }));
    conns.addAll(made);

    // closed loop: every connection keeps one message in flight; the first `warmup` seconds are not counted
    running[0] = true;
    for (int i = 0; i < k; i++) {
      sendPersist(conns.get(i), i, inflight[i], padding);
    }
    Thread.sleep(warmup * 1000L);
    acks.reset();
    closedLoop.reset();
    double cpu0 = serverCpu();
    double pg0 = ProcStats.postgresCpuSeconds();
    long t0 = System.nanoTime();
    Thread.sleep(persistDuration * 1000L);
    long committed = acks.sum();
    double secs = (System.nanoTime() - t0) / 1e9;
    double cpu1 = serverCpu();
    double pg1 = ProcStats.postgresCpuSeconds();
    results.put("persist CPU split", String.format("nodes %.1f CPU-s, postgres %.1f CPU-s over %.1f s",
        cpu1 - cpu0 - (pg1 - pg0), pg1 - pg0, secs));
    running[0] = false;
    Thread.sleep(2000);
    String v = String.format("%.0f msgs/s (%d connections over %d channels) | ack %s | server CPU %.0f %%", committed / secs,
        k, channels, closedLoop.summary(), (cpu1 - cpu0) / secs * 100);
    System.out.println("  closed loop: " + v);
    results.put("persist committed msgs/s", v);

    // open loop at a fixed rate
    closed[0] = false;
    for (int i = 0; i < k; i++) {
      synchronized (inflight[i]) {
        inflight[i].clear();
      }
    }
    acks.reset();
    running[0] = true;
    double perTick = persistRate / 100.0;
    double[] credit = {0};
    int[] next = {0};
    double fcpu0 = serverCpu();
    double fpg0 = ProcStats.postgresCpuSeconds();
    long timer = vertx.setPeriodic(10, id -> {
      credit[0] += perTick;
      while (credit[0] >= 1) {
        credit[0] -= 1;
        int i = next[0]++ % k;
        sendPersist(conns.get(i), i, inflight[i], padding);
      }
    });
    Thread.sleep(persistDuration * 1000L);
    vertx.cancelTimer(timer);
    double fcpu = serverCpu() - fcpu0;
    double fpg = ProcStats.postgresCpuSeconds() - fpg0;
    Thread.sleep(1000);
    running[0] = false;
    double sent = persistRate * (double) persistDuration;
    // CPU per message at a fixed offered rate: steadier than at saturation, where batch sizes move
    String w = String.format("%d msgs/s offered, %.0f acked/s | ack %s | CPU per message %.1f µs (nodes %.1f, postgres %.1f)",
        persistRate, acks.sum() / (double) persistDuration, openLoop.summary(), fcpu / sent * 1e6,
        (fcpu - fpg) / sent * 1e6, fpg / sent * 1e6);
    System.out.println("  fixed rate: " + w);
    results.put("persist ack latency at fixed rate", w);
    for (int i = 0; i < nodes.size(); i++) {
      NodeProcess n = nodes.get(i);
      double batches = n.metric("agentbus_persist_batch_size_count");
      double events = n.metric("agentbus_persist_batch_size_sum");
      results.put("node" + i + " persist batches", String.format("%.0f statements, %.1f events/statement", batches,
          events / Math.max(1, batches)));
    }
    closeAll(conns);
  }

  private void sendPersist(WebSocket ws, int i, ArrayDeque<Long> inflight, String padding) {
    synchronized (inflight) {
      inflight.add(System.nanoTime());
    }
    ws.writeTextMessage("{\"type\":\"chat\",\"id\":\"x\",\"channel\":\"p" + (i % 200) + "\",\"content\":\"" + padding + "\"}");
  }

}
