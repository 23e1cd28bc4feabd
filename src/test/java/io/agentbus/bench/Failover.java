package io.agentbus.bench;

import io.vertx.core.Vertx;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Tuple;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * {@code --phases failover}: three nodes as separate JVMs; {@code rounds} times, a workflow runs on
 * one node (its slow step under way), chat is published on another, and that node is killed with
 * SIGKILL, then restarted. Measures takeover time (kill → the first event the new owner writes for
 * the workflow), client resume time (kill → a client of the dead node subscribed again on a
 * survivor with {@code lastSeq}), and acknowledged messages lost.
 */
final class Failover {

  private final int rounds;
  private final Map<String, String> results;
  private final String db = "agentbus_failover_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
  private final List<NodeProcess> nodes = new ArrayList<>();
  private final Map<Integer, Map<String, String>> envs = new HashMap<>();
  private final Vertx vertx = Vertx.vertx();
  private final WebSocketClient client = vertx.createWebSocketClient();
  private Path logs;

  Failover(int rounds, Map<String, String> results) {
    this.rounds = rounds;
    this.results = results;
  }

  void run() throws Exception {
    System.out.println();
    System.out.println("== phase: failover (" + rounds + " kills) ==");
    logs = Files.createDirectories(Path.of("target", "bench"));
    Path workflows = logs.resolve("failover-workflows.json");
    Files.writeString(workflows, "{\"defaultTemplate\":\"long\",\"defaults\":{\"timeoutSeconds\":60,\"retries\":0},"
        + "\"templates\":{\"long\":{\"steps\":[{\"role\":\"plan\"},{\"role\":\"build\"}]}},"
        + "\"agents\":{\"plan\":{\"kind\":\"scripted\",\"stepDelayMs\":100,\"tasks\":[\"a\",\"b\"]},"
        + "\"build\":{\"kind\":\"scripted\",\"stepDelayMs\":1000,\"tasks\":[\"1\",\"2\",\"3\",\"4\",\"5\",\"6\"]}}}");
    int hz = 33000 + ThreadLocalRandom.current().nextInt(500) * 10;
    String secret = UUID.randomUUID() + "-" + UUID.randomUUID();
    for (int i = 0; i < 3; i++) {
      Map<String, String> env = new HashMap<>();
      env.put("AGENTBUS_DB_URL", "postgresql://postgres@127.0.0.1:5432/" + db);
      env.put("AGENTBUS_CLUSTER_NAME", "agentbus-failover-" + db);
      env.put("AGENTBUS_CLUSTER_PORT", String.valueOf(hz + i));
      env.put("AGENTBUS_CLUSTER_MEMBERS", "127.0.0.1:" + hz + ",127.0.0.1:" + (hz + 1) + ",127.0.0.1:" + (hz + 2));
      env.put("AGENTBUS_HTTP_PORT", String.valueOf(NodeProcess.freePort()));
      env.put("AGENTBUS_HTTP_HOST", "127.0.0.1");
      env.put("AGENTBUS_JWT_SECRET", secret);
      env.put("AGENTBUS_ORCHESTRATOR_WORKFLOWS_FILE", workflows.toAbsolutePath().toString());
      envs.put(i, env);
      nodes.add(start(i));
      nodes.get(i).awaitHealthy(i + 1, 90_000);
    }
    String token = new JsonObject(nodes.get(0).post("/api/auth/token", "{\"userId\":\"bench\"}", null)).getString("token");
    LatencyHistogram takeover = new LatencyHistogram();
    LatencyHistogram resume = new LatencyHistogram();
    long lost = 0;
    long acked = 0;
    for (int r = 0; r < rounds; r++) {
      int victim = r % 3;
      int survivor = (victim + 1) % 3;
      int publisherNode = (victim + 2) % 3;
      Client owner = connect(nodes.get(victim).httpPort, token);
      Client watcher = connect(nodes.get(survivor).httpPort, token);
      Client onVictim = connect(nodes.get(victim).httpPort, token);
      Client publisher = connect(nodes.get(publisherNode).httpPort, token);
      long fromSeq = onVictim.request(new JsonObject().put("type", "subscribe").put("channel", "general")).getLong("seq");
      Set<Long> ackedSeqs = ConcurrentHashMap.newKeySet();
      Thread pub = publishing(publisher, ackedSeqs);

      JsonObject ack = owner.request(new JsonObject().put("type", "user_input").put("content", "round " + r));
      String wf = ack.getString("workflowId");
      JsonObject sub = watcher.request(new JsonObject().put("type", "subscribe").put("workflowId", wf));
      long seenSeq = sub.getLong("seq");
      watcher.await(f -> "agent_started".equals(f.getString("type")) && f.getInteger("position", 0) == 2, 30_000);
      Thread.sleep(1500);
      long lastOnVictim = onVictim.lastSeq("channel:general", fromSeq);

      long killed = System.nanoTime();
      nodes.get(victim).kill9();
      // The victim's client notices the close and resumes on a survivor.
      Client back = connect(nodes.get(survivor).httpPort, token);
      back.request(new JsonObject().put("type", "subscribe").put("channel", "general").put("lastSeq", lastOnVictim));
      long resumedUs = (System.nanoTime() - killed) / 1000;
      resume.record(resumedUs);
      // The first event the new owner writes for the workflow (its node_lost error).
      watcher.await(f -> wf.equals(f.getString("workflowId")) && f.getLong("seq", 0L) > seenSeq
          && "error".equals(f.getString("type")), 60_000);
      long takeoverUs = (System.nanoTime() - killed) / 1000;
      takeover.record(takeoverUs);
      watcher.await(f -> "workflow_completed".equals(f.getString("type")), 60_000);

      pub.interrupt();
      pub.join(10_000);
      acked += ackedSeqs.size();
      lost += missing(ackedSeqs);
      for (Client c : List.of(owner, watcher, onVictim, publisher, back)) {
        c.ws.close();
      }
      nodes.set(victim, start(victim));
      for (NodeProcess n : nodes) {
        n.awaitHealthy(3, 90_000);
      }
      System.out.printf("  round %d: node%d killed; takeover %.2f s, client resumed %.2f s%n", r + 1, victim,
          takeoverUs / 1e6, resumedUs / 1e6);
    }
    results.put("failover takeover (kill → new owner's first event)", String.format("p50 %.2f s  max %.2f s over %d kills",
        takeover.percentileMs(0.5) / 1000, takeover.maxMs() / 1000, rounds));
    results.put("failover client resume (kill → resubscribed)", String.format("p50 %.2f s  max %.2f s",
        resume.percentileMs(0.5) / 1000, resume.maxMs() / 1000));
    results.put("failover acknowledged lost", lost + " of " + acked + " acknowledged messages");
  }

