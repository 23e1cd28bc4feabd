package io.agentbus.chat;

import io.agentbus.support.TwoNodeClusterTest;
import io.agentbus.support.WsClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Seed 001's command set (PROTOCOL §7) on two clustered nodes: each command, and its effect on workflows. */
class CommandsTest extends TwoNodeClusterTest {

  @BeforeAll
  static void start() throws Exception {
    String file = Path.of(CommandsTest.class.getResource("/workflows-test.json").toURI()).toString();
    startCluster(Map.of("AGENTBUS_ORCHESTRATOR_WORKFLOWS_FILE", file));
  }

  static String session() {
    return "s-" + UUID.randomUUID();
  }

  static JsonObject command(WsClient ws, String line) {
    JsonObject r = ws.replyTo(ws.send(new JsonObject().put("type", "chat").put("channel", "general").put("content", line)));
    assertEquals("command_result", r.getString("type"), r.encode());
    return r;
  }

  static JsonObject ok(WsClient ws, String line) {
    JsonObject r = command(ws, line);
    assertTrue(r.getBoolean("ok"), r.encode());
    return r;
  }

  static String startWorkflow(WsClient ws, String template) {
    JsonObject ack = ws.replyTo(ws.send(new JsonObject().put("type", "user_input").put("content", "do it")
        .put("workflow", template)));
    assertEquals("ack", ack.getString("type"), ack.encode());
    return ack.getString("workflowId");
  }

  static JsonObject event(WsClient ws, String workflowId, String type) {
    return ws.next(f -> workflowId.equals(f.getString("workflowId")) && type.equals(f.getString("type"))
        && f.containsKey("seq"), type + " of " + workflowId);
  }

  @Test
  void pauseLetsTheRunningStepFinishThenHoldsAndResumeFromTheOtherNodeContinues() {
    String s = session();
    try (WsClient a = WsClient.authed(cluster, 0, alice, s); WsClient b = WsClient.authed(cluster, 1, alice, s)) {
      String wf = startWorkflow(a, "pausable");
      JsonObject started = event(a, wf, "agent_started");
      assertEquals("Pauser", started.getString("agentName"));
      JsonObject paused = ok(a, "/pause");
      assertTrue(paused.getString("output").contains("will pause"), paused.encode());
      event(a, wf, "agent_completed");
      JsonObject held = event(a, wf, "workflow_paused");
      assertEquals("alice", held.getString("pausedBy"));
      // Holds: no next agent, and every node reads it as paused.
      assertTrue(a.drain(800).stream().noneMatch(f -> wf.equals(f.getString("workflowId"))
          && "agent_started".equals(f.getString("type"))));
      assertEquals("paused", cluster.http(1).get("/api/workflows/" + wf, alice).json().getString("status"));
      assertTrue(ok(b, "/state").getString("output").contains("paused"));
      JsonObject again = command(a, "/resume " + wf);
      assertTrue(again.getBoolean("ok"), again.encode());
      event(a, wf, "workflow_resumed");
      assertEquals("code", event(a, wf, "agent_started").getString("agentRole"));
      event(a, wf, "workflow_completed");
      assertFalse(command(a, "/resume " + wf).getJsonObject("data").getBoolean("success"));
      // Not another user's workflow.
      try (WsClient bob2 = WsClient.authed(cluster, 1, bob, session())) {
        JsonObject refused = command(bob2, "/pause " + wf);
        assertFalse(refused.getBoolean("ok"));
        assertEquals("FORBIDDEN", refused.getString("code"));
      }
    }
  }

  @Test
  void strictModeAddsAGateAfterTheAgentAndAgentsAreToldTheMode() {
    String s = session();
    try (WsClient a = WsClient.authed(cluster, 0, alice, s)) {
      ok(a, "/mode strict");
      String wf = startWorkflow(a, "single");
      assertEquals("strict", event(a, wf, "workflow_started").getString("mode"));
      JsonObject gate = event(a, wf, "approval_required");
      assertTrue(gate.getString("title").contains("code"), gate.encode());
      JsonObject ack = a.replyTo(a.send(new JsonObject().put("type", "approval_response")
          .put("approvalId", gate.getString("approvalId")).put("approved", true)));
      assertEquals("ack", ack.getString("type"), ack.encode());
      event(a, wf, "workflow_completed");

      ok(a, "/mode rapid");
      String fast = startWorkflow(a, "gated");
      List<JsonObject> events = new java.util.ArrayList<>();
      while (true) {
        JsonObject e = a.next(f -> fast.equals(f.getString("workflowId")) && f.containsKey("seq"), "an event");
        events.add(e);
        if (e.getString("type").startsWith("workflow_c") || e.getString("type").equals("workflow_failed")) {
          break;
        }
      }
      assertEquals("workflow_completed", events.get(events.size() - 1).getString("type"));
      assertTrue(events.stream().noneMatch(e -> e.getString("type").equals("approval_required")));
      assertFalse(command(a, "/mode sloppy").getBoolean("ok"));
    }
  }

