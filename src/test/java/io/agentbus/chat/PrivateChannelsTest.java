package io.agentbus.chat;

import io.agentbus.support.BridgeClient;
import io.agentbus.support.Http;
import io.agentbus.support.SseClient;
import io.agentbus.support.TestCluster;
import io.agentbus.support.TwoNodeClusterTest;
import io.agentbus.support.WorkflowKit;
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
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Private channels and direct messages (PROTOCOL §7.1) on two nodes: a non-member can list, read,
 * search, subscribe to and register nothing of them, on any transport; a removed member loses the
 * live subscription on the other node within a second; DMs are one channel from either side, and
 * in a DM with an agent every message is a task for it.
 */
class PrivateChannelsTest extends TwoNodeClusterTest {

  private static String carol;

  @BeforeAll
  static void start() throws Exception {
    String file = Path.of(PrivateChannelsTest.class.getResource("/workflows-test.json").toURI()).toString();
    startCluster(Map.of("AGENTBUS_ORCHESTRATOR_WORKFLOWS_FILE", file));
    carol = cluster.token("carol");
    // Users are known once they have signed in: each opens a connection once.
    for (String t : List.of(alice, bob, carol)) {
      WsClient.authed(cluster, 0, t, "s-" + UUID.randomUUID()).close();
    }
  }

  private static String name() {
    return "p-" + UUID.randomUUID().toString().substring(0, 8);
  }

  private static Http.Response create(String name, String token, String... members) {
    return cluster.http(0).post("/api/channels", new JsonObject().put("name", name).put("private", true)
        .put("members", new JsonArray(List.of(members))).encode(), token);
  }

  private static List<String> listed(int node, String token) {
    return cluster.http(node).get("/api/channels", token).json().getJsonArray("channels").stream()
        .map(o -> ((JsonObject) o).getString("name")).toList();
  }

  private static Http.Response delete(int node, String path, String token) {
    return cluster.http(node).request("DELETE", path, null, "Authorization", "Bearer " + token);
  }

  @Test
  void aNonMemberCanListReadSearchSubscribeAndRegisterNothingOfAPrivateChannel() {
    String secret = name();
    Http.Response made = create(secret, alice, "bob");
    assertEquals(201, made.status(), made.body());
    assertEquals(true, made.json().getBoolean("private"));
    String word = "zebra" + UUID.randomUUID().toString().substring(0, 6);
    try (WsClient a = WsClient.authed(cluster, 0, alice, null); WsClient c = WsClient.authed(cluster, 1, carol, null)) {
      JsonObject ack = a.replyTo(a.send(new JsonObject().put("type", "chat").put("channel", secret)
          .put("content", "the " + word + " plan")));
      assertEquals("ack", ack.getString("type"), ack.encode());
      String messageId = ack.getString("messageId");

      // Members see it listed, as private; carol does not, on either node.
      assertTrue(listed(1, bob).contains(secret));
      assertFalse(listed(0, carol).contains(secret));
      assertFalse(listed(1, carol).contains(secret));
      // REST: every read is exactly what a channel that does not exist answers.
      String nowhere = name();
      for (String path : List.of("/messages", "/pins", "/presence", "/members")) {
        Http.Response r = cluster.http(1).get("/api/channels/" + secret + path, carol);
        Http.Response none = cluster.http(1).get("/api/channels/" + nowhere + path, carol);
        assertEquals(404, r.status(), path + ": " + r.body());
        assertEquals(none.body().replace(nowhere, "X"), r.body().replace(secret, "X"), path);
      }
      assertEquals(200, cluster.http(1).get("/api/channels/" + secret + "/members", bob).status());
      assertEquals(0, cluster.http(1).get("/api/search?q=" + word, carol).json().getJsonArray("results").size());
      assertEquals(1, cluster.http(1).get("/api/search?q=" + word, bob).json().getJsonArray("results").size());
      assertEquals(404, cluster.http(1).get("/api/search?q=" + word + "&channel=" + secret, carol).status());
      // /ws: subscribe, history, chat, reaction, search: NOT_FOUND or nothing.
      for (JsonObject f : List.of(new JsonObject().put("type", "subscribe").put("channel", secret),
          new JsonObject().put("type", "history").put("channel", secret),
          new JsonObject().put("type", "chat").put("channel", secret).put("content", "let me in"),
          new JsonObject().put("type", "typing_start").put("channel", secret),
          new JsonObject().put("type", "reaction").put("channel", secret).put("messageId", messageId).put("emoji", "👍"))) {
        JsonObject r = c.replyTo(c.send(f));
        assertEquals("error", r.getString("type"), f.encode() + " → " + r.encode());
        assertEquals("NOT_FOUND", r.getString("code"), f.encode() + " → " + r.encode());
      }
      assertEquals(0, c.replyTo(c.send(new JsonObject().put("type", "search").put("query", word)))
          .getJsonArray("results").size());
      // SSE and the SockJS bridge.
      try (SseClient sse = new SseClient(TestCluster.HOST, cluster.port(1), "/api/streams/channel:" + secret + "/events",
          carol, "Accept", "text/event-stream")) {
        assertEquals(404, sse.status());
      }
      try (BridgeClient br = cluster.bridge(1, carol)) {
        br.register("agentbus.channel." + secret);
        JsonObject refused = br.nextError(3000);
        assertNotNull(refused, "a non-member's register is refused");
        br.register("agentbus.channel." + nowhere);
        assertEquals(refused.getString("body"), br.nextError(3000).getString("body"), "as for no channel at all");
      }
      // Nothing of it reached carol's connection meanwhile.
      assertTrue(c.drain(300).stream().noneMatch(f -> secret.equals(f.getString("channel"))));
    }
  }

