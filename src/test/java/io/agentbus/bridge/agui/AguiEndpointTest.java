package io.agentbus.bridge.agui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentbus.stream.StreamName;
import io.agentbus.support.Http;
import io.agentbus.support.SseClient;
import io.agentbus.support.TestCluster;
import io.agentbus.support.TwoNodeClusterTest;
import io.agentbus.support.WorkflowKit;
import io.agentbus.support.WsClient;
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
    // Logs are kept 30 s: long enough for every resume here; the 410 test backdates its run.
    startCluster(Map.of("AGENTBUS_ORCHESTRATOR_WORKFLOWS_FILE", WorkflowKit.testWorkflowsFile(),
        "AGENTBUS_ORCHESTRATOR_EVENTS_KEPT_SECONDS", "30"));
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

  static String workflowOf(List<SseClient.Event> events) {
    return events.stream().map(SseClient.Event::json).filter(j -> "STATE_SNAPSHOT".equals(j.getString("type")))
        .findFirst().orElseThrow().getJsonObject("snapshot").getString("workflowId");
  }

  @Test
  void aBrowserSignsWithItsCookieButACrossSiteFormCannot() {
    String token = cluster.token("agui-browser");
    String cookie = "theme=dark; agentbus_token=" + token;
    String thread = "t-" + UUID.randomUUID();
    String run = "r-" + UUID.randomUUID();
    try (SseClient sse = SseClient.post(TestCluster.HOST, cluster.port(0), "/agui", null,
        input(thread, run, "single", "build a parser"), "Cookie", cookie)) {
      assertEquals(200, sse.status());
      List<SseClient.Event> events = untilEnd(sse);
      assertEquals("RUN_STARTED", events.get(0).json().getString("type"));
      assertEquals("success", events.get(events.size() - 1).json().getJsonObject("outcome").getString("type"));
    }
    String path = "/agui/threads/" + thread + "/runs/" + run + "/events";
    try (SseClient again = new SseClient(TestCluster.HOST, cluster.port(1), path, null, "Cookie", cookie)) {
      assertEquals(200, again.status(), "an EventSource sends the cookie, not a header");
      assertEquals("RUN_STARTED", again.next(10).json().getString("type"));
    }
    // A form on another site can POST with the cookie, but only as a form type: refused, nothing run.
    String formRun = "r-" + UUID.randomUUID();
    Http.Response form = cluster.http(0).request("POST", "/agui", input(thread, formRun, "single", "rm -rf"),
        "Cookie", cookie, "Content-Type", "text/plain");
    assertEquals(403, form.status(), form.body());
    assertEquals(0, cluster.count("SELECT count(*) FROM agui_runs WHERE run_id = $1", formRun));
    Http.Response forged = cluster.http(0).request("POST", "/agui", input(thread, formRun, "single", "hi"),
        "Cookie", "agentbus_token=not-a-token", "Content-Type", "application/json");
    assertEquals(401, forged.status(), forged.body());
  }

  @Test
  void aViewerWaitingAfterAnInterruptLearnsTheDecisionWithinASecondThenFollowsOn() {
    String token = cluster.token("agui-team");
    String thread = "t-" + UUID.randomUUID();
    String run = "r-" + UUID.randomUUID();
    List<SseClient.Event> first;
    try (SseClient sse = SseClient.post(TestCluster.HOST, cluster.port(0), "/agui", token,
        input(thread, run, "gated", "ship it"))) {
      first = untilEnd(sse);
    }
    SseClient.Event interrupt = first.get(first.size() - 1);
    String approvalId = interrupt.json().getJsonObject("outcome").getJsonArray("interrupts").getJsonObject(0)
        .getString("id");
    String workflowId = workflowOf(first);
    String path = "/agui/threads/" + thread + "/runs/" + run + "/events";
    List<SseClient.Event> rest;
    try (SseClient device2 = new SseClient(TestCluster.HOST, cluster.port(1), path, token,
            "Last-Event-ID", interrupt.id());
        WsClient ws = WsClient.authed(cluster, 1, token, null)) {
      assertEquals("RUN_STARTED", device2.next(10).json().getString("type"));
      ws.replyTo(ws.send(new JsonObject().put("type", "subscribe").put("workflowId", workflowId)));
      // Decided on another transport (REST, node 0).
      Http.Response decided = cluster.http(0).request("POST", "/api/approvals/" + approvalId,
          new JsonObject().put("approved", false).put("feedback", "not today").encode(),
          "Authorization", "Bearer " + token, "Content-Type", "application/json");
      long at = System.nanoTime();
      assertEquals(200, decided.status(), decided.body());
      JsonObject custom = device2.next(1).json();
      assertTrue(System.nanoTime() - at < 1_000_000_000L, "the AG-UI viewer knew within a second");
      assertEquals("agentbus.interrupt_resolved", custom.getString("name"), custom.encode());
      assertEquals(approvalId, custom.getJsonObject("value").getString("interruptId"));
      assertEquals(false, custom.getJsonObject("value").getBoolean("approved"));
      assertEquals("agui-team", custom.getJsonObject("value").getString("decidedBy"));
      JsonObject resolved = ws.next("approval_resolved");
      assertTrue(System.nanoTime() - at < 1_000_000_000L, "the /ws viewer knew within a second");
      assertEquals(approvalId, resolved.getString("approvalId"));
      rest = untilEnd(device2);
    }
    // Rejected: the workflow fails, and that is where the waiting viewer's stream ends.
    SseClient.Event end = rest.get(rest.size() - 1);
    assertEquals("RUN_ERROR", end.json().getString("type"), end.data());
    // A cursor at an end the workflow went no further from: that end again, then the response ends.
    try (SseClient after = new SseClient(TestCluster.HOST, cluster.port(1), path, token, "Last-Event-ID", end.id())) {
      List<SseClient.Event> again = untilEnd(after);
      assertEquals(List.of("RUN_STARTED", end.json().getString("type")),
          again.stream().map(e -> e.json().getString("type")).toList());
      assertEquals(end.id(), again.get(1).id());
    }
  }

  @Test
  void aRunWhoseEventsAreNoLongerKeptIsGoneButItsOutcomeStays() throws Exception {
    String token = cluster.token("agui-archivist");
    String thread = "t-" + UUID.randomUUID();
    String run = "r-" + UUID.randomUUID();
    List<SseClient.Event> events;
    try (SseClient sse = SseClient.post(TestCluster.HOST, cluster.port(0), "/agui", token,
        input(thread, run, "single", "old news"))) {
      events = untilEnd(sse);
    }
    String workflowId = workflowOf(events);
    cluster.count("WITH u AS (UPDATE workflows SET finished_at = now() - interval '1 hour' WHERE id = $1 RETURNING 1) "
        + "SELECT count(*) FROM u", workflowId);
    String path = "/agui/threads/" + thread + "/runs/" + run + "/events";
    int status = 0;
    for (long until = System.currentTimeMillis() + 20_000; System.currentTimeMillis() < until; Thread.sleep(250)) {
      try (SseClient again = new SseClient(TestCluster.HOST, cluster.port(1), path, token,
          "Last-Event-ID", events.get(2).id())) {
        status = again.status();
      }
      if (status == 410) {
        break;
      }
    }
    assertEquals(410, status, "a cursor into a log no longer kept");
    try (SseClient join = new SseClient(TestCluster.HOST, cluster.port(0), path, token)) {
      assertEquals(410, join.status(), "a join needs the log too");
    }
    assertEquals(0, cluster.count("SELECT count(*) FROM events WHERE stream = $1", StreamName.workflow(workflowId)));
    Http.Response wf = cluster.http(0).request("GET", "/api/workflows/" + workflowId, null,
        "Authorization", "Bearer " + token);
    assertEquals(200, wf.status(), wf.body());
    assertEquals("completed", wf.json().getString("status"), "the outcome stays");
    assertEquals(409, cluster.http(1).request("DELETE", "/agui/threads/" + thread + "/runs/" + run, null,
        "Authorization", "Bearer " + token).status(), "an ended run is not cancelled");
  }
}