  private NodeProcess start(int i) throws Exception {
    Map<String, String> env = envs.get(i);
    return new NodeProcess(NodeProcess.jar(), env, Integer.parseInt(env.get("AGENTBUS_HTTP_PORT")), "256m",
        List.of(), logs.resolve("failover-node" + i + ".log"), null);
  }

  private Thread publishing(Client publisher, Set<Long> acked) {
    Thread t = new Thread(() -> {
      int n = 0;
      while (!Thread.currentThread().isInterrupted()) {
        try {
          JsonObject a = publisher.request(new JsonObject().put("type", "chat").put("channel", "general")
              .put("content", "m" + n++));
          if ("ack".equals(a.getString("type"))) {
            acked.add(a.getLong("seq"));
          }
          Thread.sleep(50);
        } catch (InterruptedException e) {
          return;
        } catch (RuntimeException e) {
          // answered with an error or not at all: not acknowledged, so not counted
        }
      }
    }, "failover-publisher");
    t.setDaemon(true);
    t.start();
    return t;
  }

  /** Acknowledged seqs of channel:general not stored. */
  private long missing(Set<Long> acked) {
    Pool pool = PgBuilder.pool().connectingTo(PgConnectOptions.fromUri("postgresql://postgres@127.0.0.1:5432/" + db))
        .with(new PoolOptions().setMaxSize(1)).using(vertx).build();
    try {
      long n = 0;
      for (long seq : acked) {
        n += pool.preparedQuery("SELECT count(*) FROM events WHERE stream = 'channel:general' AND seq = $1")
            .execute(Tuple.of(seq)).await().iterator().next().getLong(0) == 1 ? 0 : 1;
      }
      return n;
    } finally {
      pool.close().await();
    }
  }

  void close() {
    for (NodeProcess n : nodes) {
      n.close();
    }
    NodeProcess.dropDatabase(vertx, db);
    vertx.close().await();
  }

  /** A blocking /ws client for the phase's few connections. */
  private final class Client {
    final ClientWebSocket ws;
    final LinkedBlockingQueue<JsonObject> frames = new LinkedBlockingQueue<>();
    int nextId;

    Client(ClientWebSocket ws) {
      this.ws = ws;
    }

    JsonObject request(JsonObject frame) {
      String id = "r" + nextId++;
      ws.writeTextMessage(frame.put("id", id).encode());
      return await(f -> id.equals(f.getString("replyTo")), 15_000);
    }

    JsonObject await(Predicate<JsonObject> p, long timeoutMs) {
      long deadline = System.currentTimeMillis() + timeoutMs;
      List<JsonObject> skipped = new ArrayList<>();
      try {
        while (System.currentTimeMillis() < deadline) {
          JsonObject f = frames.poll(deadline - System.currentTimeMillis(), TimeUnit.MILLISECONDS);
          if (f != null && p.test(f)) {
            frames.addAll(skipped);
            return f;
          }
          if (f != null) {
            skipped.add(f);
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      throw new IllegalStateException("no matching frame in " + timeoutMs + " ms");
    }

    /** The highest seq of {@code stream} received so far (at least {@code from}). */
    long lastSeq(String stream, long from) {
      long last = from;
      for (JsonObject f : frames) {
        if (stream.equals(f.getString("stream")) && f.getLong("seq") != null) {
          last = Math.max(last, f.getLong("seq"));
        }
      }
      return last;
    }
  }

  private Client connect(int port, String token) {
    ClientWebSocket ws = client.webSocket();
    Client c = new Client(ws);
    ws.textMessageHandler(t -> c.frames.add(new JsonObject(t)));
    ws.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI("/ws?token=" + token)).await();
    c.await(f -> "auth_response".equals(f.getString("type")), 15_000);
    return c;
  }

}
