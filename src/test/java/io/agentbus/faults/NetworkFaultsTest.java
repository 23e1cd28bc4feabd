package io.agentbus.faults;

import io.agentbus.stream.StreamName;
import io.agentbus.support.FaultKit;
import io.agentbus.support.Http;
import io.agentbus.support.IntegrationTest;
import io.agentbus.support.Netns;
import io.agentbus.support.NodeProcesses.NodeProc;
import io.agentbus.support.NodeProcesses;
import io.agentbus.support.PgGate;
import io.agentbus.support.TestCluster;
import io.agentbus.support.WorkflowKit;
import io.agentbus.support.WsClient;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The fault suite (PROTOCOL §10, §13; guarantees 1–6) with real node processes, each in a network
 * namespace of its own on one bridge ({@link Netns}), PostgreSQL reachable from all through the
 * test host ({@link PgGate}): a partition {A}|{B,C} of 30 s with chat and workflows on both sides,
 * a PostgreSQL outage of 2.5 leases with running and gated workflows, and three nodes started
 * together on a database that does not exist yet.
 *
 * <p>Needs root for the namespaces: skipped with the reason elsewhere, failed in CI (CI=true).
 */
@IntegrationTest
@org.junit.jupiter.api.Timeout(value = 6, unit = java.util.concurrent.TimeUnit.MINUTES)
class NetworkFaultsTest {

  /** The nodes' workflow lease (the default), and how long the outage lasts: 2.5 leases. */
  private static final long LEASE_MS = 4_000;
  private static final long OUTAGE_MS = 10_000;
  private static final long CUT_MS = 30_000;
  /** The longest a committed event may take to reach a subscriber during the cut. */
  private static final long MAX_DELAY_MS = 5_000;

  static TestCluster db;
  static Netns lab;
  static PgGate gate;

  @BeforeAll
  static void hosts() {
    String why = Netns.unavailable();
    if (why != null) {
      if ("true".equals(System.getenv("CI"))) {
        fail("the fault suite must run in CI: " + why);
      }
      Assumptions.abort("skipped: " + why);
    }
    db = TestCluster.start(); // the database, its pool and the clients; the nodes are processes
    lab = Netns.create(3);
    gate = PgGate.open(db.clientVertx(), lab.testHost());
  }

  @AfterAll
  static void teardown() {
    if (gate != null) {
      gate.close();
    }
    if (lab != null) {
      lab.close();
    }
    if (db != null) {
      db.close();
    }
  }

  static NodeProcesses cluster(String database) throws Exception {
    String file = Path.of(NetworkFaultsTest.class.getResource("/workflows-faults.json").toURI()).toString();
    return new NodeProcesses(db, Map.of("AGENTBUS_ORCHESTRATOR_WORKFLOWS_FILE", file,
        "AGENTBUS_CLUSTER_EXPECTED_MEMBERS", "3"), lab, gate, database);
  }

  /** Three nodes, the first alone (it creates the schema), then the others. */
  static List<NodeProc> startThree(NodeProcesses nodes) throws Exception {
    List<NodeProc> started = new ArrayList<>();
    started.add(nodes.start(0));
    NodeProcesses.awaitUp(started.get(0), 1, 90_000);
    started.add(nodes.start(1));
    started.add(nodes.start(2));
    for (NodeProc n : started) {
      NodeProcesses.awaitUp(n, 3, 90_000);
    }
    return started;
  }

  static WsClient authed(NodeProc n, String token, String session) {
    WsClient w = db.wsAt(n.host, n.httpPort, "token=" + token + (session == null ? "" : "&session=" + session));
    JsonObject auth = w.next("auth_response");
    assertTrue(auth.getBoolean("success"), auth.encode());
    return w;
  }

  /** Publishes to a channel until stopped, one at a time; remembers when each acknowledged message was sent. */
  static final class Publisher extends Thread {
    final WsClient ws;
    final AtomicBoolean stop = new AtomicBoolean();
    final Map<Long, String> acked = new ConcurrentHashMap<>();
    final Map<String, Long> sentAt = new ConcurrentHashMap<>();

    Publisher(String name, WsClient ws) {
      super(name);
      this.ws = ws;
      setDaemon(true);
    }

