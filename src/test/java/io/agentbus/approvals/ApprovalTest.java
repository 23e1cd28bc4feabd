package io.agentbus.approvals;

import io.agentbus.stream.StreamName;
import io.agentbus.support.BridgeClient;
import io.agentbus.support.Http;
import io.agentbus.support.TwoNodeClusterTest;
import io.agentbus.support.WorkflowKit;
import io.agentbus.support.WsClient;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import static io.agentbus.support.WorkflowKit.eventsUntilEnd;
import static io.agentbus.support.WorkflowKit.last;
import static io.agentbus.support.WorkflowKit.ofRole;
import static io.agentbus.support.WorkflowKit.session;
import static io.agentbus.support.WorkflowKit.startWorkflow;
import static io.agentbus.support.WorkflowKit.types;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Approval gates on two clustered nodes and real PostgreSQL: the pause and its announcement,
 * decisions through every path and who may make them, revise loops, modifications, exactly one
 * winner among concurrent decisions on both nodes, and expiries that fire once at the deadline.
 */
class ApprovalTest extends TwoNodeClusterTest {

  static String carol;

  @BeforeAll
  static void start() throws Exception {
    startCluster(Map.of("AGENTBUS_ORCHESTRATOR_WORKFLOWS_FILE", WorkflowKit.testWorkflowsFile()));
    carol = cluster.token("carol", "approver");
  }

  /** Starts a gated workflow and returns its approval_required event. */
  static JsonObject untilGate(WsClient ws, String id) {
    return ws.next(f -> "approval_required".equals(f.getString("type")) && id.equals(f.getString("workflowId")),
        "approval_required of " + id);
  }

  static JsonObject respond(WsClient ws, JsonObject body) {
    return ws.replyTo(ws.send(body.copy().put("type", "approval_response")));
  }

  @Test
  void aGatePausesTheWorkflowAndAnApprovalFromTheOtherNodeContinuesIt() {
    String session = session();
    try (BridgeClient userStream = cluster.bridge(1, alice);
         WsClient ws = WsClient.authed(cluster, 0, alice, session);
         WsClient elsewhere = WsClient.authed(cluster, 1, alice, session())) {
      userStream.registerAndSettle("agentbus.user.alice");
      String id = startWorkflow(ws, "review", "design the settings page");
      JsonObject gate = untilGate(ws, id);
      String approvalId = gate.getString("approvalId");
      assertEquals("Design review", gate.getString("title"));
      assertEquals("Check the design", gate.getString("description"));
      assertEquals("owner", gate.getString("requiredBy"));
      assertEquals(5.0, gate.getDouble("timeoutMinutes"), 1e-9);
      assertTrue(gate.getJsonObject("agentOutputs").containsKey("design"), gate.encode());
      assertEquals(approvalId, userStream.next("agentbus.user.alice").getString("approvalId"));

      assertEquals("waiting_approval", cluster.http(1).get("/api/workflows/" + id, alice).json().getString("status"));
      assertTrue(pendingIds(alice).contains(approvalId));
      assertTrue(pendingIds(carol).contains(approvalId), "approvers see every pending approval");
      assertFalse(pendingIds(bob).contains(approvalId));

      JsonObject decided = respond(elsewhere, new JsonObject().put("approvalId", approvalId).put("approved", true));
      assertEquals("ack", decided.getString("type"), decided.encode()); // alice again, from another session
      assertEquals("approved", decided.getString("status"));
      List<JsonObject> events = eventsUntilEnd(ws, id);
      JsonObject resolved = events.stream().filter(e -> "approval_resolved".equals(e.getString("type"))).findFirst()
          .orElseThrow();
      assertEquals("approved", resolved.getString("status"));
      assertEquals("alice", resolved.getString("decidedBy"));
      assertTrue(events.indexOf(resolved) < events.indexOf(ofRole(events, "code").get(0)), types(events).toString());
      assertEquals("workflow_completed", last(events).getString("type"));

      JsonObject again = respond(ws, new JsonObject().put("approvalId", approvalId).put("approved", false));
      assertEquals("CONFLICT", again.getString("code"));
      assertTrue(again.getString("error").contains("approved by alice"), again.encode());
      JsonObject audit = find(cluster.http(0).get("/api/approvals?status=approved", alice).json(), approvalId);
      assertEquals("alice", audit.getString("decidedBy"));
      assertNotNull(audit.getString("respondedAt"));
    }
  }

