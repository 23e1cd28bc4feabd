package io.agentbus.clients;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentbus.support.Commands;
import io.agentbus.support.NodeJs;
import io.agentbus.support.TwoNodeClusterTest;
import io.agentbus.support.WorkflowKit;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The TypeScript client against two real nodes (src/clients/js/test-integration/resume.mjs, on
 * Node's WebSocket): a reader's connection dropped mid-stream resumes on the other node with
 * nothing missed and nothing repeated, and the workflow view follows a run to its end.
 */
class ClientJsIntegrationTest extends TwoNodeClusterTest {

  @BeforeAll
  static void start() throws Exception {
    startCluster(Map.of("AGENTBUS_ORCHESTRATOR_WORKFLOWS_FILE", WorkflowKit.testWorkflowsFile()));
  }

  @Test
  void aDroppedReaderResumesOnTheOtherNodeWithNothingMissed() throws Exception {
    String node = NodeJs.require();
    String channel = "js" + UUID.randomUUID().toString().substring(0, 8);
    assertEquals(201, cluster.http(0).post("/api/channels", new JsonObject().put("name", channel).encode(), alice)
        .status());
    Commands.Run r = Commands.run(ClientJsTest.DIR, Map.of("NODE0_PORT", String.valueOf(cluster.port(0)),
            "NODE1_PORT", String.valueOf(cluster.port(1)), "CHANNEL", channel,
            "TOKEN_READER", cluster.token("reader"), "TOKEN_WRITER", cluster.token("writer")), 90,
        node, "--experimental-websocket", "test-integration/resume.mjs");
    String last = r.out().strip().lines().reduce((a, b) -> b).orElse("");
    assertEquals(0, r.exit(), r.out());
    JsonObject result = new JsonObject(last);
    assertTrue(result.getBoolean("ok"), r.out());
    assertEquals(10, result.getJsonArray("seqs").size(), last);
    assertEquals("completed", result.getJsonObject("workflow").getString("status"), last);
  }
}
