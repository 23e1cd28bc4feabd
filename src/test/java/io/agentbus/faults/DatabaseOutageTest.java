package io.agentbus.faults;

import io.agentbus.stream.StreamName;
import io.agentbus.support.FaultKit;
import io.agentbus.support.TwoNodeClusterTest;
import io.agentbus.support.WorkflowKit;
import io.agentbus.support.WsClient;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * PostgreSQL goes away under load (PROTOCOL §10): every node's database connections are cut
 * ({@code pg_terminate_backend}, only this test's database) while chat is published on both nodes
 * and a workflow runs. Nothing acknowledged is lost, no subscriber sees a gap, the workflow's
 * stored record is complete, and the service answers again without a restart.
 */
class DatabaseOutageTest extends TwoNodeClusterTest {

  @BeforeAll
  static void start() throws Exception {
    startCluster(Map.of("AGENTBUS_ORCHESTRATOR_WORKFLOWS_FILE", WorkflowKit.testWorkflowsFile()));
  }

  private static long cutConnections() {
    return cluster.count("SELECT count(*) FROM (SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
        + "WHERE datname = $1 AND pid <> pg_backend_pid()) t", cluster.dbName);
  }

  @Test
  void cutDatabaseConnectionsLoseNothingAcknowledgedAndTheServiceComesBack() throws Exception {
    String stream = "channel:general";
    try (WsClient sub = WsClient.authed(cluster, 1, bob, null);
         WsClient owner = WsClient.authed(cluster, 0, alice, WorkflowKit.session())) {
      long from = sub.replyTo(sub.send(new JsonObject().put("type", "subscribe").put("channel", "general"))).getLong("seq");
      FaultKit.Publisher p0 = new FaultKit.Publisher(WsClient.authed(cluster, 0, alice, null), "general");
      FaultKit.Publisher p1 = new FaultKit.Publisher(WsClient.authed(cluster, 1, bob, null), "general");
      p0.start();
      p1.start();
      String wf = WorkflowKit.startWorkflow(owner, "default", "survive the database going away");
      for (int i = 0; i < 4; i++) {
        Thread.sleep(700);
        assertTrue(cutConnections() > 0, "the nodes had connections to cut");
      }
      Thread.sleep(1500);
      p0.stop.set(true);
      p1.stop.set(true);
      p0.join(15_000);
      p1.join(15_000);

      // The service is back without a restart: a new message is acknowledged at once.
      JsonObject after = owner.replyTo(owner.send(new JsonObject().put("type", "chat").put("channel", "general")
          .put("content", "after the outage")));
      assertEquals("ack", after.getString("type"), after.encode());

      Set<Long> acked = new TreeSet<>(p0.acked.keySet());
      acked.addAll(p1.acked.keySet());
      acked.add(after.getLong("seq"));
      assertTrue(acked.size() > 20, "publishing went on: " + acked.size());
      for (long seq : acked) {
        assertEquals(1, cluster.count("SELECT count(*) FROM events WHERE stream = $1 AND seq = $2", stream, seq),
            "acknowledged seq " + seq + " is stored");
      }
      Thread.sleep(1000);
      FaultKit.assertGapless(FaultKit.seqs(sub.drain(200), stream), from + 1, after.getLong("seq"),
          "subscriber");

      // The workflow's record is complete: every agent started and completed, one end.
      long deadline = System.currentTimeMillis() + 30_000;
      while (cluster.count("SELECT count(*) FROM workflows WHERE id = $1 AND status = 'completed'", wf) == 0
          && System.currentTimeMillis() < deadline) {
        Thread.sleep(200);
      }
      List<JsonObject> events = cluster.storedEvents(StreamName.workflow(wf));
      FaultKit.assertNoStepRepeated(wf, events);
      for (int position = 1; position <= 5; position++) {
        int p = position;
        assertTrue(events.stream().anyMatch(e -> "agent_started".equals(e.getString("type")) && e.getInteger("position") == p),
            "agent_started of position " + p + ": " + WorkflowKit.types(events));
        assertTrue(events.stream().anyMatch(e -> "agent_completed".equals(e.getString("type")) && e.getInteger("position") == p),
            "agent_completed of position " + p + ": " + WorkflowKit.types(events));
      }
      assertEquals("workflow_completed", events.get(events.size() - 1).getString("type"));
      p0.ws.close();
      p1.ws.close();
    }
  }
}
