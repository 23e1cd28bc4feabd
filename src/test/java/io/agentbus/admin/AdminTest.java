package io.agentbus.admin;

import io.agentbus.support.BridgeClient;
import io.agentbus.support.Http;
import io.agentbus.support.TwoNodeClusterTest;
import io.agentbus.support.WsClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The operator surface (PROTOCOL §9) on two clustered nodes: /admin/bus, the audit, the cluster view, streams. */
class AdminTest extends TwoNodeClusterTest {

  static final String ADMIN_TOKEN = "test-admin-token-0123456789";
  static String adminJwt;

  @BeforeAll
  static void start() {
    startCluster(Map.of("AGENTBUS_ADMIN_TOKEN", ADMIN_TOKEN, "AGENTBUS_ADMIN_MAX_BODY_BYTES", "4096"));
    adminJwt = cluster.token("root", "admin");
  }

  static Http.Response bus(int node, String bearer, JsonObject call) {
    return cluster.http(node).request("POST", "/admin/bus", call.encode(), "Authorization", "Bearer " + bearer,
        "Content-Type", "application/json");
  }

  static Http.Response get(int node, String bearer, String path) {
    return bearer == null ? cluster.http(node).request("GET", path, null)
        : cluster.http(node).request("GET", path, null, "Authorization", "Bearer " + bearer);
  }

  static JsonObject lastAudit() {
    return get(0, ADMIN_TOKEN, "/admin/audit?limit=1").json().getJsonArray("entries").getJsonObject(0);
  }

  @Test
  void aChannelPostThroughTheAdminEndpointIsPersistedAndReachesEveryNodeInOrder() {
    try (WsClient ws = WsClient.authed(cluster, 0, alice, null); BridgeClient br = cluster.bridge(1, bob)) {
      String id = ws.send(new JsonObject().put("type", "subscribe").put("channel", "general"));
      ws.replyTo(id);
      br.registerAndSettle("agentbus.channel.general");
      long from = liveOnBridge(ws, br);
      Http.Response first = bus(1, ADMIN_TOKEN, new JsonObject().put("address", "agentbus.channel.general")
          .put("mode", "publish").put("body", new JsonObject().put("content", "maintenance at 18:00")));
      assertEquals(202, first.status(), first.body());
      assertEquals(from + 1, first.json().getLong("seq"));
      Http.Response second = bus(0, adminJwt, new JsonObject().put("address", "agentbus.channel.general")
          .put("body", new JsonObject().put("content", "done")));
      assertEquals(202, second.status(), second.body());
      JsonObject a = ws.next("message");
      JsonObject b = ws.next("message");
      assertEquals(List.of("maintenance at 18:00", "done"), List.of(a.getString("content"), b.getString("content")));
      assertEquals(List.of(from + 1, from + 2), List.of(a.getLong("seq"), b.getLong("seq")));
      assertEquals("system", a.getString("authorType"));
      assertEquals("admin-token", a.getString("authorId"));
      assertEquals("root", b.getString("authorId"));
      assertEquals("maintenance at 18:00", br.next("agentbus.channel.general").getString("content"));
      assertEquals("done", br.next("agentbus.channel.general").getString("content"));
      // The stream inspector sees them, paged.
      JsonObject page = get(1, ADMIN_TOKEN, "/admin/streams/channel:general?after=" + from + "&limit=1").json();
      assertEquals(1, page.getJsonArray("events").size());
      assertEquals(from + 1, page.getJsonArray("events").getJsonObject(0).getLong("seq"));
      assertTrue(page.getBoolean("hasMore"));
      assertEquals(from + 2, page.getLong("lastSeq"));
      assertEquals(400, get(1, ADMIN_TOKEN, "/admin/streams/nonsense").status());
    }
  }

