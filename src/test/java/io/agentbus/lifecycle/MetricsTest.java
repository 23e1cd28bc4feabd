package io.agentbus.lifecycle;

import io.agentbus.support.TestCluster;
import io.agentbus.support.IntegrationTest;
import io.agentbus.support.WsClient;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code /metrics}: the JVM's standard meters, Vert.x's, and agentbus's own, with no event-bus address label. */
@IntegrationTest
class MetricsTest {

  static TestCluster cluster;

  @BeforeAll
  static void start() {
    cluster = TestCluster.start(Map.of());
  }

  @AfterAll
  static void stop() {
    cluster.close();
  }

  @Test
  void standardJvmVertxAndAgentbusMetersWithoutPerAddressSeriesAndEveryDashboardQueryExported() throws Exception {
    String alice = cluster.token("alice");
    try (WsClient ws = WsClient.authed(cluster, 0, alice, null)) {
      ws.replyTo(ws.send(new JsonObject().put("type", "subscribe").put("channel", "general")));
      ws.replyTo(ws.send(new JsonObject().put("type", "chat").put("channel", "general").put("content", "count me")));
      ws.next("message");
      String text = cluster.http(0).get("/metrics", null).body();
      for (String name : new String[] {"jvm_memory_used_bytes{", "jvm_gc_max_data_size_bytes", "jvm_classes_loaded_classes", "jvm_threads_live_threads",
          "process_cpu_usage", "process_uptime_seconds", "vertx_http_server_requests_total",
          "vertx_eventbus_processed_total", "agentbus_deliveries_total", "agentbus_ws_connections",
          "agentbus_persist_seconds_bucket", "agentbus_workflows_running"}) {
        assertTrue(text.contains(name), name + " missing from /metrics");
      }
      assertTrue(text.lines().anyMatch(l -> l.startsWith("agentbus_deliveries_total") && !l.endsWith(" 0.0")
          && !l.endsWith(" 0")), "deliveries counted");
      assertFalse(text.lines().anyMatch(l -> l.startsWith("vertx_eventbus") && l.contains("address=")),
          "an event-bus meter with an address label");
      assertTrue(text.contains("agentbus_build_info{version=\""), "build info");
      // Every metric the shipped Grafana dashboard queries is one this node exports (a renamed
      // metric would leave a panel silently empty).
      String dashboard = java.nio.file.Files.readString(java.nio.file.Path.of("docker", "grafana", "dashboards", "agentbus.json"));
      java.util.Set<String> queried = new java.util.TreeSet<>();
      java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\b((?:agentbus|jvm|process|vertx)_[a-z_]+)").matcher(dashboard);
      while (m.find()) {
        queried.add(m.group(1));
      }
      assertTrue(queried.size() >= 8, "the dashboard's queries: " + queried);
      for (String name : queried) {
        assertTrue(text.contains("# TYPE " + name + " ") || text.lines().anyMatch(l -> l.startsWith(name + "{") || l.startsWith(name + " ")),
            name + " is queried by the dashboard but not exported");
      }
    }
  }
}
