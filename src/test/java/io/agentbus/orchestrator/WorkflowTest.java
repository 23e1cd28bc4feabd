package io.agentbus.orchestrator;

import io.agentbus.stream.StreamName;
import io.agentbus.support.BridgeClient;
import io.agentbus.support.Http;
import io.agentbus.support.TwoNodeClusterTest;
import io.agentbus.support.WorkflowKit;
import io.agentbus.support.WsClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import static io.agentbus.support.WorkflowKit.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Workflows on two clustered nodes and real PostgreSQL: the event order of seed 000 with a parallel
 * group, replay by workflowId from the other node, cancel, retries and failure, the REST view,
 * slash commands, mentions and the SockJS path. Agents are the scripted ones of
 * {@code workflows-test.json} (short delays).
 */
class WorkflowTest extends TwoNodeClusterTest {


  @BeforeAll
  static void start() throws Exception {
    startCluster(Map.of("AGENTBUS_ORCHESTRATOR_WORKFLOWS_FILE", testWorkflowsFile()));
  }







  @Test
  void fullWorkflowStreamsEveryStepInOrderAndIsReadableFromTheOtherNode() {
    String session = session();
    try (WsClient ws = WsClient.authed(cluster, 0, alice, session)) {
      String id = startWorkflow(ws, null, "Build a login page");
      List<JsonObject> events = eventsUntilEnd(ws, id);

      // Gapless, increasing seq on the session stream.
      for (int i = 0; i < events.size(); i++) {
        assertEquals(StreamName.session(session), events.get(i).getString("stream"));
        assertEquals(events.get(0).getLong("seq") + i, events.get(i).getLong("seq"), "seq gap at " + i);
        assertEquals(session, events.get(i).getString("sessionId"));
        assertNotNull(events.get(i).getString("timestamp"));
      }
      JsonObject started = events.get(0);
      assertEquals("workflow_started", started.getString("type"));
      assertEquals("default", started.getString("workflowName"));
      JsonArray agents = started.getJsonArray("agents");
      assertEquals(List.of("orchestrator", "design", "code", "qa", "data"),
          agents.stream().map(a -> ((JsonObject) a).getString("role")).toList());
      for (int i = 0; i < agents.size(); i++) {
        assertEquals(i + 1, agents.getJsonObject(i).getInteger("position"));
        assertNotNull(agents.getJsonObject(i).getNumber("estimatedTime"));
      }
      assertEquals(0.5 + 1 + 2 + 1, started.getDouble("estimatedDuration"), 1e-9);

      // Each agent: started, progress rising to 1, completed.
      for (String role : List.of("orchestrator", "design", "code", "qa", "data")) {
        List<JsonObject> mine = ofRole(events, role);
        assertEquals("agent_started", mine.get(0).getString("type"), role);
        assertEquals(5, mine.get(0).getInteger("totalAgents"));
        assertNotNull(mine.get(0).getString("estimatedCompletionTime"));
        assertEquals("Build a login page", mine.get(0).getJsonObject("inputs").getString("content"));
        JsonObject done = mine.get(mine.size() - 1);
        assertEquals("agent_completed", done.getString("type"), role);
        List<JsonObject> progress = mine.subList(1, mine.size() - 1);
        assertFalse(progress.isEmpty(), role + " reported no progress");
        double last = 0;
        for (JsonObject p : progress) {
          assertEquals("agent_progress", p.getString("type"));
          assertTrue(p.getDouble("progress") >= last, role + " progress went down: " + progress);
          last = p.getDouble("progress");
          assertNotNull(p.getString("currentTask"));
        }
        assertEquals(1.0, last, 1e-9, role + " progress did not reach 1");
        assertTrue(done.getLong("duration") >= 0);
        assertTrue(done.getJsonObject("outputs").getString("text").contains("Build a login page"));
        assertEquals(0.9, done.getDouble("qualityScore"), 1e-9);
      }
      // Sequential steps: each agent starts after the previous completed, and says who is next.
      assertTrue(types(events).indexOf("agent_completed") < events.indexOf(ofRole(events, "design").get(0)));
      assertEquals("design", ofRole(events, "orchestrator").get(ofRole(events, "orchestrator").size() - 1)
          .getString("nextAgent"));
      assertEquals("qa,data", last(ofRole(events, "code")).getString("nextAgent"));
      assertTrue(events.indexOf(last(ofRole(events, "code"))) < events.indexOf(ofRole(events, "qa").get(0)));
      assertEquals(List.of("orchestrator"), last(ofRole(events, "design")).getJsonObject("outputs")
          .getJsonArray("basedOn").getList());
      // The parallel group runs together: both started before either completed, joined before the end.
      int qaStart = events.indexOf(ofRole(events, "qa").get(0));
      int dataStart = events.indexOf(ofRole(events, "data").get(0));
      int firstGroupEnd = Math.min(events.indexOf(last(ofRole(events, "qa"))), events.indexOf(last(ofRole(events, "data"))));
      assertTrue(qaStart < firstGroupEnd && dataStart < firstGroupEnd, "qa and data did not overlap: " + types(events));

      JsonObject end = last(events);
      assertEquals("workflow_completed", end.getString("type"));
      assertTrue(end.getLong("totalDuration") > 0);
      assertEquals(List.of("orchestrator", "design", "code", "qa", "data"),
          List.copyOf(end.getJsonObject("finalOutputs").fieldNames()));
      assertEquals(0.9, end.getDouble("qualityScore"), 1e-9);
      assertEquals(5, end.getJsonObject("costBreakdown").size());

      // Any node answers GET /api/workflows/{id} with the final status and the same events.
      Http.Response r = cluster.http(1).get("/api/workflows/" + id, alice);
      assertEquals(200, r.status(), r.body());
      JsonObject wf = r.json();
      assertEquals("completed", wf.getString("status"));
      assertEquals(session, wf.getString("sessionId"));
      assertEquals(5, wf.getJsonArray("agents").size());
      assertEquals(types(events), wf.getJsonArray("events").stream().map(e -> ((JsonObject) e).getString("type")).toList());
      assertEquals(StreamName.workflow(id), wf.getJsonArray("events").getJsonObject(0).getString("stream"));
      assertEquals(1L, wf.getJsonArray("events").getJsonObject(0).getLong("seq"));
      JsonObject listed = cluster.http(0).get("/api/workflows?sessionId=" + session, alice).json();
      assertEquals(id, listed.getJsonArray("workflows").getJsonObject(0).getString("workflowId"));
      assertEquals(403, cluster.http(0).get("/api/workflows/" + id, bob).status());
      assertEquals(403, cluster.http(0).get("/api/workflows?sessionId=" + session, bob).status());
      assertEquals(404, cluster.http(1).get("/api/workflows/nope", alice).status());

      // The node that ran it counts it (the /ws connection's node runs its workflows).
      String metrics = cluster.http(0).get("/metrics", null).body();
      assertTrue(metricValue(metrics, "agentbus_workflows_total{outcome=\"completed\"}") >= 1, metrics);
      assertTrue(metricValue(metrics, "agentbus_workflows_started_total") >= 1, metrics);
      assertFalse(metrics.contains("agentbus_workflows_total{outcome=\"started\"}"), "a start is no outcome");
      assertTrue(metricValue(metrics, "agentbus_agent_runs_total{outcome=\"succeeded\"}") >= 5, metrics);

      // Each step's duration is learnt (per role and kind): the next run of these roles expects as long.
      String again = startWorkflow(ws, null, "Build a signup page");
      JsonObject next = eventsUntilEnd(ws, again).get(0);
      for (Object o : next.getJsonArray("agents")) {
        JsonObject a = (JsonObject) o;
        assertEquals("scripted", a.getString("agentKind"), a.encode());
        long measured = last(ofRole(events, a.getString("role"))).getLong("duration");
        assertNotNull(a.getLong("expectedMs"), a.encode());
        assertTrue(a.getLong("expectedMs") > 0 && a.getLong("expectedMs") < 20 * Math.max(measured, 50), a.encode());
      }
    }
  }