  @Test
  void onlyTheCreatorOrAnAdminChangesMembersAndARemovedMemberLosesTheLiveChannelWithinASecond() {
    String room = name();
    assertEquals(201, create(room, alice, "bob").status());
    // A member who is not the creator may not add; a non-member is told there is no such channel.
    assertEquals(403, cluster.http(1).post("/api/channels/" + room + "/members", "{\"userId\":\"carol\"}", bob).status());
    assertEquals(404, cluster.http(1).post("/api/channels/" + room + "/members", "{\"userId\":\"carol\"}", carol).status());
    assertEquals(404, cluster.http(0).post("/api/channels/" + room + "/members", "{\"userId\":\"nobody-" + UUID.randomUUID()
        + "\"}", alice).status(), "an unknown user");
    try (WsClient b = WsClient.authed(cluster, 1, bob, null); WsClient a = WsClient.authed(cluster, 0, alice, null)) {
      assertEquals("subscribed", b.replyTo(b.send(new JsonObject().put("type", "subscribe").put("channel", room)))
          .getString("type"));
      a.replyTo(a.send(new JsonObject().put("type", "chat").put("channel", room).put("content", "before")));
      b.next(f -> "message".equals(f.getString("type")) && "before".equals(f.getString("content")), "the message before");
      b.drain(200); // what came before the removal (presence)

      long t0 = System.currentTimeMillis();
      Http.Response removed = delete(0, "/api/channels/" + room + "/members/bob", alice);
      assertEquals(200, removed.status(), removed.body());
      assertTrue(removed.json().getBoolean("removed"));
      JsonObject gone = b.next(f -> "unsubscribed".equals(f.getString("type")), "unsubscribed on the other node");
      long took = System.currentTimeMillis() - t0;
      assertEquals("channel:" + room, gone.getString("stream"));
      assertEquals("removed", gone.getString("reason"));
      assertTrue(took < 1000, "within a second: " + took + " ms");
      a.replyTo(a.send(new JsonObject().put("type", "chat").put("channel", room).put("content", "after")));
      List<JsonObject> later = b.drain(800).stream().filter(f -> room.equals(f.getString("channel"))
          || ("channel:" + room).equals(f.getString("stream"))).toList();
      assertTrue(later.isEmpty(), "nothing more of it: " + later);
      assertEquals(404, cluster.http(1).get("/api/channels/" + room + "/messages", bob).status());
      assertFalse(listed(1, bob).contains(room));
      JsonObject again = b.replyTo(b.send(new JsonObject().put("type", "subscribe").put("channel", room)));
      assertEquals("NOT_FOUND", again.getString("code"), again.encode());
    }
    // Added back by the creator, then leaving by themselves.
    assertEquals(200, cluster.http(1).post("/api/channels/" + room + "/members", "{\"userId\":\"bob\"}", alice).status());
    assertTrue(listed(1, bob).contains(room));
    JsonArray members = cluster.http(1).get("/api/channels/" + room + "/members", bob).json().getJsonArray("members");
    assertEquals(List.of("alice", "bob"), members.stream().map(o -> ((JsonObject) o).getString("userId")).toList());
    assertEquals(200, cluster.http(1).post("/api/channels/" + room + "/leave", "{}", bob).status());
    assertFalse(listed(1, bob).contains(room));
    // An admin who is not a member manages it.
    String admin = cluster.token("root", "admin");
    assertEquals(200, cluster.http(0).post("/api/channels/" + room + "/members", "{\"userId\":\"carol\"}", admin).status());
    assertTrue(listed(0, carol).contains(room));
  }

