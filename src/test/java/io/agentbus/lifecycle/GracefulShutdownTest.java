package io.agentbus.lifecycle;

import io.agentbus.support.IntegrationTest;
import io.agentbus.support.NodeProcesses;
import io.agentbus.support.NodeProcesses.NodeProc;
import io.agentbus.support.TestCluster;
import io.agentbus.support.WsClient;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SIGTERM to a node process (PROTOCOL §10): its clients are closed with 1012, nothing it
 * acknowledged is lost, its workflow continues on the other node at once, it exits within
 * {@code shutdownSeconds}; and a second node on a taken port refuses to start, naming the port.
 */
@IntegrationTest
class GracefulShutdownTest {

  static TestCluster db;

  @BeforeAll
  static void database() {
    db = TestCluster.start();
  }

  @AfterAll
  static void drop() {
    db.close();
  }

  static WsClient authed(NodeProc n, String token, String session) {
    return db.wsAuthedAt(n.httpPort, token, session);
  }

  @Test
  void sigtermClosesClientsWith1012KeepsEveryAckAndHandsTheWorkflowOver() throws Exception {
    String file = Path.of(GracefulShutdownTest.class.getResource("/workflows-chaos.json").toURI()).toString();
    try (NodeProcesses nodes = new NodeProcesses(db, Map.of("AGENTBUS_ORCHESTRATOR_WORKFLOWS_FILE", file,
        "AGENTBUS_SHUTDOWN_SECONDS", "20", "AGENTBUS_LIMITS_RATE_PER_SECOND", "5000", "AGENTBUS_LIMITS_RATE_BURST", "5000"))) {
      List<NodeProc> started = nodes.startAll(2);
      NodeProc a = started.get(0);
      NodeProc b = started.get(1);
      String alice = nodes.http(a).post("/api/auth/token", "{\"userId\":\"alice\"}", null).json().getString("token");
      String session = "term-" + System.nanoTime();
      WsClient owner = authed(a, alice, session);
      String wf = owner.replyTo(owner.send(new JsonObject().put("type", "user_input").put("content", "x")
          .put("workflow", "long"))).getString("workflowId");
      owner.next(f -> "agent_started".equals(f.getString("type")) && "build".equals(f.getString("agentRole")), "build");

      // A publisher on the node, waiting for each ack, until its connection is closed.
      WsClient pub = authed(a, alice, null);
      ConcurrentLinkedQueue<String> acked = new ConcurrentLinkedQueue<>();
      AtomicBoolean stop = new AtomicBoolean();
      Thread publisher = new Thread(() -> {
        for (int i = 0; !stop.get(); i++) {
          String content = "term-" + i;
          try {
            JsonObject r = pub.replyTo(pub.send(new JsonObject().put("type", "chat").put("channel", "general")
                .put("content", content)));
            if ("ack".equals(r.getString("type"))) {
              acked.add(content);
            }
          } catch (AssertionError | IllegalStateException closed) {
            return;
          }
        }
      });
      publisher.start();
      Thread.sleep(500);

      long t0 = System.currentTimeMillis();
      java.util.concurrent.CompletableFuture<Long> exitedAt = a.process().onExit().thenApply(p -> System.currentTimeMillis());
      a.signal("TERM");
      // Draining: readiness says 503 before anything closes, and each answer closes its keep-alive connection.
      io.agentbus.support.Http.Response ready = nodes.http(a).get("/health/ready", null);
      for (int i = 0; i < 50 && ready.status() == 200; i++) {
        Thread.sleep(20);
        ready = nodes.http(a).get("/health/ready", null);
      }
      assertEquals(503, ready.status(), ready.body());
      assertEquals("close", ready.headers().firstValue("Connection").orElse(""), "keep-alive closed while draining");
      assertFalse(owner.isClosed(), "clients are closed only after the drain");
      short code = owner.closed.get(15, TimeUnit.SECONDS);
      assertEquals(1012, code);
      assertEquals(1012, (short) pub.closed.get(15, TimeUnit.SECONDS));
      stop.set(true);
      publisher.join(15_000);
      assertTrue(a.process().waitFor(20, TimeUnit.SECONDS), "the node did not exit within shutdownSeconds");
      long exited = exitedAt.get() - t0;

      // Every acknowledged message is stored once.
      assertFalse(acked.isEmpty());
      for (String c : acked) {
        assertEquals(1, db.count("SELECT count(*) FROM events WHERE stream = 'channel:general' AND payload::jsonb->>'content' = $1", c),
            c);
      }
      // The workflow continues on the other node and completes.
      WsClient again = authed(b, alice, session);
      again.replyTo(again.send(new JsonObject().put("type", "subscribe").put("workflowId", wf).put("lastSeq", 0)));
      JsonObject rerun = again.next(f -> "agent_started".equals(f.getString("type")) && f.getInteger("attempt", 1) > 1,
          "the interrupted step run again on the survivor");
      long takenAt = java.time.Instant.parse(rerun.getString("timestamp")).toEpochMilli() - t0;
      assertTrue(takenAt < 5_000, "taken over " + takenAt + " ms after SIGTERM");
      again.next(f -> "workflow_completed".equals(f.getString("type")), "completed on the survivor");
      System.out.printf("SIGTERM: exited after %d ms, workflow re-run on the survivor after %d ms, %d acks kept%n",
          exited, takenAt, acked.size());
    }
  }

  @Test
  void aSecondNodeOnATakenPortRefusesToStartAndNamesIt() throws Exception {
    try (NodeProcesses nodes = new NodeProcesses(db, Map.of())) {
      NodeProc a = nodes.start(0);
      NodeProcesses.awaitUp(a, 1, 90_000);
      NodeProc b = nodes.start(1, "256m", Map.of("AGENTBUS_HTTP_PORT", String.valueOf(a.httpPort)));
      assertTrue(b.process().waitFor(90, TimeUnit.SECONDS), "the second node kept running on a taken port");
      assertEquals(1, b.process().exitValue());
      assertTrue(b.logText().contains("HTTP port " + a.httpPort) && b.logText().contains("AGENTBUS_HTTP_PORT"),
          b.logText());
    }
  }
}