  @Test
  void subscribeByWorkflowIdFromTheOtherNodeReplaysAfterLastSeqThenContinuesLive() {
    try (WsClient owner = WsClient.authed(cluster, 0, alice, session());
         WsClient watcher = WsClient.authed(cluster, 1, alice, session())) {
      String id = startWorkflow(owner, "slow", "take your time");
      owner.next(f -> "agent_progress".equals(f.getString("type")), "first progress");
      // executionId is the seed's name for the same thing; lastSeq 1 = skip workflow_started.
      String sub = watcher.send(new JsonObject().put("type", "subscribe").put("executionId", id).put("lastSeq", 1));
      List<JsonObject> got = new ArrayList<>();
      while (true) {
        JsonObject f = watcher.next(x -> (StreamName.workflow(id)).equals(x.getString("stream")), "workflow event");
        got.add(f);
        if (got.size() == 2) {
          break;
        }
      }
      JsonObject subscribed = watcher.replyTo(sub);
      assertEquals("subscribed", subscribed.getString("type"));
      assertEquals(2L, got.get(0).getLong("seq"));
      assertEquals("agent_started", got.get(0).getString("type"));
      assertEquals(3L, got.get(1).getLong("seq"));
      // Live from here: the next progress arrives on both.
      owner.send(new JsonObject().put("type", "cancel").put("workflowId", id));
      JsonObject cancelled = watcher.next(x -> "cancelled".equals(x.getString("type")) && x.containsKey("seq"), "cancelled");
      assertEquals(id, cancelled.getString("workflowId"));
      assertTrue(cancelled.getLong("seq") > 3);

      // Only the owner, approvers and admins may follow a workflow.
      try (WsClient other = WsClient.authed(cluster, 1, bob, session())) {
        JsonObject e = other.replyTo(other.send(new JsonObject().put("type", "subscribe").put("workflowId", id)));
        assertEquals("FORBIDDEN", e.getString("code"));
        e = other.replyTo(other.send(new JsonObject().put("type", "subscribe").put("workflowId", "no-such")));
        assertEquals("NOT_FOUND", e.getString("code"));
      }
      String approver = cluster.token("carol", "approver");
      try (WsClient c = WsClient.authed(cluster, 0, approver, session())) {
        JsonObject ok = c.replyTo(c.send(new JsonObject().put("type", "subscribe").put("workflowId", id).put("lastSeq", 0)));
        assertEquals("subscribed", ok.getString("type"), ok.encode());
      }
    }
  }