  @Test
  void channelListsChangeLiveForThoseConcernedOnEveryNode() {
    try (WsClient b = WsClient.authed(cluster, 1, bob, null); WsClient c = WsClient.authed(cluster, 0, carol, null)) {
      String room = name();
      assertEquals(201, create(room, alice, "bob").status());
      JsonObject told = b.next(f -> "channels_changed".equals(f.getString("type")), "channels_changed for bob");
      assertEquals(room, told.getString("channel"));
      assertTrue(c.drain(500).stream().noneMatch(f -> "channels_changed".equals(f.getString("type"))),
          "carol is not told of a private channel she is not in");
      String open = name();
      assertEquals(201, cluster.http(0).post("/api/channels", new JsonObject().put("name", open).encode(), alice).status());
      assertEquals(open, c.next(f -> "channels_changed".equals(f.getString("type")), "a public channel, for everyone")
          .getString("channel"));
    }
  }

  @Test
  void aChannelIsRenamedAndArchivedByItsCreatorAndEveryNodeKnowsAtOnce() {
    String ch = name();
    assertEquals(201, cluster.http(0).post("/api/channels", new JsonObject().put("name", ch).encode(), alice).status());
    try (WsClient b = WsClient.authed(cluster, 1, bob, null)) {
      // Node 1 has the channel in its cache once Bob posts there.
      JsonObject ok = b.replyTo(b.send(new JsonObject().put("type", "chat").put("channel", ch).put("content", "first")));
      assertEquals("ack", ok.getString("type"), ok.encode());
      assertEquals(403, cluster.http(1).post("/api/channels/" + ch, "{\"title\":\"Mine now\"}", bob).status(), "not his");
      Http.Response renamed = cluster.http(0).post("/api/channels/" + ch, "{\"title\":\"Launch room\"}", alice);
      assertEquals(200, renamed.status(), renamed.body());
      assertEquals("Launch room", renamed.json().getString("title"));
      assertEquals(ch, b.next(f -> "channels_changed".equals(f.getString("type")), "told of the rename").getString("channel"));
      JsonObject listed = cluster.http(1).get("/api/channels", bob).json().getJsonArray("channels").stream()
          .map(JsonObject.class::cast).filter(c -> ch.equals(c.getString("name"))).findFirst().orElseThrow();
      assertEquals("Launch room", listed.getString("title"));
      // Archived on node 0: node 1 refuses a post at once (its cached channel was dropped), history stays.
      assertEquals(200, cluster.http(0).post("/api/channels/" + ch, "{\"archived\":true}", alice).status());
      b.next(f -> "channels_changed".equals(f.getString("type")), "told of the archive");
      JsonObject refused = b.replyTo(b.send(new JsonObject().put("type", "chat").put("channel", ch).put("content", "late")));
      assertEquals("FORBIDDEN", refused.getString("code"), refused.encode());
      assertTrue(refused.getString("error").contains("archived"), refused.encode());
      assertEquals(1, cluster.http(1).get("/api/channels/" + ch + "/messages", bob).json().getJsonArray("messages").size());
      assertEquals(400, cluster.http(0).post("/api/channels/" + ch, "{\"archived\":\"yes\"}", alice).status());
      assertEquals(200, cluster.http(0).post("/api/channels/" + ch, "{\"archived\":false}", alice).status());
      b.next(f -> "channels_changed".equals(f.getString("type")), "told of the restore");
      assertEquals("ack", b.replyTo(b.send(new JsonObject().put("type", "chat").put("channel", ch).put("content", "again")))
          .getString("type"));
    }
  }

