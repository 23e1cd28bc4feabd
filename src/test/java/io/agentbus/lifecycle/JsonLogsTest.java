package io.agentbus.lifecycle;

import io.agentbus.support.IntegrationTest;
import io.agentbus.support.NodeProcesses;
import io.agentbus.support.NodeProcesses.NodeProc;
import io.agentbus.support.TestCluster;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code AGENTBUS_LOG_FORMAT=json}: a node process logs one JSON object per line, naming the node, never a secret. */
@IntegrationTest
class JsonLogsTest {

  static TestCluster db;

  @BeforeAll
  static void database() {
    db = TestCluster.start();
  }

  @AfterAll
  static void drop() {
    db.close();
  }

  @Test
  void everyLineIsJsonWithTheNodeIdAndNoSecret() throws Exception {
    // The node's own logback.xml (the test classpath's logback-test.xml would win otherwise).
    String config = Path.of(JsonLogsTest.class.getResource("/logback.xml").toURI()).toString();
    try (NodeProcesses nodes = new NodeProcesses(db, Map.of("AGENTBUS_LOG_FORMAT", "json", "AGENTBUS_LOG_LEVEL", "INFO",
        "AGENTBUS_ADMIN_TOKEN", "admin-token-that-must-not-leak", "JAVA_TOOL_OPTIONS",
        "-Dlogback.configurationFile=" + config))) {
      NodeProc n = nodes.start(0);
      NodeProcesses.awaitUp(n, 1, 90_000);
      String token = nodes.http(n).post("/api/auth/token", "{\"userId\":\"alice\"}", null).json().getString("token");
      nodes.http(n).get("/api/channels", token);
      n.signal("TERM");
      n.process().waitFor(30, java.util.concurrent.TimeUnit.SECONDS);
      List<String> lines = n.logText().lines().filter(l -> !l.startsWith("Picked up JAVA_TOOL_OPTIONS")).toList();
      assertTrue(lines.size() > 3, n.logText());
      boolean ready = false;
      for (String l : lines) {
        JsonObject j;
        try {
          j = new JsonObject(l);
        } catch (DecodeException e) {
          throw new AssertionError("not JSON: " + l);
        }
        if (String.valueOf(j.getString("formattedMessage")).contains("agentbus node ready")) {
          ready = true;
          assertTrue(j.encode().contains("\"nodeId\""), l);
        }
        for (String secret : List.of(token, "admin-token-that-must-not-leak", nodes.env().get("AGENTBUS_JWT_SECRET"))) {
          assertFalse(l.contains(secret), "a secret in the log: " + l);
        }
      }
      assertTrue(ready, "no ready line in " + lines);
    }
  }
}