  @Test
  void approveAndRejectWithoutAnIdDecideTheOneGateWaitingHereAndListThemWhenSeveralWait() {
    String s = session();
    try (WsClient a = WsClient.authed(cluster, 0, alice, s); WsClient b = WsClient.authed(cluster, 1, bob, session())) {
      JsonObject none = command(a, "/approve");
      assertFalse(none.getBoolean("ok"));
      assertTrue(none.getString("output").startsWith("No approval is waiting for you in this session"), none.encode());
      ok(a, "/mode strict");
      String first = startWorkflow(a, "single");
      String firstGate = event(a, first, "approval_required").getString("approvalId");
      String second = startWorkflow(a, "single");
      String secondGate = event(a, second, "approval_required").getString("approvalId");

      // Two wait: the command names them (titles and ids) instead of guessing.
      JsonObject several = command(a, "/approve looks good");
      assertFalse(several.getBoolean("ok"));
      assertTrue(several.getString("output").startsWith("2 approvals are waiting; name one:"), several.encode());
      assertTrue(several.getString("output").contains("/approve " + firstGate) && several.getString("output").contains(secondGate));
      assertEquals(2, several.getJsonObject("data").getJsonArray("pending").size());
      // Another user's session has none of them.
      assertFalse(command(b, "/approve").getBoolean("ok"));

      JsonObject named = ok(a, "/approve " + firstGate + " fine");
      assertEquals(firstGate, named.getJsonObject("data").getString("approvalId"));
      assertEquals("fine", event(a, first, "approval_resolved").getString("feedback"));
      event(a, first, "workflow_completed");

      // One waits: "/reject <reason>" decides it, the whole text being the reason.
      JsonObject rejected = ok(a, "/reject too vague");
      assertTrue(rejected.getString("output").startsWith("Rejected “"), rejected.encode());
      JsonObject resolved = event(a, second, "approval_resolved");
      assertEquals(secondGate, resolved.getString("approvalId"));
      assertEquals("rejected", resolved.getString("status"));
      assertEquals("too vague", resolved.getString("feedback"));
      // The same gate answered again by id: refused, as from any transport.
      assertEquals("CONFLICT", command(a, "/approve " + secondGate).getString("code"));
      ok(a, "/cancel " + second);
    }
  }

  @Test
  void aRunStartedInAChannelIsPostedThereAndItsReadersMayFollowIt() {
    try (WsClient a = WsClient.authed(cluster, 0, alice, session()); WsClient b = WsClient.authed(cluster, 1, bob, session())) {
      b.replyTo(b.send(new JsonObject().put("type", "subscribe").put("channel", "general")));
      JsonObject r = ok(a, "/assign code \"summarise the incident\"");
      String wf = r.getJsonObject("data").getString("workflowId");
      JsonObject card = b.next(f -> "message".equals(f.getString("type")) && wf.equals(f.getString("workflowId")), "the run's card");
      assertEquals("summarise the incident", card.getString("content"));
      assertEquals("alice", card.getString("authorId"));
      // Bob reads the channel, so he may follow the run (not his: before, FORBIDDEN).
      assertEquals(200, cluster.http(1).get("/api/workflows/" + wf, bob).status());
      assertEquals("subscribed", b.replyTo(b.send(new JsonObject().put("type", "subscribe").put("workflowId", wf)))
          .getString("type"));
      // A run started from a private channel is not his to follow.
      String secret = "s-" + UUID.randomUUID().toString().substring(0, 8);
      assertEquals(201, cluster.http(0).post("/api/channels", new JsonObject().put("name", secret).put("private", true)
          .encode(), alice).status());
      JsonObject hidden = a.replyTo(a.send(new JsonObject().put("type", "chat").put("channel", secret)
          .put("content", "/assign code \"quietly\"")));
      assertTrue(hidden.getBoolean("ok"), hidden.encode());
      assertEquals(403, cluster.http(1).get("/api/workflows/" + hidden.getJsonObject("data").getString("workflowId"), bob).status());
    }
  }

