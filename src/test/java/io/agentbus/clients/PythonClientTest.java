package io.agentbus.clients;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentbus.support.Commands;
import io.agentbus.support.TwoNodeClusterTest;
import io.agentbus.support.WorkflowKit;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Python package (src/clients/python, package {@code agentbus}) with pytest against two real
 * nodes whose {@code code} role is played by workers: the async client, HTTP with keys and SSE,
 * and the worker kit (tokens streamed, outputs returned, a cancel arriving as asyncio
 * cancellation). Runs in the package's virtualenv ({@code src/clients/python/.venv}, made by
 * {@code .ci/run}); without it the test is skipped saying so, and fails in CI.
 */
class PythonClientTest extends TwoNodeClusterTest {

  static final Path DIR = Path.of("src", "clients", "python");

  @BeforeAll
  static void start() throws Exception {
    startCluster(Map.of("AGENTBUS_ORCHESTRATOR_WORKFLOWS_FILE", WorkflowKit.testWorkflowsFile(),
        "AGENTBUS_ORCHESTRATOR_AGENT_KINDS", "code=worker"));
  }

  static String python() {
    Path py = DIR.resolve(".venv/bin/python");
    if (!Files.isExecutable(py)) {
      Assumptions.assumeTrue(System.getenv("CI") != null, "the Python package's virtualenv is missing: python3 -m venv "
          + "src/clients/python/.venv && src/clients/python/.venv/bin/pip install -e 'src/clients/python[test]' "
          + "(.ci/run does it)");
      throw new AssertionError("CI must make the Python virtualenv (.ci/run)");
    }
    return py.toAbsolutePath().toString();
  }

  @Test
  void thePythonClientAndWorkerKitPassTheirTestsAgainstTwoNodes() throws Exception {
    String py = python();
    String channel = "py" + UUID.randomUUID().toString().substring(0, 8);
    assertEquals(201, cluster.http(0).post("/api/channels", new JsonObject().put("name", channel).encode(), alice)
        .status());
    Commands.Run r = Commands.run(DIR, Map.of("NODE0_PORT", String.valueOf(cluster.port(0)),
            "NODE1_PORT", String.valueOf(cluster.port(1)), "CHANNEL", channel,
            "TOKEN_USER", cluster.token("py-user"), "TOKEN_OTHER", cluster.token("py-other"),
            "TOKEN_AGENT", cluster.token("py-worker", "agent")), 240,
        py, "-m", "pytest", "-q", "-rs", "-p", "no:cacheprovider", "tests");
    assertEquals(0, r.exit(), r.out());
    assertTrue(r.out().contains("passed"), r.out());
    // The only skip allowed: the LangGraph example where LangGraph cannot be installed (this
    // machine's package index lacks langchain-core's langchain-protocol; docs/clients-python.md).
    assertTrue(r.out().lines().filter(l -> l.startsWith("SKIPPED")).allMatch(l -> l.contains("langgraph")), r.out());
  }
}