    @Override
    public void run() {
      for (int n = 0; !stop.get(); n++) {
        String content = getName() + "-" + n;
        try {
          sentAt.put(content, System.currentTimeMillis());
          JsonObject r = ws.replyTo(ws.send(new JsonObject().put("type", "chat").put("channel", "general")
              .put("content", content)));
          if ("ack".equals(r.getString("type"))) {
            acked.put(r.getLong("seq"), content);
          }
          Thread.sleep(50);
        } catch (Throwable e) {
          // refused or timed out: not acknowledged, so nothing is promised about it
        }
      }
    }
  }

  /** A subscriber that times every message from its send to its arrival. */
  static final class Subscriber {
    final WsClient ws;
    final List<Long> seqs = java.util.Collections.synchronizedList(new ArrayList<>());
    final Map<String, Long> arrivedAt = new ConcurrentHashMap<>();
    final long from;

    Subscriber(WsClient ws) {
      this.ws = ws;
      ws.onArrival(f -> {
        if ("message".equals(f.getString("type")) && "channel:general".equals(f.getString("stream"))) {
          seqs.add(f.getLong("seq"));
          arrivedAt.put(f.getString("content"), System.currentTimeMillis());
        }
      });
      from = ws.replyTo(ws.send(new JsonObject().put("type", "subscribe").put("channel", "general"))).getLong("seq");
    }
  }

  static String status(String id) {
    return db.db().preparedQuery("SELECT status FROM workflows WHERE id = $1").execute(Tuple.of(id)).await()
        .iterator().next().getString(0);
  }

  static void awaitEnds(List<String> ids, long timeoutMs) throws InterruptedException {
    long deadline = System.currentTimeMillis() + timeoutMs;
    for (String id : ids) {
      while (!Set.of("completed", "failed", "cancelled").contains(status(id)) && System.currentTimeMillis() < deadline) {
        Thread.sleep(250);
      }
      assertEquals("completed", status(id), "workflow " + id + " ended as completed");
    }
  }

  static String approvalOf(WsClient owner, String workflowId) {
    return owner.next(f -> "approval_required".equals(f.getString("type")) && workflowId.equals(f.getString("workflowId")),
        "the gate of " + workflowId).getString("approvalId");
  }

  /** Each agent step completed once, one terminal event, the workflow and session copies alike. */
  static void assertRanOnce(String id) {
    List<JsonObject> events = db.storedEvents(StreamName.workflow(id));
    FaultKit.assertNoStepRepeated(id, events);
    String session = events.get(0).getString("sessionId");
    long inSession = db.storedEvents(StreamName.session(session)).stream().filter(e -> id.equals(e.getString("workflowId")))
        .count();
    assertEquals(events.size(), inSession, id + ": the workflow and session streams hold the same events");
  }

  static void assertChatWhole(List<Publisher> publishers, List<Subscriber> subscribers) throws InterruptedException {
    Set<Long> acked = new TreeSet<>();
    publishers.forEach(p -> acked.addAll(p.acked.keySet()));
    assertTrue(acked.size() > 100, "publishing went on throughout: " + acked.size() + " acknowledged");
    long maxAcked = acked.stream().mapToLong(Long::longValue).max().orElseThrow();
    // The last ones may still be on their way (a lost tail is read back by the next resync).
    long deadline = System.currentTimeMillis() + 10_000;
    for (Subscriber s : subscribers) {
      while (!s.seqs.contains(maxAcked) && System.currentTimeMillis() < deadline) {
        Thread.sleep(100);
      }
    }
    for (Subscriber s : subscribers) {
      FaultKit.assertGapless(new ArrayList<>(s.seqs), s.from + 1, maxAcked, "a subscriber");
    }
    for (long seq : acked) {
      assertEquals(1, db.count("SELECT count(*) FROM events WHERE stream = 'channel:general' AND seq = $1", seq),
          "acknowledged seq " + seq + " is stored once");
    }
  }

