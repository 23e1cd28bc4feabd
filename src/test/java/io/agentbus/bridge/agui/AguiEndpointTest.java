package io.agentbus.bridge.agui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentbus.support.Http;
import io.agentbus.support.SseClient;
import io.agentbus.support.TestCluster;
import io.agentbus.support.TwoNodeClusterTest;
import io.agentbus.support.WorkflowKit;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * AG-UI over SSE on two real nodes (PROTOCOL §11): a run streamed from POST /agui to RUN_FINISHED
 * with a cursor on every event; the same run resumed on the other node after a cursor and joined
 * without one, ending with the same text; a gate as an interrupt answered by a resume run, a second
 * answer refused; cancel; and the refusals before a stream opens.
 */
class AguiEndpointTest extends TwoNodeClusterTest {

  @BeforeAll
  static void start() throws Exception {
    startCluster(Map.of("AGENTBUS_ORCHESTRATOR_WORKFLOWS_FILE", WorkflowKit.testWorkflowsFile()));
  }

  static String input(String thread, String run, String workflow, String text) {
    return new JsonObject().put("threadId", thread).put("runId", run)
        .put("messages", new JsonArray().add(new JsonObject().put("id", "u1").put("role", "user").put("content", text)))
        .put("forwardedProps", new JsonObject().put("workflow", workflow)).encode();
  }

  /** Every event until the stream's terminal one. */
  static List<SseClient.Event> untilEnd(SseClient sse) {
    List<SseClient.Event> out = new ArrayList<>();
    while (true) {
      SseClient.Event e = sse.next(30);
      out.add(e);
      String t = e.json().getString("type");
      if ("RUN_FINISHED".equals(t) || "RUN_ERROR".equals(t)) {
        assertTrue(sse.ended(5), "the response ends after the terminal event");
        return out;
      }
    }
  }

  static Map<String, String> texts(List<SseClient.Event> events) {
    Map<String, String> t = new LinkedHashMap<>();
    for (SseClient.Event e : events) {
      JsonObject j = e.json();
      switch (j.getString("type")) {
        case "TEXT_MESSAGE_START" -> t.putIfAbsent(j.getString("messageId"), "");
        case "TEXT_MESSAGE_CONTENT" -> t.merge(j.getString("messageId"), j.getString("delta"), String::concat);
        case "MESSAGES_SNAPSHOT" -> j.getJsonArray("messages").forEach(m -> {
          JsonObject msg = (JsonObject) m;
          if ("assistant".equals(msg.getString("role"))) {
            t.put(msg.getString("id"), msg.getString("content"));
          }
        });
        default -> { }
      }
    }
    return t;
  }

  @Test
  void aRunStreamsToItsEndAndResumesOrJoinsOnTheOtherNodeWithTheSameText() {
    String token = cluster.token("agui-user");
    String thread = "t-" + UUID.randomUUID();
    String run = "r-" + UUID.randomUUID();
    List<SseClient.Event> all;
    try (SseClient sse = SseClient.post(TestCluster.HOST, cluster.port(0), "/agui", token,
        input(thread, run, "single", "build a parser"))) {
      assertEquals(200, sse.status());
      all = untilEnd(sse);
    }
    assertEquals("RUN_STARTED", all.get(0).json().getString("type"));
    assertEquals(run, all.get(0).json().getString("runId"));
    JsonObject end = all.get(all.size() - 1).json();
    assertEquals("success", end.getJsonObject("outcome").getString("type"), end.encode());
    List<String> types = all.stream().map(e -> e.json().getString("type")).toList();
    assertTrue(types.containsAll(List.of("STEP_STARTED", "TEXT_MESSAGE_START", "TEXT_MESSAGE_END", "STEP_FINISHED",
        "STATE_DELTA")), types.toString());
    assertTrue(all.stream().allMatch(e -> e.id() != null), "every event has an id: line");
    Map<String, String> watched = texts(all);
    assertTrue(!watched.isEmpty() && watched.values().stream().noneMatch(String::isEmpty), watched.toString());

    String path = "/agui/threads/" + thread + "/runs/" + run + "/events";
    for (int cut : new int[] {1, all.size() / 2, all.size() - 2}) {
      List<SseClient.Event> resumed = new ArrayList<>(all.subList(0, cut + 1));
      try (SseClient again = new SseClient(TestCluster.HOST, cluster.port(1), path, token,
          "Last-Event-ID", all.get(cut).id())) {
        assertEquals(200, again.status());
        List<SseClient.Event> rest = untilEnd(again);
        assertEquals("RUN_STARTED", rest.get(0).json().getString("type"));
        resumed.addAll(rest);
      }
      assertEquals(watched, texts(resumed), "resumed after event #" + cut + " on the other node");
    }
    try (SseClient late = new SseClient(TestCluster.HOST, cluster.port(1), path, token)) {
      List<SseClient.Event> joined = untilEnd(late);
      assertEquals(List.of("RUN_STARTED", "MESSAGES_SNAPSHOT", "STATE_SNAPSHOT"),
          joined.subList(0, 3).stream().map(e -> e.json().getString("type")).toList());
      assertEquals(watched, texts(joined), "a late joiner shows the same text");
    }

    // Refusals come before any stream, as JSON.
    Http.Response dup = cluster.http(1).request("POST", "/agui", input(thread, run, "single", "again"),
        "Authorization", "Bearer " + token, "Content-Type", "application/json");
    assertEquals(409, dup.status(), dup.body());
    assertEquals(400, cluster.http(0).request("POST", "/agui", "{not json", "Authorization", "Bearer " + token,
        "Content-Type", "application/json").status());
    assertEquals(400, cluster.http(0).request("POST", "/agui", new JsonObject().put("threadId", thread)
        .put("runId", "r-" + UUID.randomUUID()).put("messages", new JsonArray()).encode(),
        "Authorization", "Bearer " + token, "Content-Type", "application/json").status(), "no user message");
    assertEquals(401, cluster.http(0).request("POST", "/agui", input(thread, "r-x", "single", "hi")).status());
    try (SseClient bad = new SseClient(TestCluster.HOST, cluster.port(0), path, token, "Last-Event-ID", "99999.0")) {
      assertEquals(400, bad.status(), "a cursor this run never had");
    }
    try (SseClient other = new SseClient(TestCluster.HOST, cluster.port(0), path, cluster.token("someone-else"))) {
      assertEquals(403, other.status());
    }
  }