  @Test
  void cancelStopsTheRunningAgentWithinASecondFromEitherNodeAndOnlyForTheOwner() {
    String session = session();
    try (WsClient ws = WsClient.authed(cluster, 0, alice, session);
         WsClient other = WsClient.authed(cluster, 1, alice, session());
         WsClient intruder = WsClient.authed(cluster, 1, bob, session())) {
      String id = startWorkflow(ws, "slow", "long job");
      ws.next(f -> "agent_started".equals(f.getString("type")), "agent_started");

      JsonObject denied = intruder.replyTo(intruder.send(new JsonObject().put("type", "cancel").put("workflowId", id)));
      assertEquals("FORBIDDEN", denied.getString("code"));

      // Cancelled from the other node: forwarded to the owning orchestrator.
      long t0 = System.nanoTime();
      JsonObject reply = other.replyTo(other.send(new JsonObject().put("type", "cancel").put("workflowId", id)));
      long ms = (System.nanoTime() - t0) / 1_000_000;
      assertEquals("cancelled", reply.getString("type"), reply.encode());
      assertTrue(reply.getBoolean("success"));
      assertTrue(ms < 1000, "cancel took " + ms + " ms");
      List<JsonObject> events = eventsUntilEnd(ws, id);
      assertEquals("cancelled", last(events).getString("type"));
      assertTrue(last(events).getBoolean("success"));
      // The slow agent's next step (3 s away) never comes, nor does the next agent.
      assertTrue(ws.drain(3500).stream().noneMatch(f -> id.equals(f.getString("workflowId"))),
          "events after cancel");
      JsonObject wf = cluster.http(1).get("/api/workflows/" + id, alice).json();
      assertEquals("cancelled", wf.getString("status"));
      assertTrue(wf.getString("error").contains("alice"));

      // Cancelling again: nothing running any more.
      JsonObject again = ws.replyTo(ws.send(new JsonObject().put("type", "cancel").put("workflowId", id)));
      assertFalse(again.getBoolean("success"));
      // Without workflowId: the session's running one; none now.
      JsonObject none = ws.replyTo(ws.send(new JsonObject().put("type", "cancel")));
      assertEquals("NOT_FOUND", none.getString("code"));
    }
  }