  /** The longest send-to-arrival of the messages sent between {@code fromMs} and {@code toMs}, over every subscriber. */
  static long maxDelay(List<Publisher> publishers, List<Subscriber> subscribers, long fromMs, long toMs) {
    long max = 0;
    for (Publisher p : publishers) {
      for (String content : p.acked.values()) {
        long sent = p.sentAt.get(content);
        if (sent < fromMs || sent > toMs) {
          continue;
        }
        for (Subscriber s : subscribers) {
          Long at = s.arrivedAt.get(content);
          max = Math.max(max, at == null ? Long.MAX_VALUE : at - sent);
        }
      }
    }
    return max;
  }

  /**
   * What each fault test starts with: three nodes; a subscriber on each; publishers on A and B; on
   * A and on B a workflow that runs through the fault and one waiting at its gate.
   */
  record Scene(List<NodeProc> nodes, String alice, String bob, List<Subscriber> subs, List<Publisher> pubs,
               String runA, String runB, String gateA, String gateB, String approvalA, String approvalB) {

    static Scene start(NodeProcesses nodes, String label) throws Exception {
      List<NodeProc> n = startThree(nodes);
      NodeProc a = n.get(0);
      NodeProc b = n.get(1);
      String alice = FaultKit.token(nodes.http(b), "alice");
      String bob = FaultKit.token(nodes.http(b), "bob");
      String carol = FaultKit.token(nodes.http(b), "carol");
      List<Subscriber> subs = List.of(new Subscriber(authed(a, carol, null)), new Subscriber(authed(b, carol, null)),
          new Subscriber(authed(n.get(2), carol, null)));
      List<Publisher> pubs = List.of(new Publisher(label + "a", authed(a, alice, null)),
          new Publisher(label + "b", authed(b, bob, null)));
      pubs.forEach(Thread::start);
      WsClient ownerA = authed(a, alice, label + "-a-" + UUID.randomUUID());
      WsClient ownerB = authed(b, bob, label + "-b-" + UUID.randomUUID());
      String runA = WorkflowKit.startWorkflow(ownerA, "long", "run through the " + label + " on A");
      String runB = WorkflowKit.startWorkflow(ownerB, "long", "run through the " + label + " on B");
      String gateA = WorkflowKit.startWorkflow(ownerA, "gated", "decided during the " + label + " on A");
      String gateB = WorkflowKit.startWorkflow(ownerB, "gated", "decided during the " + label + " on B");
      String approvalA = approvalOf(ownerA, gateA);
      String approvalB = approvalOf(ownerB, gateB);
      Thread.sleep(1_000);
      return new Scene(n, alice, bob, subs, pubs, runA, runB, gateA, gateB, approvalA, approvalB);
    }

    List<String> workflows() {
      return List.of(runA, runB, gateA, gateB);
    }

    /** Publishing stops; the chat record is checked. */
    void stopAndCheckChat() throws InterruptedException {
      pubs.forEach(p -> p.stop.set(true));
      for (Publisher p : pubs) {
        p.join(15_000);
      }
      assertChatWhole(pubs, subs);
    }
  }

  @Test
  void aPartitionLosesNothingDelaysLittleRunsEachStepOnceAndHealsWithin30Seconds() throws Exception {
    try (NodeProcesses nodes = cluster(db.dbName)) {
      Scene scene = Scene.start(nodes, "cut");
      List<NodeProc> n = scene.nodes();
      long cutAt = System.currentTimeMillis();
      lab.partition(List.of(0), List.of(1, 2));
      try {
        cutAndDecide(nodes, n, scene.alice(), scene.bob(), scene.approvalA(), scene.approvalB());
      } finally {
        lab.heal();
      }
      long healedAt = System.currentTimeMillis();

      for (NodeProc p : n) {
        NodeProcesses.awaitUp(p, 3, 30_000);
      }
      long wholeAfterMs = System.currentTimeMillis() - healedAt;

      awaitEnds(scene.workflows(), 90_000);
      scene.stopAndCheckChat();
      long delayDuringCut = maxDelay(scene.pubs(), scene.subs(), cutAt, healedAt);
      assertTrue(delayDuringCut <= MAX_DELAY_MS, "during the cut every message reached every subscriber within "
          + MAX_DELAY_MS + " ms; the slowest took " + delayDuringCut + " ms");
      for (String id : scene.workflows()) {
        assertRanOnce(id);
        // PostgreSQL arbitrated: every owner kept renewing, so no workflow changed hands.
        assertTrue(db.storedEvents(StreamName.workflow(id)).stream().noneMatch(e -> "error".equals(e.getString("type"))),
            id + " was never taken over");
      }
      assertTrue(wholeAfterMs <= 30_000, "the cluster was whole " + wholeAfterMs + " ms after the heal");
      System.out.printf("[faults] partition: slowest delivery during the cut %d ms; whole %d ms after the heal%n",
          delayDuringCut, wholeAfterMs);
    }
  }