  @Test
  void cancellingAWorkflowAtItsGateWithdrawsTheApprovalBeforeTheCancelAndALaterDecisionIsAConflict() {
    String session = session();
    try (WsClient ws = WsClient.authed(cluster, 0, alice, session);
         WsClient other = WsClient.authed(cluster, 1, alice, session())) {
      String id = startWorkflow(ws, "review", "design the settings page");
      String approvalId = untilGate(ws, id).getString("approvalId");
      // The cancel comes from the other node: the workflow's orchestrator is told, and withdraws the gate.
      JsonObject cancelled = other.replyTo(other.send(new JsonObject().put("type", "cancel").put("workflowId", id)));
      assertEquals(true, cancelled.getBoolean("success"), cancelled.encode());
      List<JsonObject> events = eventsUntilEnd(ws, id);
      JsonObject resolved = events.stream().filter(e -> "approval_resolved".equals(e.getString("type"))).findFirst()
          .orElseThrow(() -> new AssertionError("no approval_resolved: " + types(events)));
      assertEquals("cancelled", resolved.getString("status"));
      assertEquals(approvalId, resolved.getString("approvalId"));
      assertEquals("cancelled", last(events).getString("type"), "the workflow's own end comes after the withdrawal");
      assertTrue(events.indexOf(resolved) < events.size() - 1, types(events).toString());

      JsonObject late = respond(ws, new JsonObject().put("approvalId", approvalId).put("approved", true));
      assertEquals("CONFLICT", late.getString("code"), late.encode());
      assertFalse(pendingIds(alice).contains(approvalId), "nothing is left pending to expire later");
      assertEquals("cancelled", find(cluster.http(1).get("/api/approvals?status=cancelled", alice).json(), approvalId)
          .getString("status"));
    }
  }

  static List<String> pendingIds(String token) {
    Http.Response r = cluster.http(0).get("/api/approvals?status=pending", token);
    assertEquals(200, r.status(), r.body());
    return r.json().getJsonArray("approvals").stream().map(a -> ((JsonObject) a).getString("approvalId")).toList();
  }

  static JsonObject find(JsonObject list, String approvalId) {
    return list.getJsonArray("approvals").stream().map(a -> (JsonObject) a)
        .filter(a -> approvalId.equals(a.getString("approvalId"))).findFirst().orElseThrow();
  }

  @Test
  void aRejectionSendsTheAgentBackWithTheFeedbackThenFailsPastTheRevisionLimit() {
    try (WsClient ws = WsClient.authed(cluster, 1, alice, session())) {
      String id = startWorkflow(ws, "review", "design the billing page");
      String first = untilGate(ws, id).getString("approvalId");
      // Over REST, with the seed's boolean form.
      Http.Response r = cluster.http(0).post("/api/approvals/" + first,
          new JsonObject().put("approved", false).put("feedback", "make it blue").encode(), alice);
      assertEquals(200, r.status(), r.body());
      assertEquals("rejected", r.json().getString("status"));
      JsonObject second = untilGate(ws, id);
      assertFalse(first.equals(second.getString("approvalId")));
      String revised = second.getJsonObject("agentOutputs").getJsonObject("design").getString("text");
      assertTrue(revised.contains("Revised after feedback: make it blue"), revised);
      // In chat: /reject <id> <reason>; the single revision is used up, so the workflow fails.
      JsonObject cmd = ws.replyTo(ws.send(new JsonObject().put("type", "chat").put("channel", "general")
          .put("content", "/reject " + second.getString("approvalId") + " still wrong")));
      assertTrue(cmd.getBoolean("ok"), cmd.encode());
      List<JsonObject> events = eventsUntilEnd(ws, id);
      List<JsonObject> designRuns = events.stream().filter(e -> "agent_started".equals(e.getString("type"))
          && "design".equals(e.getString("agentRole"))).toList();
      assertEquals(2, designRuns.size(), types(events).toString());
      assertEquals("make it blue", designRuns.get(1).getJsonObject("inputs").getString("feedback"));
      assertEquals("workflow_failed", last(events).getString("type"));
      assertTrue(last(events).getString("error").contains("still wrong"), last(events).encode());
      assertTrue(ofRole(events, "code").isEmpty());
      assertEquals("failed", cluster.http(1).get("/api/workflows/" + id, alice).json().getString("status"));
    }
  }

