package io.agentbus.bridge.agui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentbus.support.SseClient;
import io.agentbus.support.TestCluster;
import io.agentbus.support.TwoNodeClusterTest;
import io.agentbus.support.WorkflowKit;
import io.agentbus.support.WsClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A run whose backlog is far larger than a response may hold unsent ({@code limits.sendQueueBytes},
 * 16 KiB here): a worker streams 1 500 deltas into it, and a resume from its first event — on the
 * other node, by a reader with a small window that reads nothing for 1.5 s — gets all of it, in
 * order, to the end. (On this machine's loopback the kernel's buffers absorbed even 660 KB, so the
 * response's queue did not fill here; the stream then waits for its drain instead of ending.)
 */
class AguiBacklogTest extends TwoNodeClusterTest {

  static final int DELTAS = 1500;

  @BeforeAll
  static void start() throws Exception {
    startCluster(Map.of("AGENTBUS_ORCHESTRATOR_WORKFLOWS_FILE", WorkflowKit.testWorkflowsFile(),
        "AGENTBUS_LIMITS_SEND_QUEUE_BYTES", "16384",
        "AGENTBUS_LIMITS_RATE_PER_SECOND", "100000", "AGENTBUS_LIMITS_RATE_BURST", "100000"));
  }

  @Test
  void aResumeOfALongRunIsPacedByTheReaderAndNeverCut() throws Exception {
    String token = cluster.token("agui-reader");
    String thread = "t-" + UUID.randomUUID();
    String run = "r-" + UUID.randomUUID();
    StringBuilder streamed = new StringBuilder();
    try (WsClient worker = WsClient.authed(cluster, 0, cluster.token("backlog-worker", "agent"), null)) {
      worker.replyTo(worker.send(new JsonObject().put("type", "agent_register").put("roles", new JsonArray().add("ext"))));
      try (SseClient post = SseClient.post(TestCluster.HOST, cluster.port(0), "/agui", token,
          AguiEndpointTest.input(thread, run, "external", "write a long answer"))) {
        String taskId = worker.next("task").getString("taskId");
        for (int i = 0; i < DELTAS; i++) {
          String d = "word" + i + " ";
          streamed.append(d);
          worker.sendNoId(new JsonObject().put("type", "task_progress").put("taskId", taskId).put("progress", 0.5)
              .put("partialOutput", d));
        }
        worker.sendNoId(new JsonObject().put("type", "task_result").put("taskId", taskId)
            .put("outputs", new JsonObject().put("text", streamed.toString())));
        AguiEndpointTest.untilEnd(post);
      }
    }
    String path = "/agui/threads/" + thread + "/runs/" + run + "/events";
    // A reader that takes its time: a small receive window, and nothing read for 1.5 s.
    try (java.net.Socket sock = new java.net.Socket()) {
      sock.setReceiveBufferSize(4096);
      sock.connect(new java.net.InetSocketAddress(TestCluster.HOST, cluster.port(1)), 5000);
      sock.setSoTimeout(30_000);
      sock.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: " + TestCluster.HOST + "\r\n"
          + "Authorization: Bearer " + token + "\r\nAccept: text/event-stream\r\nLast-Event-ID: 0\r\n\r\n")
          .getBytes(java.nio.charset.StandardCharsets.UTF_8));
      Thread.sleep(1500);
      java.io.ByteArrayOutputStream got = new java.io.ByteArrayOutputStream();
      byte[] buf = new byte[8192];
      String body = "";
      for (int n; (n = sock.getInputStream().read(buf)) > 0; ) {
        got.write(buf, 0, n);
        body = got.toString(java.nio.charset.StandardCharsets.UTF_8);
        if (body.endsWith("\r\n0\r\n\r\n")) {
          break; // the response's last chunk
        }
      }
      assertTrue(body.startsWith("HTTP/1.1 200"), body.lines().findFirst().orElse(""));
      long contents = body.split("\"type\":\"TEXT_MESSAGE_CONTENT\"", -1).length - 1;
      assertTrue(contents >= DELTAS, "every delta arrived, none cut off: " + contents);
      assertTrue(body.contains("\"type\":\"RUN_FINISHED\""), "to the run's end");
      assertTrue(body.indexOf("word0 ") < body.indexOf("word" + (DELTAS - 1) + " "), "in order");
    }
  }
}