  @Test
  void cancelWithoutIdStopsTheSessionsRunningWorkflow() {
    try (WsClient ws = WsClient.authed(cluster, 1, alice, session())) {
      String id = startWorkflow(ws, "slow", "another long job");
      ws.next(f -> "agent_started".equals(f.getString("type")), "agent_started");
      JsonObject reply = ws.replyTo(ws.send(new JsonObject().put("type", "cancel")));
      assertEquals(id, reply.getString("workflowId"));
      assertTrue(reply.getBoolean("success"));
    }
  }

  @Test
  void aFailingAgentIsRetriedByPolicyAndAFailedWorkflowSaysWhy() {
    try (WsClient ws = WsClient.authed(cluster, 0, alice, session())) {
      String flaky = startWorkflow(ws, "flaky", "try twice");
      List<JsonObject> events = eventsUntilEnd(ws, flaky);
      assertEquals("workflow_completed", last(events).getString("type"), types(events).toString());
      List<JsonObject> mine = ofRole(events, "flaky");
      JsonObject error = mine.stream().filter(e -> "error".equals(e.getString("type"))).findFirst().orElseThrow();
      assertTrue(error.getBoolean("recoverable"));
      assertEquals("flaky", error.getString("agentRole"));
      assertFalse(error.getJsonArray("suggestedActions").isEmpty());
      assertEquals(2, mine.stream().filter(e -> "agent_started".equals(e.getString("type"))).count());
      assertEquals(2, mine.stream().filter(e -> "agent_started".equals(e.getString("type"))).toList().get(1)
          .getInteger("attempt"));

      String broken = startWorkflow(ws, "broken", "never works");
      events = eventsUntilEnd(ws, broken);
      List<JsonObject> errors = events.stream().filter(e -> "error".equals(e.getString("type"))).toList();
      assertEquals(2, errors.size(), types(events).toString());
      assertTrue(errors.get(0).getBoolean("recoverable"));
      assertFalse(errors.get(1).getBoolean("recoverable"));
      assertEquals("workflow_failed", last(events).getString("type"));
      assertEquals("broken", last(events).getString("agentRole"));
      assertTrue(ofRole(events, "code").isEmpty(), "the next step ran after a failure");
      JsonObject wf = cluster.http(1).get("/api/workflows/" + broken, alice).json();
      assertEquals("failed", wf.getString("status"));
      assertTrue(wf.getString("error").contains("scripted failure"), wf.getString("error"));
    }
  }

  @Test
  void badStartsAreRefusedWithCodes() {
    try (WsClient ws = WsClient.authed(cluster, 0, alice, session())) {
      JsonObject e = ws.replyTo(ws.send(new JsonObject().put("type", "user_input").put("content", "x")
          .put("workflow", "no-such-template")));
      assertEquals("NOT_FOUND", e.getString("code"));
      e = ws.replyTo(ws.send(new JsonObject().put("type", "user_input")));
      assertEquals("INVALID_MESSAGE", e.getString("code"));
      e = ws.replyTo(ws.send(new JsonObject().put("type", "user_input").put("content", 42)));
      assertEquals("INVALID_MESSAGE", e.getString("code"));
      e = ws.replyTo(ws.send(new JsonObject().put("type", "user_input").put("content", "x").put("attachments", "f")));
      assertEquals("INVALID_MESSAGE", e.getString("code"));
    }
  }