  @Test
  void epicsFileWorkflowsAndAreOneAtATime() {
    String s = session();
    try (WsClient a = WsClient.authed(cluster, 0, alice, s)) {
      JsonObject epic = ok(a, "/epic create \"Launch v2\" \"Everything for the launch\"").getJsonObject("data");
      assertEquals("Launch v2", epic.getString("title"));
      JsonObject second = command(a, "/epic create \"Another\"");
      assertFalse(second.getBoolean("ok"));
      assertEquals("CONFLICT", second.getString("code"));
      String wf = startWorkflow(a, "single");
      assertEquals(epic.getString("epicId"), event(a, wf, "workflow_started").getString("epicId"));
      assertTrue(ok(a, "/state").getString("output").contains("Launch v2"));
      assertEquals(1, ok(a, "/epic list").getJsonArray("data").size());
      ok(a, "/epic close");
      String after = startWorkflow(a, "single");
      assertNull(event(a, after, "workflow_started").getString("epicId"));
      assertFalse(command(a, "/epic close").getBoolean("ok"));
      assertFalse(command(a, "/epic rename").getBoolean("ok"));
    }
  }

  @Test
  void aSprintPausesResumesAndEndsItsWorkflows() {
    String s = session();
    try (WsClient a = WsClient.authed(cluster, 0, alice, s)) {
      assertFalse(command(a, "/sprint start").getBoolean("ok"));
      ok(a, "/sprint plan 30");
      assertEquals("CONFLICT", command(a, "/sprint plan 10").getString("code"));
      JsonObject started = ok(a, "/sprint start").getJsonObject("data");
      assertEquals("running", started.getString("status"));
      assertNotNull(started.getString("endsAt"));
      String wf = startWorkflow(a, "pausable");
      assertEquals(started.getString("sprintId"), event(a, wf, "workflow_started").getString("sprintId"));
      event(a, wf, "agent_started");
      ok(a, "/sprint pause lunch");
      event(a, wf, "workflow_paused");
      JsonObject state = ok(a, "/state");
      assertEquals("paused", state.getJsonObject("data").getJsonObject("sprint").getString("status"));
      ok(a, "/sprint resume");
      event(a, wf, "workflow_resumed");
      String second = startWorkflow(a, "slow");
      event(a, second, "agent_started");
      JsonObject end = ok(a, "/sprint end");
      assertTrue(end.getString("output").contains("cancelled"), end.encode());
      event(a, second, "cancelled");
      assertNull(ok(a, "/state").getJsonObject("data").getValue("sprint"));
    }
  }

  @Test
  void helpListsEveryCommandWithUsageAndUnknownOnesAreRefusedWithTheList() {
    try (WsClient a = WsClient.authed(cluster, 1, alice, session())) {
      JsonObject help = ok(a, "/help");
      for (String c : List.of("/help", "/status", "/state", "/assign", "/parallel", "/cancel", "/approve", "/reject",
          "/pause", "/resume", "/mode", "/epic", "/sprint", "/whoami")) {
        assertTrue(help.getString("output").contains(c), c);
      }
      JsonArray list = help.getJsonArray("data");
      assertTrue(list.stream().anyMatch(x -> ((JsonObject) x).getString("usage").startsWith("/sprint plan")));
      JsonObject one = ok(a, "/help pause");
      assertTrue(one.getString("output").startsWith("/pause [workflowId]"), one.encode());
      JsonObject unknown = command(a, "/frobnicate");
      assertFalse(unknown.getBoolean("ok"));
      assertTrue(unknown.getString("output").contains("/sprint"), unknown.encode());
      assertEquals("alice", ok(a, "/whoami").getJsonObject("data").getString("userId"));
    }
  }

  @Test
  void aStepWaitingForAWorkerThatIsNotThereSaysSo() {
    String s = session();
    try (WsClient a = WsClient.authed(cluster, 0, alice, s)) {
      String wf = startWorkflow(a, "external");
      JsonObject waiting = a.next(f -> wf.equals(f.getString("workflowId")) && "agent_progress".equals(f.getString("type"))
          && String.valueOf(f.getString("currentTask")).startsWith("waiting"), "a waiting progress");
      assertEquals("waiting for a ext worker (none registered)", waiting.getString("currentTask"));
      ok(a, "/cancel " + wf);
    }
  }
}