  @Test
  void aDirectMessageIsOneChannelFromEitherSideAndRefusalsCreateNothing() {
    int before = listed(0, alice).size();
    assertEquals(400, cluster.http(0).post("/api/dms", "{\"with\":\"alice\"}", alice).status(), "with yourself");
    assertEquals(400, cluster.http(0).post("/api/dms", "{\"with\":42}", alice).status());
    assertEquals(400, cluster.http(0).post("/api/dms", "not json", alice).status());
    assertEquals(404, cluster.http(0).post("/api/dms", "{\"with\":\"ghost-" + UUID.randomUUID().toString().substring(0, 6)
        + "\"}", alice).status());
    assertEquals(404, cluster.http(0).post("/api/dms", "{\"with\":\"@nosuchrole\"}", alice).status());
    assertEquals(before, listed(0, alice).size(), "nothing was created");

    Http.Response mine = cluster.http(0).post("/api/dms", "{\"with\":\"bob\"}", alice);
    assertEquals(200, mine.status(), mine.body());
    assertEquals("dm", mine.json().getString("type"));
    String dm = mine.json().getString("channel");
    assertEquals(dm, cluster.http(1).post("/api/dms", "{\"with\":\"alice\"}", bob).json().getString("channel"),
        "the same channel from the other side");
    JsonObject seen = cluster.http(0).get("/api/channels", alice).json().getJsonArray("channels").stream()
        .map(JsonObject.class::cast).filter(c -> dm.equals(c.getString("name"))).findFirst().orElseThrow();
    assertEquals("dm", seen.getString("type"));
    assertEquals("bob", seen.getString("with"));
    assertFalse(listed(0, carol).contains(dm));
    assertEquals(404, cluster.http(0).get("/api/channels/" + dm + "/messages", carol).status());
    assertEquals(400, cluster.http(0).post("/api/channels", "{\"name\":\"dm-mine\"}", carol).status(), "DM names are reserved");
  }

  @Test
  void inADirectMessageWithAnAgentEveryMessageIsItsTask() {
    Http.Response opened = cluster.http(0).post("/api/dms", "{\"with\":\"@code\"}", alice);
    assertEquals(200, opened.status(), opened.body());
    String dm = opened.json().getString("channel");
    try (WsClient a = WsClient.authed(cluster, 1, alice, null)) {
      a.replyTo(a.send(new JsonObject().put("type", "subscribe").put("channel", dm)));
      JsonObject ack = a.replyTo(a.send(new JsonObject().put("type", "chat").put("channel", dm)
          .put("content", "refactor the login form")));
      List<JsonObject> answer = WorkflowKit.agentAnswer(a, ack.getString("messageId"));
      assertEquals("code", answer.get(0).getString("authorId"));
      assertEquals(dm, answer.get(0).getString("channel"));
      JsonObject end = WorkflowKit.last(answer);
      assertEquals("complete", end.getString("status"));
      assertTrue(end.getString("content").contains("refactor the login form"), end.encode());
    }
    assertFalse(listed(0, bob).contains(dm));
  }
}
