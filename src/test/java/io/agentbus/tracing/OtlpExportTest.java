package io.agentbus.tracing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentbus.support.IntegrationTest;
import io.agentbus.support.NodeProcesses;
import io.agentbus.support.NodeProcesses.NodeProc;
import io.agentbus.support.TestCluster;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * Tracing as an operator turns it on: a node process given only the standard {@code OTEL_*}
 * variables exports its spans by OTLP (http/protobuf) to the collector named there (here a
 * receiver in the test), a request's W3C {@code traceparent} header is the trace it continues,
 * and its JSON log lines carry that trace id.
 */
@IntegrationTest
class OtlpExportTest {

  @Test
  void aNodeExportsByOtlpContinuesTheCallersTraceAndLogsItsId() throws Exception {
    Vertx vertx = Vertx.vertx();
    List<Buffer> received = new CopyOnWriteArrayList<>();
    List<String> types = new CopyOnWriteArrayList<>();
    HttpServer collector = vertx.createHttpServer().requestHandler(r -> r.body().onSuccess(b -> {
      if (r.path().equals("/v1/traces")) {
        received.add(b);
        types.add(String.valueOf(r.getHeader("Content-Type")));
      }
      r.response().setStatusCode(200).putHeader("Content-Type", "application/x-protobuf").end();
    })).listen(0, "127.0.0.1").await();
    String config = Path.of(OtlpExportTest.class.getResource("/logback.xml").toURI()).toString();
    String traceId = UUID.randomUUID().toString().replace("-", "");
    try (TestCluster db = TestCluster.start();
         NodeProcesses nodes = new NodeProcesses(db, Map.of("AGENTBUS_LOG_FORMAT", "json", "AGENTBUS_LOG_LEVEL", "INFO",
             "JAVA_TOOL_OPTIONS", "-Dlogback.configurationFile=" + config,
             "OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:" + collector.actualPort(),
             "OTEL_TRACES_SAMPLER", "parentbased_always_on", "OTEL_BSP_SCHEDULE_DELAY", "200",
             "OTEL_SERVICE_NAME", "agentbus-under-test"))) {
      NodeProc n = nodes.start(0);
      NodeProcesses.awaitUp(n, 1, 90_000);
      String token = nodes.http(n).post("/api/auth/token", "{\"userId\":\"otto\"}", null).json().getString("token");
      var started = nodes.http(n).request("POST", "/api/workflows", "{\"content\":\"trace this\",\"workflow\":\"quick\"}",
          "Authorization", "Bearer " + token, "Content-Type", "application/json",
          "traceparent", "00-" + traceId + "-" + traceId.substring(16) + "-01");
      assertEquals(201, started.status(), started.body());
      byte[] id = HexFormat.of().parseHex(traceId);
      long until = System.currentTimeMillis() + 15_000;
      while (received.stream().noneMatch(b -> contains(b.getBytes(), id)) && System.currentTimeMillis() < until) {
        Thread.sleep(100);
      }
      assertTrue(received.stream().anyMatch(b -> contains(b.getBytes(), id)),
          "the collector got spans of the caller's trace (" + received.size() + " exports)");
      assertTrue(types.stream().allMatch(t -> t.startsWith("application/x-protobuf")), types.toString());
      assertTrue(received.stream().anyMatch(b -> contains(b.getBytes(), "agentbus-under-test".getBytes())),
          "the service name from OTEL_SERVICE_NAME");
      n.signal("TERM");
      n.process().waitFor(30, java.util.concurrent.TimeUnit.SECONDS);
      boolean logged = n.logText().lines().filter(l -> l.startsWith("{")).map(JsonObject::new)
          .anyMatch(j -> String.valueOf(j.getString("formattedMessage")).contains("started for otto")
              && j.encode().contains("\"traceId\":\"" + traceId + "\""));
      assertTrue(logged, "the workflow's log line names the trace: " + n.logText());
    } finally {
      vertx.close().await();
    }
  }

  private static boolean contains(byte[] hay, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= hay.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (hay[i + j] != needle[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }
}