  @Test
  void aGateIsAnInterruptAnsweredOnceByAResumeRun() {
    String token = cluster.token("agui-owner");
    String thread = "t-" + UUID.randomUUID();
    String run = "r-" + UUID.randomUUID();
    JsonObject interrupt;
    try (SseClient sse = SseClient.post(TestCluster.HOST, cluster.port(0), "/agui", token,
        input(thread, run, "gated", "ship the fix"))) {
      List<SseClient.Event> events = untilEnd(sse);
      JsonObject end = events.get(events.size() - 1).json();
      assertEquals("interrupt", end.getJsonObject("outcome").getString("type"), end.encode());
      interrupt = end.getJsonObject("outcome").getJsonArray("interrupts").getJsonObject(0);
    }
    String answer = new JsonObject().put("threadId", thread).put("runId", "r-" + UUID.randomUUID())
        .put("messages", new JsonArray()).put("resume", new JsonArray().add(new JsonObject()
            .put("interruptId", interrupt.getString("id")).put("status", "resolved")
            .put("payload", new JsonObject().put("approved", true).put("feedback", "go")))).encode();
    try (SseClient next = SseClient.post(TestCluster.HOST, cluster.port(1), "/agui", token, answer)) {
      assertEquals(200, next.status());
      List<SseClient.Event> events = untilEnd(next);
      List<String> types = events.stream().map(e -> e.json().getString("type")).toList();
      JsonObject resolved = events.stream().map(SseClient.Event::json)
          .filter(j -> "agentbus.interrupt_resolved".equals(j.getString("name"))).findFirst().orElseThrow();
      assertEquals(interrupt.getString("id"), resolved.getJsonObject("value").getString("interruptId"), types.toString());
      assertEquals(true, resolved.getJsonObject("value").getBoolean("approved"));
      assertEquals("agui-owner", resolved.getJsonObject("value").getString("decidedBy"));
      assertEquals("success", events.get(events.size() - 1).json().getJsonObject("outcome").getString("type"));
    }
    String again = answer.replace("\"runId\":\"r-", "\"runId\":\"r2-");
    Http.Response twice = cluster.http(0).request("POST", "/agui", again, "Authorization", "Bearer " + token,
        "Content-Type", "application/json");
    assertEquals(409, twice.status(), "a second answer is refused: " + twice.body());
  }

  @Test
  void aRunIsCancelledByDeleteAndNotByADroppedStream() throws Exception {
    String token = cluster.token("agui-canceller");
    String thread = "t-" + UUID.randomUUID();
    String run = "r-" + UUID.randomUUID();
    try (SseClient sse = SseClient.post(TestCluster.HOST, cluster.port(0), "/agui", token,
        input(thread, run, "slow", "take your time"))) {
      assertEquals("RUN_STARTED", sse.next(10).json().getString("type"));
    } // dropped: the run goes on
    Thread.sleep(300);
    String path = "/agui/threads/" + thread + "/runs/" + run;
    Http.Response del = cluster.http(1).request("DELETE", path, null, "Authorization", "Bearer " + token);
    assertEquals(202, del.status(), del.body());
    assertEquals("cancelled", del.json().getString("status"));
    try (SseClient after = new SseClient(TestCluster.HOST, cluster.port(0), path + "/events", token, "Last-Event-ID", "0")) {
      List<SseClient.Event> events = untilEnd(after);
      assertEquals("cancelled", events.get(events.size() - 1).json().getJsonObject("outcome").getString("type"));
    }
    assertEquals(409, cluster.http(1).request("DELETE", path, null, "Authorization", "Bearer " + token).status());
  }
}
