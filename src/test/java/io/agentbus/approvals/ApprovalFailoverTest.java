package io.agentbus.approvals;

import io.agentbus.stream.StreamName;
import io.agentbus.support.IntegrationTest;
import io.agentbus.support.TestCluster;
import io.agentbus.support.WorkflowKit;
import io.agentbus.support.WsClient;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import static io.agentbus.support.WorkflowKit.session;
import static io.agentbus.support.WorkflowKit.startWorkflow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Guarantee 4 without the node that created the approval: the node running the workflow (whose
 * orchestrator opened the gate with its own approvals verticle) is stopped before the deadline; the
 * surviving node expires the approval on time, exactly once.
 */
@IntegrationTest
class ApprovalFailoverTest {

  @Test
  void aSurvivingNodeExpiresTheApprovalWhenItsCreatorIsGone() throws Exception {
    Map<String, String> env = Map.of("AGENTBUS_ORCHESTRATOR_WORKFLOWS_FILE", WorkflowKit.testWorkflowsFile());
    try (TestCluster cluster = TestCluster.start(env, env)) {
      String alice = cluster.token("alice");
      String id;
      String approvalId;
      Instant deadline;
      try (WsClient watcher = WsClient.authed(cluster, 1, alice, session())) {
        try (WsClient ws = WsClient.authed(cluster, 0, alice, session())) {
          id = startWorkflow(ws, "failover", "outlive the node");
          JsonObject gate = ws.next(f -> "approval_required".equals(f.getString("type")), "approval_required");
          approvalId = gate.getString("approvalId");
          deadline = Instant.parse(gate.getString("expiresAt"));
        }
        JsonObject sub = watcher.replyTo(watcher.send(new JsonObject().put("type", "subscribe").put("workflowId", id)));
        assertEquals("subscribed", sub.getString("type"), sub.encode());
        cluster.node(0).close().await(); // the node that ran the workflow and created the approval
        assertTrue(Instant.now().isBefore(deadline), "node 0 took too long to stop for this test to mean anything");

        JsonObject resolved = watcher.next(f -> "approval_resolved".equals(f.getString("type")), "the expiry");
        long lateMs = System.currentTimeMillis() - deadline.toEpochMilli();
        assertEquals("expired", resolved.getString("status"));
        assertEquals(approvalId, resolved.getString("approvalId"));
        assertTrue(lateMs >= 0 && lateMs < 2000, "expired " + lateMs + " ms after the deadline");
        watcher.drain(1500);
      }
      Row row = cluster.db().preparedQuery("SELECT status, decided_by FROM approvals WHERE id = $1")
          .execute(Tuple.of(approvalId)).await().iterator().next();
      assertEquals("expired", row.getString(0));
      assertEquals("system", row.getString(1));
      assertEquals(1L, cluster.count("SELECT count(*) FROM events WHERE stream = $1 AND type = 'approval_resolved'",
          StreamName.workflow(id)));
    }
  }
}