  @Test
  void slashCommandsAssignParallelStatusAndCancel() {
    try (WsClient ws = WsClient.authed(cluster, 0, alice, session())) {
      JsonObject r = ws.replyTo(ws.send(chat("/assign code \"write the tests\"")));
      assertEquals("command_result", r.getString("type"), r.encode());
      assertTrue(r.getBoolean("ok"), r.encode());
      String assigned = r.getJsonObject("data").getString("workflowId");
      List<JsonObject> events = eventsUntilEnd(ws, assigned);
      assertEquals("workflow_completed", last(events).getString("type"));
      assertEquals("write the tests", ofRole(events, "code").get(0).getJsonObject("inputs").getString("content"));

      r = ws.replyTo(ws.send(chat("/parallel \"@qa check the login\" \"@data count the users\"")));
      assertTrue(r.getBoolean("ok"), r.encode());
      String parallel = r.getJsonObject("data").getString("workflowId");
      events = eventsUntilEnd(ws, parallel);
      assertEquals("check the login", ofRole(events, "qa").get(0).getJsonObject("inputs").getString("content"));
      assertEquals("count the users", ofRole(events, "data").get(0).getJsonObject("inputs").getString("content"));
      assertEquals(2, events.get(0).getJsonArray("agents").size());

      r = ws.replyTo(ws.send(chat("/status")));
      assertTrue(r.getBoolean("ok"));
      // Readable: each workflow by what it was asked, its template, where it is and since when; no ids or status words.
      String said = r.getString("output");
      assertTrue(said.contains("“write the tests”") && said.contains(": done "), said);
      assertFalse(said.contains(assigned) || said.contains(parallel) || said.contains("completed"), said);
      assertTrue(said.matches("(?s).*\\d+ (s|min) ago.*"), said);
      assertEquals("completed", r.getJsonArray("data").getJsonObject(0).getString("status"));
      assertEquals(parallel, r.getJsonArray("data").getJsonObject(0).getString("workflowId"));

      r = ws.replyTo(ws.send(chat("/cancel")));
      assertFalse(r.getBoolean("ok"));
      r = ws.replyTo(ws.send(chat("/assign nobody \"x\"")));
      assertFalse(r.getBoolean("ok"));
      assertTrue(r.getString("output").contains("nobody"));
      r = ws.replyTo(ws.send(chat("/parallel \"only one\"")));
      assertFalse(r.getBoolean("ok"));
      r = ws.replyTo(ws.send(chat("/assign code \"unclosed")));
      assertFalse(r.getBoolean("ok"));

      String slow = startWorkflow(ws, "slow", "cancel me by command");
      r = ws.replyTo(ws.send(chat("/cancel")));
      assertTrue(r.getBoolean("ok"), r.encode());
      assertEquals("cancelled", last(eventsUntilEnd(ws, slow)).getString("type"));
    }
  }

  static JsonObject chat(String content) {
    return new JsonObject().put("type", "chat").put("channel", "general").put("content", content);
  }

  @Test
  void aMentionedRoleAnswersInTheChannelAsItWorks() {
    try (WsClient writer = WsClient.authed(cluster, 0, alice, session());
         WsClient reader = WsClient.authed(cluster, 1, bob, session())) {
      reader.replyTo(reader.send(new JsonObject().put("type", "subscribe").put("channel", "agents")));
      JsonObject ack = writer.replyTo(writer.send(new JsonObject().put("type", "chat").put("channel", "agents")
          .put("content", "@code please review the auth module")));
      String messageId = ack.getString("messageId");
      List<JsonObject> frames = WorkflowKit.agentAnswer(reader, messageId);
      // At once: the agent's message, empty and streaming, named and linked to the question.
      JsonObject answer = frames.get(0);
      assertEquals("code", answer.getString("authorId"));
      assertEquals("streaming", answer.getString("status"));
      assertEquals("", answer.getString("content"));
      assertEquals("Code", answer.getString("agentName")); // the role's name in the workflows file (its default)
      assertEquals("scripted", answer.getString("agentKind"));
      assertEquals(messageId, answer.getString("replyTo"));
      assertEquals("channel:agents", answer.getString("stream"));
      assertEquals(List.of("alice"), answer.getJsonArray("mentions").getList());
      // Then the text as it grows (each update the whole text so far, stored), then the end.
      List<JsonObject> updates = frames.subList(1, frames.size());
      assertTrue(updates.size() >= 2 && "streaming".equals(updates.get(0).getString("status"))
          && !updates.get(0).getString("content").isEmpty(), "streamed in pieces: " + updates);
      for (int i = 1; i < updates.size() - 1; i++) {
        assertTrue(updates.get(i).getString("content").startsWith(updates.get(i - 1).getString("content")), updates.toString());
        assertTrue(updates.get(i).getLong("seq") > updates.get(i - 1).getLong("seq"));
      }
      JsonObject end = WorkflowKit.last(frames);
      assertEquals("complete", end.getString("status"));
      assertTrue(end.getString("content").contains("review the auth module"), end.getString("content"));
      // History (and so a late or resuming client) has the finished message, an ordinary one.
      JsonObject page = reader.replyTo(reader.send(new JsonObject().put("type", "history").put("channel", "agents")
          .put("limit", 5)));
      JsonObject stored = page.getJsonArray("messages").stream().map(JsonObject.class::cast)
          .filter(m -> answer.getString("messageId").equals(m.getString("messageId"))).findFirst().orElseThrow();
      assertEquals("complete", stored.getString("status"));
      assertEquals(end.getString("content"), stored.getString("content"));
      assertEquals("Code", stored.getString("agentName"));
      // A mention of someone who is not an agent gets no agent answer.
      writer.replyTo(writer.send(new JsonObject().put("type", "chat").put("channel", "agents").put("content", "@bob hi")));
      assertTrue(reader.drain(1000).stream().noneMatch(f -> "agent".equals(f.getString("authorType"))));
    }
  }

