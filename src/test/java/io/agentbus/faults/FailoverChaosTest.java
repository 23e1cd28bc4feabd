package io.agentbus.faults;

import io.agentbus.stream.StreamName;
import io.agentbus.support.FaultKit;
import io.agentbus.support.Http;
import io.agentbus.support.IntegrationTest;
import io.agentbus.support.NodeProcesses.NodeProc;
import io.agentbus.support.NodeProcesses;
import io.agentbus.support.TestCluster;
import io.agentbus.support.WorkflowKit;
import io.agentbus.support.WsClient;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import static io.agentbus.support.FaultKit.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A node may die (PROTOCOL guarantees 1–3, 5 and 6), proven with real processes: three node JVMs
 * started as {@code Main} starts them, real PostgreSQL, chat published steadily from two nodes, a
 * running workflow and one at its gate on the node that is then killed with SIGKILL — or frozen
 * with SIGSTOP past its lease and thawed.
 */
@IntegrationTest
class FailoverChaosTest {

  static TestCluster db;

  @BeforeAll
  static void database() {
    db = TestCluster.start(); // no nodes of its own: a database and clients
  }

  @AfterAll
  static void drop() {
    db.close();
  }

  static NodeProcesses cluster() throws Exception {
    String file = Path.of(FailoverChaosTest.class.getResource("/workflows-chaos.json").toURI()).toString();
    return new NodeProcesses(db, Map.of("AGENTBUS_ORCHESTRATOR_WORKFLOWS_FILE", file));
  }

  static List<JsonObject> storedEvents(String workflowId) {
    return db.storedEvents(StreamName.workflow(workflowId));
  }

  static String status(String workflowId) {
    return db.db().preparedQuery("SELECT status FROM workflows WHERE id = $1").execute(Tuple.of(workflowId)).await()
        .iterator().next().getString(0);
  }

  /** Waits until the workflow's row has a final status. */
  static String awaitEnd(String workflowId, long timeoutMs) throws InterruptedException {
    long deadline = System.currentTimeMillis() + timeoutMs;
    String s = status(workflowId);
    while (!Set.of("completed", "failed", "cancelled").contains(s) && System.currentTimeMillis() < deadline) {
      Thread.sleep(200);
      s = status(workflowId);
    }
    return s;
  }

