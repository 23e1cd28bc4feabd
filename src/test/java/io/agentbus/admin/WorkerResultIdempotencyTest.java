package io.agentbus.admin;

import io.agentbus.stream.StreamName;
import io.agentbus.support.TwoNodeClusterTest;
import io.agentbus.support.WsClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A worker's task result with an idempotency key, sent again from another node: acknowledged, applied once. */
class WorkerResultIdempotencyTest extends TwoNodeClusterTest {

  @BeforeAll
  static void start() throws Exception {
    startCluster(Map.of("AGENTBUS_ORCHESTRATOR_WORKFLOWS_FILE",
        Path.of(WorkerResultIdempotencyTest.class.getResource("/workflows-test.json").toURI()).toString()));
  }

  static WsClient worker(int node, String token) {
    WsClient w = WsClient.authed(cluster, node, token, null);
    JsonObject r = w.replyTo(w.send(new JsonObject().put("type", "agent_register").put("roles", new JsonArray().add("ext"))));
    assertEquals("agent_registered", r.getString("type"), r.encode());
    return w;
  }

  @Test
  void aRepeatedResultIsAcknowledgedAgainAndTheStepCompletesOnce() {
    String token = cluster.token("worker-1", "agent");
    String session = "s-" + System.nanoTime();
    try (WsClient owner = WsClient.authed(cluster, 0, alice, session); WsClient w1 = worker(1, token)) {
      JsonObject ack = owner.replyTo(owner.send(new JsonObject().put("type", "user_input").put("content", "x")
          .put("workflow", "external")));
      String wf = ack.getString("workflowId");
      JsonObject task = w1.next("task");
      JsonObject result = new JsonObject().put("type", "task_result").put("taskId", task.getString("taskId"))
          .put("outputs", new JsonObject().put("text", "done")).put("idempotencyKey", "result-" + task.getString("taskId"));
      JsonObject first = w1.replyTo(w1.send(result.copy()));
      assertEquals("ack", first.getString("type"), first.encode());
      owner.next(f -> "workflow_completed".equals(f.getString("type")) && wf.equals(f.getString("workflowId")), "done");
      // The worker lost the ack, reconnected to the other node and sends the result again.
      try (WsClient w2 = worker(0, token)) {
        JsonObject again = w2.replyTo(w2.send(result.copy()));
        assertEquals("ack", again.getString("type"), again.encode());
        assertEquals(true, again.getBoolean("duplicate"));
        JsonObject noKey = w2.replyTo(w2.send(result.copy().put("idempotencyKey", "other")));
        assertEquals("NOT_FOUND", noKey.getString("code"), noKey.encode());
      }
      long completed = cluster.storedEvents(StreamName.workflow(wf)).stream()
          .filter(e -> "agent_completed".equals(e.getString("type"))).count();
      assertEquals(1, completed);
      assertTrue(cluster.storedEvents(StreamName.workflow(wf)).stream().anyMatch(e -> "workflow_completed".equals(e.getString("type"))));
    }
  }
}