  /** The 30 s of the cut: each gate decided from the other side; readiness as each side sees itself. */
  private static void cutAndDecide(NodeProcesses nodes, List<NodeProc> n, String alice, String bob, String approvalA,
      String approvalB) throws InterruptedException {
    NodeProc a = n.get(0);
    NodeProc b = n.get(1);
    Thread.sleep(3_000);
    // Each gate decided through a node of the other side: its run must read the decision itself.
    Http.Response decidedA = nodes.http(b).post("/api/approvals/" + approvalA, "{\"approved\":true}", alice);
    assertEquals(200, decidedA.status(), decidedA.body());
    Http.Response decidedB = nodes.http(a).post("/api/approvals/" + approvalB, "{\"approved\":true}", bob);
    assertEquals(200, decidedB.status(), decidedB.body());
    Thread.sleep(CUT_MS - 3_000 - 8_000);
    // Past the heartbeat limit A sees itself alone: not ready; B sees a majority: degraded, ready.
    Http.Response healthA = nodes.http(a).get("/health", null);
    Http.Response healthB = nodes.http(b).get("/health", null);
    assertEquals(503, healthA.status(), healthA.body());
    assertEquals(200, healthB.status(), healthB.body());
    assertEquals("DEGRADED", healthB.json().getJsonObject("checks").getJsonObject("cluster").getString("status"));
    Thread.sleep(8_000);
  }

  @Test
  void aDatabaseOutageOfTwoAndAHalfLeasesRunsEachStepOnceAndDecidedGatesContinue() throws Exception {
    try (NodeProcesses nodes = cluster(db.dbName)) {
      Scene scene = Scene.start(nodes, "outage");
      NodeProc a = scene.nodes().get(0);
      NodeProc b = scene.nodes().get(1);
      // The decision is stored; its delivery to the waiting run meets the outage.
      Http.Response decided = nodes.http(b).post("/api/approvals/" + scene.approvalA(), "{\"approved\":true}", scene.alice());
      assertEquals(200, decided.status(), decided.body());
      gate.cut();
      Thread.sleep(OUTAGE_MS);
      gate.restore();
      long back = System.currentTimeMillis();
      Http.Response decidedLate = null;
      while (System.currentTimeMillis() - back < 20_000) {
        decidedLate = nodes.http(a).post("/api/approvals/" + scene.approvalB(), "{\"approved\":true}", scene.bob());
        if (decidedLate.status() != 503) {
          break;
        }
        Thread.sleep(500);
      }
      assertEquals(200, decidedLate.status(), decidedLate.body());

      awaitEnds(scene.workflows(), 120_000);
      scene.stopAndCheckChat();
      for (String id : scene.workflows()) {
        assertRanOnce(id);
      }
      assertTrue(OUTAGE_MS >= 2 * LEASE_MS);
    }
  }

  @Test
  void threeNodesStartedTogetherOnADatabaseThatDoesNotExistAllComeUp() throws Exception {
    for (int round = 0; round < 2; round++) {
      String fresh = "agentbus_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
      try (NodeProcesses nodes = cluster(fresh)) {
        List<NodeProc> n = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
          n.add(nodes.start(i));
        }
        for (NodeProc p : n) {
          NodeProcesses.awaitUp(p, 3, 120_000);
        }
      } finally {
        io.vertx.sqlclient.Pool admin = io.vertx.pgclient.PgBuilder.pool().connectingTo(TestCluster.PG + "postgres")
            .using(db.clientVertx()).build();
        try {
          admin.query("DROP DATABASE IF EXISTS " + fresh + " WITH (FORCE)").execute().await();
        } finally {
          admin.close().await();
        }
      }
    }
  }
}