  @Test
  void modificationsAreMergedAndOnlyTheRightPeopleMayDecide() {
    try (WsClient ws = WsClient.authed(cluster, 0, alice, session());
         BridgeClient bobBridge = cluster.bridge(1, bob);
         BridgeClient carolBridge = cluster.bridge(1, carol)) {
      String id = startWorkflow(ws, "strict", "ship the feature");
      String approvalId = untilGate(ws, id).getString("approvalId");
      JsonObject refused = bobBridge.request("agentbus.approval.respond",
          new JsonObject().put("approvalId", approvalId).put("approved", true), null);
      assertEquals("FORBIDDEN", new JsonObject(refused.getString("message")).getString("code"), refused.encode());
      JsonObject ok = carolBridge.request("agentbus.approval.respond", new JsonObject().put("approvalId", approvalId)
          .put("action", "modify").put("modifications", new JsonObject().put("code", new JsonObject().put("text", "patched"))),
          null);
      assertEquals("approved", ok.getJsonObject("body").getString("status"), ok.encode());
      List<JsonObject> events = eventsUntilEnd(ws, id);
      assertEquals("workflow_completed", last(events).getString("type"));
      assertEquals("patched", last(events).getJsonObject("finalOutputs").getJsonObject("code").getString("text"));
      JsonObject resolved = events.stream().filter(e -> "approval_resolved".equals(e.getString("type"))).findFirst()
          .orElseThrow();
      assertEquals("carol", resolved.getString("decidedBy"));
      assertEquals("modify", resolved.getString("action"));

      // A gate for approvers: the owner alone may not pass it.
      String strictId = startWorkflow(ws, "approvers", "needs an approver");
      String gate = untilGate(ws, strictId).getString("approvalId");
      assertEquals("FORBIDDEN", respond(ws, new JsonObject().put("approvalId", gate).put("approved", true)).getString("code"));
      assertEquals("INVALID_MESSAGE", respond(ws, new JsonObject().put("approvalId", gate)).getString("code"));
      assertEquals("INVALID_MESSAGE", respond(ws, new JsonObject().put("approvalId", gate).put("action", "maybe"))
          .getString("code"));
      assertEquals("NOT_FOUND", respond(ws, new JsonObject().put("approvalId", "nope").put("approved", true))
          .getString("code"));
      // A plain rejection of a gate that says onReject: fail ends the workflow.
      ok = carolBridge.request("agentbus.approval.respond", new JsonObject().put("approvalId", gate).put("approved", false)
          .put("feedback", "not now"), null);
      assertEquals("rejected", ok.getJsonObject("body").getString("status"));
      List<JsonObject> ended = eventsUntilEnd(ws, strictId);
      assertEquals("workflow_failed", last(ended).getString("type"));
      assertTrue(last(ended).getString("error").contains("rejected by carol: not now"), last(ended).encode());
    }
  }

