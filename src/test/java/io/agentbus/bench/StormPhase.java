package io.agentbus.bench;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
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
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * {@code --phases storm}: a rolling restart under load. {@code clients} subscribers of one channel
 * over two nodes, a publisher at {@code rate} msgs/s on the node that stays; node 1 is stopped with
 * SIGTERM (its sockets close with 1012), restarted, then node 0 the same way — so the clients of
 * each move to the other node and back. A client does what the JS client does: on 1012 it
 * reconnects 100–200 ms later to the other node and subscribes with {@code lastSeq}; on a refused
 * upgrade, a failed connect or 1013 it backs off (full jitter, 250 ms floor). Reported: resumes/s on
 * the receiving node, time from close to {@code subscribed} (p50/p99/max), refused upgrades and
 * 1013s, and every client's stream checked — nothing lost, duplicated or out of order.
 */
final class StormPhase {

  private final int clients;
  private final int rate;
  /** Channels the clients are spread over (a storm is many users of many channels, not one room). */
  private final int channels;
  private final Map<String, String> results;
  private final String db = "agentbus_storm_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
  private final List<NodeProcess> nodes = new ArrayList<>();
  private final Map<Integer, Map<String, String>> envs = new HashMap<>();
  private final Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));
  private final WebSocketClient client = vertx.createWebSocketClient(new WebSocketClientOptions()
      .setMaxConnections(1_000_000).setConnectTimeout(30_000));
  private final LatencyHistogram resume = new LatencyHistogram();
  /** Of a resume: the WebSocket upgrade alone, and auth_response -> subscribed. */
  private final LatencyHistogram upgrade = new LatencyHistogram();
  private final LatencyHistogram subscribe = new LatencyHistogram();
  private final LongAdder refused = new LongAdder();
  private final LongAdder shed = new LongAdder();
  private final LongAdder resumed = new LongAdder();
  private final AtomicLong firstClose = new AtomicLong(Long.MAX_VALUE);
  private final AtomicLong lastResume = new AtomicLong();
  private Path logs;
  private String token;
  /** The node clients go to when theirs closes with 1012 (the one not restarting). */
  private volatile int haven;

  StormPhase(int clients, int rate, int channels, Map<String, String> results) {
    this.clients = clients;
    this.rate = rate;
    this.channels = channels;
    this.results = results;
  }

  /** One subscriber; touched only on its event loop. */
  private final class Sub {
    final int index;
    volatile int node;
    volatile long last = -1;
    long first = -1;
    volatile long received;
    long dups;
    long gaps;
    volatile long closedAt;
    long authAt;
    int attempts;
    ClientWebSocket ws;

    Sub(int index, int node) {
      this.index = index;
      this.node = node;
    }

    void connect() {
      ClientWebSocket w = client.webSocket();
      ws = w;
      w.handler(buf -> onFrame(buf.toString(StandardCharsets.UTF_8)));
      w.closeHandler(v -> onClose(w.closeStatusCode() == null ? -1 : w.closeStatusCode()));
      long t0 = System.nanoTime();
      w.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(nodes.get(node).httpPort)
          .setURI("/ws?token=" + token)).onSuccess(x -> {
            if (closedAt > 0) {
              upgrade.record((System.nanoTime() - t0) / 1000);
            }
          }).onFailure(e -> {
            refused.increment();
            retryLater();
          });
    }

    void onFrame(String s) {
      if (s.startsWith("{\"stream\"")) {
        long seq = Benchmark.scanLong(s.getBytes(StandardCharsets.UTF_8), "\"seq\":".getBytes(StandardCharsets.UTF_8));
        if (seq <= last) {
          dups++;
          return;
        }
        if (seq != last + 1) {
          gaps++;
        }
        last = seq;
        received++;
        return;
      }
      if (s.contains("\"auth_response\"")) {
        authAt = System.nanoTime();
        JsonObject sub = new JsonObject().put("type", "subscribe").put("channel", "storm" + (index % channels));
        if (last >= 0) {
          sub.put("lastSeq", last);
        }
        ws.writeTextMessage(sub.encode());
      } else if (s.contains("\"subscribed\"")) {
        if (last < 0) {
          last = new JsonObject(s).getLong("seq");
          first = last;
        } else if (closedAt > 0) {
          long now = System.nanoTime();
          resume.record((now - closedAt) / 1000);
          subscribe.record((now - authAt) / 1000);
          resumed.increment();
          lastResume.accumulateAndGet(now, Math::max);
          closedAt = 0;
        }
        attempts = 0;
      }
    }

    void onClose(int code) {
      if (closedAt == 0) {
        closedAt = System.nanoTime();
        firstClose.accumulateAndGet(closedAt, Math::min);
      }
      if (code == 1013) {
        shed.increment();
      }
      if (code == 1012) {
        node = haven;
        vertx.setTimer(100 + ThreadLocalRandom.current().nextInt(100), t -> connect());
      } else {
        retryLater();
      }
    }

    void retryLater() {
      node = haven;
      long ceiling = Math.min(30_000, 500L << Math.min(attempts++, 10));
      vertx.setTimer(Math.max(250, ThreadLocalRandom.current().nextLong(ceiling + 1)), t -> connect());
    }
  }

  void run() throws Exception {
    System.out.println();
    System.out.println("== phase: reconnect storm (" + clients + " clients, rolling restart) ==");
    logs = Files.createDirectories(Path.of("target", "bench"));
    int hz = 34000 + ThreadLocalRandom.current().nextInt(500) * 10;
    String secret = UUID.randomUUID() + "-" + UUID.randomUUID();
    for (int i = 0; i < 2; i++) {
      Map<String, String> env = new HashMap<>();
      env.put("AGENTBUS_DB_URL", "postgresql://postgres@127.0.0.1:5432/" + db);
      env.put("AGENTBUS_CLUSTER_NAME", "agentbus-storm-" + db);
      env.put("AGENTBUS_CLUSTER_PORT", String.valueOf(hz + i));
      env.put("AGENTBUS_CLUSTER_MEMBERS", "127.0.0.1:" + hz + ",127.0.0.1:" + (hz + 1));
      env.put("AGENTBUS_HTTP_PORT", String.valueOf(NodeProcess.freePort()));
      env.put("AGENTBUS_HTTP_HOST", "127.0.0.1");
      env.put("AGENTBUS_JWT_SECRET", secret);
      env.put("AGENTBUS_LIMITS_RATE_PER_SECOND", "1000000");
      env.put("AGENTBUS_LIMITS_RATE_BURST", "1000000");
      envs.put(i, env);
      nodes.add(start(i));
      nodes.get(i).awaitHealthy(i + 1, 90_000);
    }
    token = new JsonObject(nodes.get(0).post("/api/auth/token", "{\"userId\":\"bench\"}", null)).getString("token");
    for (int c = 0; c < channels; c++) {
      nodes.get(c % 2).post("/api/channels", "{\"name\":\"storm" + c + "\"}", token);
    }
    List<Sub> subs = new ArrayList<>();
    for (int i = 0; i < clients; i++) {
      subs.add(new Sub(i, i % 2));
    }
    long t0 = System.nanoTime();
    for (int start = 0; start < clients; start += 200) {
      for (int i = start; i < Math.min(clients, start + 200); i++) {
        Sub s = subs.get(i);
        vertx.runOnContext(v -> s.connect());
      }
      Thread.sleep(40);
    }
    awaitAll(subs, s -> s.last >= 0, 120_000, "subscribed");
    System.out.printf("  %d clients subscribed in %.1f s%n", clients, (System.nanoTime() - t0) / 1e9);

    long[] published = {0};
    for (int victim : new int[] {1, 0}) {
      haven = 1 - victim;
      WebSocket pub = publisher(haven);
      long timer = vertx.setPeriodic(10, id -> {
        for (int k = 0; k < Math.max(1, rate / 100); k++) {
          long n = published[0]++;
          pub.writeTextMessage("{\"type\":\"chat\",\"channel\":\"storm" + (n % channels) + "\",\"content\":\"s" + n + "\"}");
        }
      });
      Thread.sleep(2000);
      resume.reset();
      upgrade.reset();
      subscribe.reset();
      resumed.reset();
      firstClose.set(Long.MAX_VALUE);
      lastResume.set(0);
      long moving = subs.stream().filter(s -> s.node == victim).count();
      double cpu0 = ProcStats.cpuSeconds(nodes.get(haven).pid());
      long heapBefore = nodes.get(haven).heapAfterGc();
      nodes.get(victim).terminate();
      awaitAll(subs, s -> s.node == haven && s.closedAt == 0, 120_000, "resumed on node" + haven);
      double secs = (lastResume.get() - firstClose.get()) / 1e9;
      double cpu = ProcStats.cpuSeconds(nodes.get(haven).pid()) - cpu0;
      String v = String.format("%d clients moved from node%d in %.2f s: %.0f resumes/s; close -> subscribed %s; "
              + "node%d CPU %.1f s, heap after GC %.0f -> %.0f MiB, RSS %d MiB", resumed.sum(), victim, secs,
          resumed.sum() / Math.max(secs, 1e-3), resume.summary(), haven, cpu, heapBefore / 1048576.0,
          nodes.get(haven).heapAfterGc() / 1048576.0, nodes.get(haven).rssBytes() >> 20);
      v += "; of which the upgrade " + upgrade.summary() + ", auth_response -> subscribed " + subscribe.summary();
      System.out.println("  " + v);
      results.put("storm node" + victim + " restarted (" + moving + " clients)", v);
      vertx.cancelTimer(timer);
      pub.close();
      nodes.set(victim, start(victim));
      nodes.get(victim).awaitHealthy(2, 90_000);
    }
    Thread.sleep(2000);
    long[] max = new long[channels];
    for (Sub s : subs) {
      max[s.index % channels] = Math.max(max[s.index % channels], s.last);
    }
    awaitAll(subs, s -> s.last >= max[s.index % channels], 30_000, "caught up");
    long lost = 0;
    long dups = 0;
    long gaps = 0;
    for (Sub s : subs) {
      lost += Math.max(0, (max[s.index % channels] - s.first) - s.received);
      dups += s.dups;
      gaps += s.gaps;
    }
    results.put("storm lost / duplicated / out of order", String.format("%d / %d / %d (%d msgs published at %d/s over %d "
        + "channels; every client checked to its channel's last seq)", lost, dups, gaps, published[0], rate, channels));
    results.put("storm refused upgrades / shed with 1013", refused.sum() + " / " + shed.sum());
    for (Sub s : subs) {
      vertx.runOnContext(v -> s.ws.close());
    }
  }

  private WebSocket publisher(int node) {
    return client.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(nodes.get(node).httpPort)
        .setURI("/ws?token=" + token)).await();
  }

  private void awaitAll(List<Sub> subs, java.util.function.Predicate<Sub> p, long timeoutMs, String what)
      throws InterruptedException {
    long until = System.currentTimeMillis() + timeoutMs;
    while (System.currentTimeMillis() < until) {
      if (subs.stream().allMatch(p)) {
        return;
      }
      Thread.sleep(50);
    }
    long missing = subs.stream().filter(p.negate()).count();
    throw new IllegalStateException(missing + " clients not " + what + " after " + timeoutMs + " ms");
  }

  private NodeProcess start(int i) throws Exception {
    Map<String, String> env = envs.get(i);
    return new NodeProcess(NodeProcess.jar(), env, Integer.parseInt(env.get("AGENTBUS_HTTP_PORT")), "1g", List.of(),
        logs.resolve("storm-node" + i + ".log"), null);
  }

  void close() {
    for (NodeProcess n : nodes) {
      n.close();
    }
    NodeProcess.dropDatabase(vertx, db);
    vertx.close().await();
  }
}