  @Test
  void aKilledNodesWorkflowsFinishOnASurvivorAndNoAcknowledgedMessageIsLost() throws Exception {
    try (NodeProcesses nodes = cluster()) {
      List<NodeProc> started = nodes.startAll(3);
      NodeProc victim = started.get(0);
      NodeProc a = started.get(1);
      NodeProc b = started.get(2);
      String alice = token(nodes.http(a), "alice");
      String bob = token(nodes.http(b), "bob");
      String stream = "channel:general";

      WsClient onSurvivor = authed(a, bob, null);
      WsClient onVictim = authed(victim, alice, null);
      long from = onSurvivor.replyTo(onSurvivor.send(new JsonObject().put("type", "subscribe").put("channel", "general")))
          .getLong("seq");
      onVictim.replyTo(onVictim.send(new JsonObject().put("type", "subscribe").put("channel", "general")));
      Publisher p1 = new Publisher(authed(a, alice, null), "general");
      Publisher p2 = new Publisher(authed(b, bob, null), "general");
      p1.setName("pa");
      p2.setName("pb");
      p1.start();
      p2.start();

      // Two workflows run by the victim (started through it: its orchestrator runs what it starts).
      WsClient owner = authed(victim, alice, "chaos-" + System.nanoTime());
      String running = WorkflowKit.startWorkflow(owner, "long", "build the thing");
      String gated = WorkflowKit.startWorkflow(owner, "gated", "plan, then wait");
      owner.next(f -> "agent_started".equals(f.getString("type")) && running.equals(f.getString("workflowId"))
          && f.getInteger("position") == 2, "the slow step under way");
      String approvalId = owner.next(f -> "approval_required".equals(f.getString("type"))
          && gated.equals(f.getString("workflowId")), "the gate").getString("approvalId");
      Thread.sleep(1200); // the slow step is part-way through

      List<Long> victimSeen = seqs(onVictim.drain(100), stream);
      victim.kill9();
      long killedAt = System.currentTimeMillis();

      // Decided while no node holds the workflow: the survivor that takes it over acts on it.
      Http.Response decided = nodes.http(b).post("/api/approvals/" + approvalId, "{\"approved\":true}", alice);
      assertEquals(200, decided.status(), decided.body());

      // The victim's client reconnects to a survivor and resumes where it was.
      long lastSeen = victimSeen.isEmpty() ? from : victimSeen.get(victimSeen.size() - 1);
      WsClient resumed = authed(b, alice, null);
      JsonObject sub = resumed.replyTo(resumed.send(new JsonObject().put("type", "subscribe").put("channel", "general")
          .put("lastSeq", lastSeen)));
      assertEquals("subscribed", sub.getString("type"), sub.encode());

      assertEquals("completed", awaitEnd(running, 60_000), "the running workflow finished on a survivor");
      assertEquals("completed", awaitEnd(gated, 60_000), "the gated workflow continued after the decision");
      long tookOver = System.currentTimeMillis() - killedAt;

      p1.stop.set(true);
      p2.stop.set(true);
      p1.join(15_000);
      p2.join(15_000);
      Thread.sleep(1500); // the last acknowledged messages reach every subscriber

      // Chat: nothing acknowledged lost; every subscriber gapless, without duplicates.
      Set<Long> acked = new TreeSet<>(p1.acked.keySet());
      acked.addAll(p2.acked.keySet());
      assertTrue(acked.size() > 50, "publishing went on throughout: " + acked.size() + " acked");
      long maxAcked = acked.stream().mapToLong(Long::longValue).max().orElseThrow();
      List<Long> survivorSeqs = seqs(onSurvivor.drain(200), stream);
      assertGapless(survivorSeqs, from + 1, maxAcked, "subscriber on a survivor");
      List<Long> resumedSeqs = new ArrayList<>(victimSeen);
      resumedSeqs.addAll(seqs(resumed.drain(200), stream));
      assertGapless(resumedSeqs, from + 1, maxAcked, "subscriber that was on the killed node, resumed elsewhere");
      for (long seq : acked) {
        assertEquals(1, db.count("SELECT count(*) FROM events WHERE stream = $1 AND seq = $2", stream, seq));
      }

      // Workflows: completed steps not repeated; the interrupted step re-run as a new attempt.
      List<JsonObject> runningEvents = storedEvents(running);
      assertNoStepRepeated(running, runningEvents);
      assertTrue(runningEvents.stream().anyMatch(e -> "error".equals(e.getString("type"))
          && "node_lost".equals(e.getJsonObject("details", new JsonObject()).getString("reason"))
          && e.getBoolean("recoverable")), "the re-run is announced as node_lost");
      assertTrue(runningEvents.stream().anyMatch(e -> "agent_started".equals(e.getString("type"))
          && e.getInteger("position") == 2 && e.getInteger("attempt") == 2), "position 2 ran again as attempt 2");
      assertNoStepRepeated(gated, storedEvents(gated));
      assertTrue(tookOver < 60_000);
      for (WsClient c : List.of(onSurvivor, onVictim, owner, resumed, p1.ws, p2.ws)) {
        c.close();
      }
    }
  }

  @Test
  void aFrozenOwnerThawedAfterLosingItsLeaseWritesNothingMore() throws Exception {
    try (NodeProcesses nodes = cluster()) {
      List<NodeProc> started = nodes.startAll(2);
      NodeProc frozen = started.get(0);
      NodeProc other = started.get(1);
      String alice = token(nodes.http(other), "alice");
      WsClient owner = authed(frozen, alice, "frozen-" + System.nanoTime());
      String id = WorkflowKit.startWorkflow(owner, "long", "freeze me");
      owner.next(f -> "agent_started".equals(f.getString("type")) && f.getInteger("position") == 2, "the slow step");
      Thread.sleep(500);
      frozen.signal("STOP");
      // Past its lease (4 s) and a sweep, not past Hazelcast's 10 s: it stays a member and wakes up
      // believing it still runs the workflow.
      Thread.sleep(7_000);
      long before = db.count("SELECT count(*) FROM events WHERE stream = $1", StreamName.workflow(id));
      frozen.signal("CONT");
      assertEquals("completed", awaitEnd(id, 60_000));
      Thread.sleep(3_000); // what the thawed node's timers would have written by now
      List<JsonObject> events = storedEvents(id);
      assertNoStepRepeated(id, events);
      assertTrue(events.size() >= before);
      // It stops on waking, by its own lease deadline (before writing), or at its first fenced write.
      assertTrue(frozen.logText().contains("stopping this run") || frozen.logText().contains("another orchestrator owns it now"),
          "the thawed owner noticed and stopped:\n" + frozen.logText());
      owner.close();
    }
  }

  static WsClient authed(NodeProc n, String token, String session) {
    WsClient w = db.wsAt(n.httpPort, "token=" + token + (session == null ? "" : "&session=" + session));
    JsonObject auth = w.next("auth_response");
    assertTrue(auth.getBoolean("success"), auth.encode());
    return w;
  }

}
