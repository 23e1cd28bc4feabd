package io.agentbus.clients;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentbus.support.Commands;
import io.agentbus.support.NodeJs;
import io.agentbus.support.TwoNodeClusterTest;
import io.agentbus.support.WorkflowKit;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The stock AG-UI client (npm {@code @ag-ui/client} 1.0.0, installed by {@code npm ci} in
 * src/clients/agui — {@code .ci/run} does it) against two real nodes: a run passes the client's own
 * event verification; the run read in pieces of seven events, each piece from the other node through
 * {@code ResumableHttpAgent}, ends with the same messages; a late joiner matches; a gate answered
 * through {@code resume[]}, a second answer refused.
 */
class AguiClientTest extends TwoNodeClusterTest {

  static final Path DIR = Path.of("src", "clients", "agui");

  @BeforeAll
  static void start() throws Exception {
    startCluster(Map.of("AGENTBUS_ORCHESTRATOR_WORKFLOWS_FILE", WorkflowKit.testWorkflowsFile()));
  }

  @Test
  void theStockClientRunsResumesJoinsAndAnswersAGate() throws Exception {
    String node = NodeJs.require();
    if (!Files.exists(DIR.resolve("node_modules/@ag-ui/client"))) {
      Assumptions.assumeTrue(System.getenv("CI") != null, "@ag-ui/client is not installed (cd src/clients/agui && npm ci)");
      throw new AssertionError("CI must install @ag-ui/client (.ci/run runs npm ci in src/clients/agui)");
    }
    Commands.Run r = Commands.run(DIR, Map.of("NODE0_PORT", String.valueOf(cluster.port(0)),
        "NODE1_PORT", String.valueOf(cluster.port(1)), "TOKEN", cluster.token("agui-client")), 120,
        node, "test-integration/conformance.mjs");
    String last = r.out().strip().lines().reduce((a, b) -> b).orElse("");
    assertEquals(0, r.exit(), r.out());
    JsonObject result = new JsonObject(last);
    assertTrue(result.getBoolean("ok"), r.out());
    assertTrue(result.getInteger("cuts") >= 2, "the run was read in several pieces: " + last);
    System.out.println("[agui] stock client: " + last);
  }
}