  @Test
  void fiftyConcurrentDecisionsOnTwoNodesHaveExactlyOneWinner() throws Exception {
    try (WsClient ws = WsClient.authed(cluster, 0, alice, session())) {
      String id = startWorkflow(ws, "strict", "race for it");
      String approvalId = untilGate(ws, id).getString("approvalId");
      HttpClient http = HttpClient.newHttpClient();
      List<CompletableFuture<HttpResponse<String>>> all = new ArrayList<>();
      for (int i = 0; i < 50; i++) {
        boolean approve = i % 2 == 0;
        HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + cluster.port(i % 2)
                + "/api/approvals/" + approvalId))
            .header("Authorization", "Bearer " + (i % 3 == 0 ? alice : carol))
            .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("approved", approve)
                .put("feedback", "decision " + i).encode())).build();
        all.add(http.sendAsync(req, HttpResponse.BodyHandlers.ofString()));
      }
      List<HttpResponse<String>> responses = all.stream().map(CompletableFuture::join).toList();
      List<HttpResponse<String>> won = responses.stream().filter(r -> r.statusCode() == 200).toList();
      assertEquals(1, won.size(), responses.stream().map(r -> r.statusCode() + " " + r.body()).toList().toString());
      assertEquals(49, responses.stream().filter(r -> r.statusCode() == 409
          && r.body().contains("CONFLICT")).count());
      String outcome = new JsonObject(won.get(0).body()).getString("status");
      List<JsonObject> events = eventsUntilEnd(ws, id);
      List<JsonObject> resolved = events.stream().filter(e -> "approval_resolved".equals(e.getString("type"))).toList();
      assertEquals(1, resolved.size());
      assertEquals(outcome, resolved.get(0).getString("status"));
      // The workflow moved once: qa ran once after an approval, never after a rejection.
      long qaStarts = ofRole(events, "qa").stream().filter(e -> "agent_started".equals(e.getString("type"))).count();
      assertEquals("approved".equals(outcome) ? 1 : 0, qaStarts);
      assertEquals("approved".equals(outcome) ? "workflow_completed" : "workflow_failed", last(events).getString("type"));
      assertEquals(1L, cluster.count("SELECT count(*) FROM events WHERE stream = $1 AND type = 'approval_resolved'",
          StreamName.workflow(id)));
      assertEquals(outcome, cluster.db().preparedQuery("SELECT status FROM approvals WHERE id = $1")
          .execute(io.vertx.sqlclient.Tuple.of(approvalId)).await().iterator().next().getString(0));
    }
  }

  @Test
  void anApprovalExpiresOnceAtItsDeadlineAndTheWorkflowFails() {
    try (WsClient ws = WsClient.authed(cluster, 1, alice, session())) {
      String id = startWorkflow(ws, "expiring", "decide quickly");
      JsonObject gate = untilGate(ws, id);
      Instant deadline = Instant.parse(gate.getString("expiresAt"));
      JsonObject resolved = ws.next(f -> "approval_resolved".equals(f.getString("type")) && id.equals(f.getString("workflowId")),
          "the expiry");
      long lateMs = Instant.now().toEpochMilli() - deadline.toEpochMilli();
      assertEquals("expired", resolved.getString("status"));
      assertEquals("system", resolved.getString("decidedBy"));
      assertTrue(lateMs >= 0 && lateMs < 2000, "expired " + lateMs + " ms after the deadline");
      List<JsonObject> events = eventsUntilEnd(ws, id);
      assertEquals("workflow_failed", last(events).getString("type"));
      assertTrue(last(events).getString("error").contains("expired"));
      assertTrue(ofRole(events, "qa").isEmpty(), "an expiry must never continue silently");
      JsonObject late = respond(ws, new JsonObject().put("approvalId", gate.getString("approvalId")).put("approved", true));
      assertEquals("CONFLICT", late.getString("code"));
      assertTrue(late.getString("error").contains("expired"));
      ws.drain(1500);
      assertEquals(1L, cluster.count("SELECT count(*) FROM events WHERE stream = $1 AND type = 'approval_resolved'",
          StreamName.workflow(id)));
      double expired = 0;
      for (int n = 0; n < 2; n++) {
        expired += WorkflowKit.metricValue(cluster.http(n).get("/metrics", null).body(),
            "agentbus_approvals_total{outcome=\"expired\"}");
      }
      assertTrue(expired >= 1, "the expiry is counted on the node that made it");
    }
  }

  @Test
  void aGateThatSaysSoIsApprovedOnTimeout() {
    try (WsClient ws = WsClient.authed(cluster, 0, alice, session())) {
      String id = startWorkflow(ws, "autoapprove", "auto");
      List<JsonObject> events = eventsUntilEnd(ws, id);
      assertEquals("expired", events.stream().filter(e -> "approval_resolved".equals(e.getString("type"))).findFirst()
          .orElseThrow().getString("status"));
      assertEquals("workflow_completed", last(events).getString("type"));
      assertFalse(ofRole(events, "qa").isEmpty());
    }
  }

  @Test
  void decisionsRacingTheExpiryGetOneConsistentOutcome() throws Exception {
    try (WsClient ws = WsClient.authed(cluster, 0, alice, session());
         WsClient other = WsClient.authed(cluster, 1, alice, session())) {
      String id = startWorkflow(ws, "expiring", "race the clock");
      JsonObject gate = untilGate(ws, id);
      String approvalId = gate.getString("approvalId");
      long deadline = Instant.parse(gate.getString("expiresAt")).toEpochMilli();
      Thread.sleep(Math.max(0, deadline - System.currentTimeMillis() - 100));
      List<String> sent = new ArrayList<>();
      List<WsClient> from = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        WsClient c = i % 2 == 0 ? ws : other;
        sent.add(c.send(new JsonObject().put("type", "approval_response").put("approvalId", approvalId).put("approved", true)));
        from.add(c);
        Thread.sleep(25);
      }
      int acks = 0;
      for (int i = 0; i < sent.size(); i++) {
        JsonObject r = from.get(i).replyTo(sent.get(i));
        if ("ack".equals(r.getString("type"))) {
          acks++;
        } else {
          assertEquals("CONFLICT", r.getString("code"), r.encode());
        }
      }
      List<JsonObject> events = eventsUntilEnd(ws, id);
      List<JsonObject> resolved = events.stream().filter(e -> "approval_resolved".equals(e.getString("type"))).toList();
      assertEquals(1, resolved.size());
      String outcome = resolved.get(0).getString("status");
      assertEquals("approved".equals(outcome) ? 1 : 0, acks, "acks vs outcome " + outcome);
      assertEquals("approved".equals(outcome) ? "workflow_completed" : "workflow_failed", last(events).getString("type"));
      assertEquals(outcome, cluster.db().preparedQuery("SELECT status FROM approvals WHERE id = $1")
          .execute(io.vertx.sqlclient.Tuple.of(approvalId)).await().iterator().next().getString(0));
    }
  }

}