  @Test
  void theBridgeStartsFollowsAndCancelsWorkflows() {
    String session = session();
    try (WsClient claim = WsClient.authed(cluster, 0, alice, session);
         BridgeClient b = cluster.bridge(1, alice)) {
      // A fresh session is followed from its first request; to see what others start in it, subscribe.
      JsonObject followed = claim.replyTo(claim.send(new JsonObject().put("type", "subscribe").put("sessionId", session)));
      assertEquals("subscribed", followed.getString("type"), followed.encode());
      JsonObject reply = b.request("agentbus.workflow.start", new JsonObject().put("sessionId", session)
          .put("content", "via the bridge").put("workflow", "slow"), null);
      String id = reply.getJsonObject("body", new JsonObject()).getString("workflowId");
      assertNotNull(id, reply.encode());
      b.registerAndSettle("agentbus.workflow." + id);
      JsonObject ev = b.next("agentbus.workflow." + id);
      assertEquals(id, ev.getString("workflowId"));
      JsonObject c = b.request("agentbus.workflow.cancel", new JsonObject().put("workflowId", id), null);
      assertTrue(c.getJsonObject("body").getBoolean("success"), c.encode());
      // The /ws connection of that session saw it all, ending with cancelled.
      assertEquals("cancelled", last(eventsUntilEnd(claim, id)).getString("type"));
    }
    // Reconnecting to a session that has events: followed at once, no subscribe needed.
    try (WsClient again = cluster.ws(1, "token=" + alice + "&session=" + session);
         BridgeClient b = cluster.bridge(0, alice)) {
      JsonObject auth = again.next("auth_response");
      assertTrue(auth.getLong("sessionSeq") > 0, auth.encode());
      String id = b.request("agentbus.workflow.start", new JsonObject().put("sessionId", session)
          .put("content", "again").put("workflow", "flaky"), null).getJsonObject("body").getString("workflowId");
      assertEquals("workflow_completed", last(eventsUntilEnd(again, id)).getString("type"));
    }
    try (BridgeClient bob2 = cluster.bridge(0, bob)) {
      JsonObject reply = bob2.request("agentbus.workflow.start", new JsonObject().put("sessionId", session)
          .put("content", "not my session"), null);
      assertEquals("err", reply.getString("type"), reply.encode());
      assertEquals("FORBIDDEN", new JsonObject(reply.getString("message")).getString("code"));
    }
  }

  @Test
  void aReconnectWithSessionSeqResumesTheSessionStreamWithNoGapAndNoDuplicate() {
    String session = session();
    String id;
    long had;
    try (WsClient first = WsClient.authed(cluster, 0, alice, session)) {
      id = startWorkflow(first, "slow", "resume me");
      JsonObject some = first.next(f -> id.equals(f.getString("workflowId")) && "agent_started".equals(f.getString("type")),
          "the first agent");
      had = some.getLong("seq");
      assertEquals(StreamName.session(session), some.getString("stream"));
    }
    // Reconnect to the other node, saying how far this client's session stream had come.
    WsClient back = WsClient.authed(cluster, 1, alice, session + "&sessionSeq=" + had);
    try {
      List<JsonObject> rest = eventsUntilEnd(back, id);
      long expected = had + 1;
      for (JsonObject e : rest) {
        assertEquals(expected++, e.getLong("seq"), types(rest).toString());
      }
      assertEquals("workflow_completed", last(rest).getString("type"));
    } finally {
      back.close();
    }
  }
}
