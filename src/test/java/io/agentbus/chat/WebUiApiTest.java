package io.agentbus.chat;

import io.agentbus.support.IntegrationTest;
import io.agentbus.support.TestCluster;
import io.agentbus.support.WorkflowKit;
import io.agentbus.support.WsClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import org.junit.jupiter.api.Test;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the web UI asks of the server beyond §1–§10: names, the directory, past sessions, paging forward, the client config. */
@IntegrationTest
class WebUiApiTest {

  @Test
  void displayNamesSessionsForwardPagesAndTheClientConfig() throws Exception {
    try (TestCluster c = TestCluster.start(Map.of(), Map.of())) {
      String ada = c.token("ada");
      // a display name set on one node is what every node tells
      assertEquals("ada", c.http(0).get("/api/me", ada).json().getString("displayName"), "no name yet: the id");
      assertEquals(400, c.http(0).post("/api/me", "{\"displayName\":\"bad\\u0007name\"}", ada).status());
      assertEquals(400, c.http(0).post("/api/me", "{\"displayName\":\"   \"}", ada).status());
      assertEquals(401, c.http(0).get("/api/me", null).status());
      JsonObject set = c.http(0).post("/api/me", "{\"displayName\":\"  Ada Lovelace \"}", ada).json();
      assertEquals("Ada Lovelace", set.getString("displayName"));
      assertTrue(set.getJsonArray("roles").contains("user"));
      JsonArray users = c.http(1).get("/api/users", c.token("bob")).json().getJsonArray("users");
      assertTrue(users.stream().map(JsonObject.class::cast).anyMatch(u -> "ada".equals(u.getString("userId"))
          && "Ada Lovelace".equals(u.getString("displayName"))), users.encode());

      // history forward from a seq (after a jump into the past), and refused with before
      try (WsClient ws = c.wsAuthedAt(c.port(0), ada, "ui-session-1")) {
        for (int i = 1; i <= 5; i++) {
          ws.replyTo(ws.send(new JsonObject().put("type", "chat").put("channel", "general").put("content", "m" + i)));
        }
        JsonObject fwd = ws.replyTo(ws.send(new JsonObject().put("type", "history").put("channel", "general")
            .put("after", 2).put("limit", 2)));
        assertEquals("message_history", fwd.getString("type"), fwd.encode());
        assertEquals(java.util.List.of("m3", "m4"), fwd.getJsonArray("messages").stream()
            .map(o -> ((JsonObject) o).getString("content")).toList());
        assertTrue(fwd.getBoolean("hasMore"));
        JsonObject bad = ws.replyTo(ws.send(new JsonObject().put("type", "history").put("channel", "general")
            .put("after", 2).put("before", 9)));
        assertEquals("INVALID_MESSAGE", bad.getString("code"));
        // the caller's past sessions (those that ran workflows), newest first, theirs only
        ws.replyTo(ws.send(new JsonObject().put("type", "user_input").put("content", "plan the launch")));
      }
      JsonArray sessions = null;
      for (int i = 0; i < 50; i++) {
        sessions = c.http(1).get("/api/sessions", ada).json().getJsonArray("sessions");
        if (!sessions.isEmpty()) {
          break;
        }
        Thread.sleep(100);
      }
      assertEquals("ui-session-1", sessions.getJsonObject(0).getString("sessionId"), sessions.encode());
      assertEquals("plan the launch", sessions.getJsonObject(0).getString("title"));
      assertTrue(c.http(0).get("/api/sessions", c.token("bob")).json().getJsonArray("sessions").isEmpty());

      // what a client reads before it signs in
      JsonObject cfg = c.http(0).get("/api/auth/config", null).json();
      assertTrue(cfg.getBoolean("devLogin"));
      assertTrue(cfg.getJsonObject("uploads").getJsonArray("extensions").contains("pdf"));
      assertFalse(cfg.encode().contains("secret"));
      // the page allows no inline script
      String csp = c.http(0).get("/", null).header("Content-Security-Policy");
      assertTrue(csp.contains("script-src 'self';"), csp);
    }
  }

  @Test
  void approversHearThatThePendingListChanged() throws Exception {
    Map<String, String> env = Map.of("AGENTBUS_ORCHESTRATOR_WORKFLOWS_FILE", WorkflowKit.testWorkflowsFile());
    try (TestCluster c = TestCluster.start(env, env);
         WsClient owner = c.wsAuthedAt(c.port(0), c.token("ada"), null);
         WsClient approver = c.wsAuthedAt(c.port(1), c.token("carol", "approver"), null);
         WsClient other = c.wsAuthedAt(c.port(1), c.token("dave"), null);
         io.agentbus.support.BridgeClient approverBridge = c.bridge(0, c.token("erin", "approver"));
         io.agentbus.support.BridgeClient userBridge = c.bridge(0, c.token("frank"))) {
      // Over SockJS the same notice is an address approvers may register, and nobody else
      approverBridge.registerAndSettle(io.agentbus.bus.Addresses.APPROVALS_INBOX);
      userBridge.register(io.agentbus.bus.Addresses.APPROVALS_INBOX);
      assertTrue(userBridge.nextError(3000) != null, "a user without the role is refused");
      owner.replyTo(owner.send(new JsonObject().put("type", "user_input").put("content", "x").put("workflow", "review")));
      JsonObject added = approver.next(f -> "approvals_changed".equals(f.getString("type")), "the inbox notice");
      assertEquals("pending", added.getString("status"));
      assertEquals(added.getString("approvalId"), approverBridge.next(io.agentbus.bus.Addresses.APPROVALS_INBOX).getString("approvalId"));
      String id = added.getString("approvalId");
      owner.replyTo(owner.send(new JsonObject().put("type", "approval_response").put("approvalId", id).put("action", "approve")));
      JsonObject decided = approver.next(f -> "approvals_changed".equals(f.getString("type")) && !"pending".equals(f.getString("status")), "decided");
      assertEquals("approved", decided.getString("status"));
      assertTrue(other.drain(300).stream().noneMatch(f -> "approvals_changed".equals(f.getString("type"))), "not to other users");
    }
  }
}