  /**
   * Chats probes until one reaches the bridge socket: its registration has then taken effect on
   * its node (a fixed settle time was not always enough on a loaded machine). Returns the last
   * probe's seq, with both clients' queues drained of the probes.
   */
  private static long liveOnBridge(WsClient ws, BridgeClient br) {
    long deadline = System.currentTimeMillis() + 10_000;
    while (true) {
      String id = ws.send(new JsonObject().put("type", "chat").put("channel", "general").put("content", "probe"));
      long seq = ws.replyTo(id).getLong("seq");
      ws.next(f -> "message".equals(f.getString("type")) && f.getLong("seq", -1L) == seq, "the probe");
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
      boolean seen = false;
      while (br.pending("agentbus.channel.general") > 0) {
        seen |= "probe".equals(br.nextAny("agentbus.channel.general").getString("content"));
      }
      if (seen || System.currentTimeMillis() > deadline) {
        return seq;
      }
    }
  }

  @Test
  void requestsGetTheirReplyOrA504AndSendsAreAccepted() {
    Http.Response r = bus(0, ADMIN_TOKEN, new JsonObject().put("address", "agentbus.chat.send").put("mode", "request")
        .put("body", new JsonObject().put("channel", "general").put("content", "via request")));
    assertEquals(200, r.status(), r.body());
    assertNotNull(r.json().getJsonObject("reply").getLong("seq"));
    long t0 = System.currentTimeMillis();
    Http.Response none = bus(1, ADMIN_TOKEN, new JsonObject().put("address", "agentbus.nobody.home").put("mode", "request")
        .put("timeoutMs", 500).put("body", new JsonObject()));
    assertEquals(504, none.status(), none.body());
    assertTrue(System.currentTimeMillis() - t0 < 5_000);
    assertEquals("timeout", lastAudit().getString("outcome"));
    Http.Response refusedByService = bus(0, ADMIN_TOKEN, new JsonObject().put("address", "agentbus.chat.send")
        .put("mode", "request").put("body", new JsonObject().put("channel", "no-such-channel").put("content", "x")));
    assertEquals(404, refusedByService.status(), refusedByService.body());
    assertEquals(202, bus(0, ADMIN_TOKEN, new JsonObject().put("address", "agentbus.typing").put("mode", "send")
        .put("body", new JsonObject().put("channel", "general").put("typing", true))).status());
  }

  @Test
  void refusalsAreCodedAndEveryCallIsAuditedWithoutItsBody() {
    JsonObject publish = new JsonObject().put("address", "agentbus.channel.general")
        .put("body", new JsonObject().put("content", "secret-looking text"));
    assertEquals(401, bus(0, "wrong", publish).status());
    JsonObject a = lastAudit();
    assertEquals(401, a.getInteger("status"));
    assertEquals("refused", a.getString("outcome"));
    assertNull(a.getString("actor"));
    assertEquals(401, get(1, null, "/admin/cluster").status());
    assertEquals(403, bus(1, alice, publish).status());
    JsonObject forbidden = lastAudit(); // (each read of the audit is itself audited, after it answers)
    assertEquals("alice", forbidden.getString("actor"));
    assertEquals(403, forbidden.getInteger("status"));
    Http.Response internal = bus(0, ADMIN_TOKEN, new JsonObject().put("address", "internal.router.post")
        .put("body", new JsonObject()));
    assertEquals(400, internal.status());
    assertEquals("internal.router.post", lastAudit().getString("address"));
    assertEquals(400, bus(0, ADMIN_TOKEN, new JsonObject().put("address", "other.thing").put("body", 1)).status());
    assertEquals(400, bus(0, ADMIN_TOKEN, new JsonObject().put("address", "agentbus.channel.general")
        .put("mode", "request").put("body", new JsonObject())).status());
    assertEquals(400, bus(0, ADMIN_TOKEN, new JsonObject().put("address", "agentbus.x").put("mode", "shout")
        .put("body", 1)).status());
    assertEquals(400, cluster.http(0).request("POST", "/admin/bus", "not json", "Authorization", "Bearer " + ADMIN_TOKEN,
        "Content-Type", "application/json").status());
    Http.Response big = bus(0, ADMIN_TOKEN, new JsonObject().put("address", "agentbus.channel.general")
        .put("body", new JsonObject().put("content", "x".repeat(5000))));
    assertEquals(413, big.status(), big.body());
    assertEquals(413, lastAudit().getInteger("status"));

    // What the audit keeps of an allowed call: who, what, size and hash — never the body.
    assertEquals(202, bus(1, ADMIN_TOKEN, publish).status());
    JsonObject ok = lastAudit();
    assertEquals("admin-token", ok.getString("actor"));
    assertEquals("POST", ok.getString("method"));
    assertEquals("/admin/bus", ok.getString("path"));
    assertEquals("agentbus.channel.general", ok.getString("address"));
    assertEquals("publish", ok.getString("mode"));
    assertEquals("ok", ok.getString("outcome"));
    assertEquals(202, ok.getInteger("status"));
    assertEquals(publish.encode().length(), ok.getInteger("bodyBytes"));
    assertEquals(64, ok.getString("bodySha256").length());
    assertFalse(ok.encode().contains("secret-looking"));
    // Paged, newest first; and append-only in the database itself.
    JsonObject page = get(0, ADMIN_TOKEN, "/admin/audit?limit=3").json();
    assertEquals(3, page.getJsonArray("entries").size());
    assertTrue(page.getBoolean("hasMore"));
    long oldest = page.getJsonArray("entries").getJsonObject(2).getLong("id");
    JsonArray older = get(0, ADMIN_TOKEN, "/admin/audit?limit=2&before=" + oldest).json().getJsonArray("entries");
    assertTrue(older.getJsonObject(0).getLong("id") < oldest);
    assertThrows(RuntimeException.class, () -> cluster.db().query("UPDATE admin_audit SET status = 200").execute().await());
    assertThrows(RuntimeException.class, () -> cluster.db().query("DELETE FROM admin_audit").execute().await());
  }

