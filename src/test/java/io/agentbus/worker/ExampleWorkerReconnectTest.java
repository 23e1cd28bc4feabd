package io.agentbus.worker;

import io.agentbus.Node;
import io.agentbus.support.IntegrationTest;
import io.agentbus.support.TestCluster;
import io.agentbus.support.WorkflowKit;
import io.agentbus.support.WsClient;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * The example worker keeps itself connected: started while its node is not up yet, it registers
 * once the node is; when the node restarts, it registers again and serves the next workflow.
 */
@IntegrationTest
class ExampleWorkerReconnectTest {

  @Test
  void theWorkerWaitsForItsNodeAndComesBackAfterTheNodeRestarts() throws Exception {
    int port = TestCluster.freePort();
    Map<String, String> env = Map.of("AGENTBUS_HTTP_PORT", String.valueOf(port),
        "AGENTBUS_ORCHESTRATOR_WORKFLOWS_FILE", WorkflowKit.testWorkflowsFile(),
        "AGENTBUS_ORCHESTRATOR_AGENT_KINDS", "ext=worker");
    Vertx v = Vertx.vertx();
    ExampleWorker worker = new ExampleWorker(v, URI.create("ws://127.0.0.1:" + port + "/ws"), List.of("ext"), null,
        "example");
    try (TestCluster cluster = TestCluster.start()) {
      Future<Void> registered = worker.start(); // nothing listens yet: refused, retried with backoff
      Thread.sleep(1500);
      assertFalse(registered.isComplete(), "not registered while the node is down");
      Node node = cluster.startNode(env);
      registered.await();
      assertEquals("workflow_completed", runOnce(cluster, 0, "first"));

      node.close().await(); // the node goes away; a new one comes up on the same address
      cluster.nodes.remove(node);
      cluster.startNode(env);
      long deadline = System.currentTimeMillis() + 20_000;
      String outcome = null;
      while (System.currentTimeMillis() < deadline && !"workflow_completed".equals(outcome)) {
        outcome = runOnce(cluster, 0, "again"); // the first attempts may find no worker registered yet
      }
      assertEquals("workflow_completed", outcome, "the worker registered again with the new node");
    } finally {
      worker.stop().await();
      v.close().await();
    }
  }

  private static String runOnce(TestCluster cluster, int node, String content) {
    String alice = cluster.token("alice");
    try (WsClient user = WsClient.authed(cluster, node, alice, "w-" + System.nanoTime())) {
      String id = WorkflowKit.startWorkflow(user, "external", content);
      List<JsonObject> events = WorkflowKit.eventsUntilEnd(user, id);
      return events.get(events.size() - 1).getString("type");
    }
  }
}