  @Test
  void theClusterViewListsEveryNodeWithItsFields() {
    JsonObject view = get(1, adminJwt, "/admin/cluster").json();
    JsonArray members = view.getJsonArray("members");
    assertEquals(2, members.size(), view.encode());
    for (Object o : members) {
      JsonObject m = (JsonObject) o;
      assertTrue(m.getBoolean("reachable"), m.encode());
      for (String f : List.of("nodeId", "address", "httpPort", "verticles", "connections", "followedStreams",
          "uptimeSeconds", "version", "templatesHash", "agentKinds")) {
        assertNotNull(m.getValue(f), f + " in " + m.encode());
      }
      assertTrue(m.getBoolean("templatesMatch"));
    }
    assertTrue(view.getBoolean("templatesAgree"));
    assertTrue(view.getBoolean("agentKindsAgree"), view.encode());
    assertEquals(cluster.node(1).nodeId(), view.getString("nodeId"));
  }

  @Test
  void anIdempotencyKeyStoresOnceOnAnyNode() {
    try (WsClient a = WsClient.authed(cluster, 0, alice, null); WsClient b = WsClient.authed(cluster, 1, alice, null)) {
      JsonObject chat = new JsonObject().put("type", "chat").put("channel", "general").put("content", "only once")
          .put("idempotencyKey", "k-" + System.nanoTime());
      JsonObject first = a.replyTo(a.send(chat.copy()));
      JsonObject again = b.replyTo(b.send(chat.copy()));
      assertEquals("ack", again.getString("type"), again.encode());
      assertEquals(first.getLong("seq"), again.getLong("seq"));
      assertEquals(first.getString("messageId"), again.getString("messageId"));
      assertEquals(true, again.getBoolean("duplicate"));
      assertEquals(1, cluster.count("SELECT count(*) FROM messages WHERE content = 'only once'"));
      // Another user's same key is theirs alone.
      try (WsClient c = WsClient.authed(cluster, 1, bob, null)) {
        JsonObject other = c.replyTo(c.send(chat.copy()));
        assertFalse(other.containsKey("duplicate"));
      }
      assertEquals("INVALID_MESSAGE", a.replyTo(a.send(chat.copy().put("idempotencyKey", "x".repeat(129))))
          .getString("code"));
    }
    JsonObject call = new JsonObject().put("address", "agentbus.channel.general").put("idempotencyKey", "admin-once")
        .put("body", new JsonObject().put("content", "admin once"));
    Http.Response p1 = bus(0, ADMIN_TOKEN, call);
    Http.Response p2 = bus(1, ADMIN_TOKEN, call);
    assertEquals(p1.json().getLong("seq"), p2.json().getLong("seq"));
    assertEquals(1, cluster.count("SELECT count(*) FROM messages WHERE content = 'admin once'"));
  }
}
