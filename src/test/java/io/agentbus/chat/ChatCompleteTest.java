package io.agentbus.chat;

import io.agentbus.stream.StreamName;
import io.agentbus.support.BridgeClient;
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
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Chat, complete (PROTOCOL §7) on two clustered nodes and real PostgreSQL: threads, edits,
 * deletes, reactions, pins, search, read markers and presence, each change seen live on the other
 * node, on resume and in history alike.
 */
class ChatCompleteTest extends TwoNodeClusterTest {

  static String admin;
  static String approver;

  @BeforeAll
  static void start() {
    startCluster(Map.of("AGENTBUS_LIMITS_RATE_PER_SECOND", "5000", "AGENTBUS_LIMITS_RATE_BURST", "5000"));
    admin = cluster.token("root", "admin");
    approver = cluster.token("carol", "approver");
  }

  static String channel(String name) {
    assertEquals(201, cluster.http(0).post("/api/channels", new JsonObject().put("name", name).encode(), alice).status());
    return name;
  }

  static JsonObject ask(WsClient c, JsonObject frame) {
    return c.replyTo(c.send(frame));
  }

  static JsonObject ok(WsClient c, JsonObject frame) {
    JsonObject r = ask(c, frame);
    assertFalse("error".equals(r.getString("type")), r.encode());
    return r;
  }

  static JsonObject chat(WsClient c, String channel, String content, String threadId) {
    JsonObject f = new JsonObject().put("type", "chat").put("channel", channel).put("content", content);
    if (threadId != null) {
      f.put("threadId", threadId);
    }
    JsonObject ack = ok(c, f);
    assertEquals("ack", ack.getString("type"), ack.encode());
    return ack;
  }

  static void subscribe(WsClient c, String channel, Long lastSeq) {
    JsonObject f = new JsonObject().put("type", "subscribe").put("channel", channel);
    if (lastSeq != null) {
      f.put("lastSeq", lastSeq);
    }
    assertEquals("subscribed", ok(c, f).getString("type"));
  }

  static void assertError(JsonObject r, String code) {
    assertEquals("error", r.getString("type"), r.encode());
    assertEquals(code, r.getString("code"), r.encode());
    assertNotNull(r.getValue("replyTo"), r.encode());
  }

  static long stored(String channel) {
    return cluster.count("SELECT count(*) FROM events WHERE stream = $1", StreamName.channel(channel));
  }

  static JsonObject history(WsClient c, JsonObject frame) {
    JsonObject h = ok(c, frame.put("type", "history"));
    assertEquals("message_history", h.getString("type"), h.encode());
    return h;
  }

  @Test
  void threadRepliesEditsAndDeletesAreEventsThatLiveResumeAndHistoryAgreeOn() {
    String ch = channel("threads");
    try (WsClient a = WsClient.authed(cluster, 0, alice, null); WsClient b = WsClient.authed(cluster, 1, bob, null)) {
      subscribe(a, ch, null);
      subscribe(b, ch, null);
      JsonObject root = chat(a, ch, "Shall we ship the release today?", null);
      String rootId = root.getString("messageId");
      JsonObject live = b.next("message");
      assertEquals(rootId, live.getString("messageId"));
      assertEquals(false, live.getBoolean("deleted"));
      assertEquals(0, live.getJsonObject("threadSummary").getInteger("replies"));
      assertEquals(new JsonObject(), live.getJsonObject("reactions").getJsonObject("counts"));

      // A reply from the other node: a message in the thread, then the root's new summary.
      JsonObject reply = chat(b, ch, "Yes, after the tests pass", rootId);
      JsonObject seenReply = a.next(f -> reply.getString("messageId").equals(f.getString("messageId")), "the reply");
      assertEquals(rootId, seenReply.getString("threadId"));
      JsonObject updated = a.next("thread_updated");
      assertEquals(rootId, updated.getString("messageId"));
      assertEquals(1, updated.getJsonObject("threadSummary").getInteger("replies"));
      assertEquals(new JsonArray().add("bob"), updated.getJsonObject("threadSummary").getJsonArray("participants"));
      assertEquals(reply.getLong("seq") + 1, updated.getLong("seq"));

      // A reply to a reply lands in the same thread.
      JsonObject nested = chat(a, ch, "great", reply.getString("messageId"));
      assertEquals(rootId, nested.getString("threadId"));
      assertEquals(2, a.next("thread_updated").getJsonObject("threadSummary").getInteger("replies"));

      // Only the author (or an admin) edits; a refusal stores nothing.
      long before = stored(ch);
      assertError(ask(b, new JsonObject().put("type", "message_edit").put("messageId", rootId).put("content", "no")),
          "FORBIDDEN");
      assertEquals(before, stored(ch));
      JsonObject edit = ok(a, new JsonObject().put("type", "message_edit").put("messageId", rootId)
          .put("content", "Shall we ship the release tomorrow?"));
      assertEquals(before + 1, edit.getLong("seq"));
      JsonObject edited = b.next("message_edited");
      assertEquals("Shall we ship the release tomorrow?", edited.getString("content"));
      assertEquals("alice", edited.getString("editedBy"));
      assertNotNull(edited.getString("editedAt"));

      // Bob deletes his reply; an admin deletes alice's nested one.
      ok(b, new JsonObject().put("type", "message_delete").put("messageId", reply.getString("messageId")));
      JsonObject deleted = a.next("message_deleted");
      assertEquals(reply.getString("messageId"), deleted.getString("messageId"));
      assertEquals("bob", deleted.getString("deletedBy"));
      assertEquals(1, a.next("thread_updated").getJsonObject("threadSummary").getInteger("replies"));
      assertError(ask(b, new JsonObject().put("type", "message_delete").put("messageId", reply.getString("messageId"))),
          "NOT_FOUND");

      // Resume on the other node from before the root: every change, in seq order, nothing else.
      try (WsClient late = WsClient.authed(cluster, 1, cluster.token("dave"), null)) {
        subscribe(late, ch, root.getLong("seq") - 1);
        List<String> types = new java.util.ArrayList<>();
        long seq = root.getLong("seq") - 1;
        long last = stored(ch);
        while (seq < last) {
          JsonObject f = late.next(x -> x.getValue("seq") != null && "channel:threads".equals(x.getString("stream")),
              "a stored event");
          assertEquals(seq + 1, f.getLong("seq"));
          seq = f.getLong("seq");
          types.add(f.getString("type"));
        }
        assertEquals(List.of("message", "message", "thread_updated", "message", "thread_updated", "message_edited",
            "message_deleted", "thread_updated"), types);
      }

      // History shows the current state: the edit, the tombstone, the summary.
      JsonObject h = history(b, new JsonObject().put("channel", ch));
      JsonArray msgs = h.getJsonArray("messages");
      assertEquals(3, msgs.size());
      JsonObject r0 = msgs.getJsonObject(0);
      assertEquals("Shall we ship the release tomorrow?", r0.getString("content"));
      assertNotNull(r0.getString("editedAt"));
      assertEquals(1, r0.getJsonObject("threadSummary").getInteger("replies"));
      JsonObject r1 = msgs.getJsonObject(1);
      assertTrue(r1.getBoolean("deleted"));
      assertFalse(r1.containsKey("content"), r1.encode());
      assertEquals(root.getLong("seq"), r0.getLong("seq"));
      // Top level only, and the thread on its own (oldest first, with its root).
      assertEquals(1, history(b, new JsonObject().put("channel", ch).put("topLevel", true)).getJsonArray("messages").size());
      JsonObject t = history(a, new JsonObject().put("channel", ch).put("threadId", rootId));
      assertEquals(rootId, t.getJsonObject("root").getString("messageId"));
      assertEquals(2, t.getJsonArray("messages").size());
      assertEquals("great", t.getJsonArray("messages").getJsonObject(1).getString("content"));
      // REST history agrees.
      JsonObject rest = cluster.http(1).get("/api/channels/" + ch + "/messages", bob).json();
      assertEquals(msgs, rest.getJsonArray("messages"));
    }
  }

  @Test
  void reactionsCountPerEmojiAddingTwiceIsANoOpAndHistoryKnowsTheCallersOwn() {
    String ch = channel("reactions");
    try (WsClient a = WsClient.authed(cluster, 0, alice, null); WsClient b = WsClient.authed(cluster, 1, bob, null)) {
      subscribe(a, ch, null);
      String id = chat(a, ch, "React to me", null).getString("messageId");
      JsonObject add = new JsonObject().put("type", "reaction").put("messageId", id).put("emoji", "👍").put("op", "add");
      JsonObject first = ok(b, add.copy());
      assertEquals(new JsonObject().put("👍", 1), first.getJsonObject("counts"));
      JsonObject seen = a.next("reaction_updated");
      assertEquals("bob", seen.getString("userId"));
      assertEquals(new JsonObject().put("👍", 1), seen.getJsonObject("counts"));
      long before = stored(ch);
      JsonObject again = ok(b, add.copy());
      assertEquals(first.getJsonObject("counts"), again.getJsonObject("counts"));
      assertEquals(false, again.getBoolean("changed"));
      assertEquals(before, stored(ch));
      ok(a, add.copy());
      ok(a, add.copy().put("emoji", ":tada:"));
      ok(b, add.copy().put("emoji", "👩‍💻"));
      JsonObject mine = history(b, new JsonObject().put("channel", ch)).getJsonArray("messages").getJsonObject(0)
          .getJsonObject("reactions");
      assertEquals(new JsonObject().put("👍", 2).put(":tada:", 1).put("👩‍💻", 1), mine.getJsonObject("counts"));
      assertEquals(new JsonArray().add("👍").add("👩‍💻"), mine.getJsonArray("mine"));
      JsonObject removed = ok(b, add.copy().put("op", "remove"));
      assertEquals(1, removed.getJsonObject("counts").getInteger("👍"));

      // Bad input: coded, answered, nothing stored.
      before = stored(ch);
      assertError(ask(b, add.copy().put("emoji", "hello")), "INVALID_MESSAGE");
      assertError(ask(b, add.copy().put("emoji", "👍".repeat(20))), "INVALID_MESSAGE");
      assertError(ask(b, add.copy().put("op", "toggle")), "INVALID_MESSAGE");
      assertError(ask(b, add.copy().put("messageId", "no-such-message")), "NOT_FOUND");
      assertError(ask(b, add.copy().put("messageId", 42)), "INVALID_MESSAGE");
      assertError(ask(b, new JsonObject().put("type", "message_edit").put("messageId", id)), "INVALID_MESSAGE");
      assertError(ask(b, new JsonObject().put("type", "pin").put("messageId", id).put("pinned", "yes")),
          "INVALID_MESSAGE");
      assertError(ask(b, new JsonObject().put("type", "search").put("query", "")), "INVALID_MESSAGE");
      assertError(ask(b, new JsonObject().put("type", "search").put("query", "x".repeat(201))), "INVALID_MESSAGE");
      assertError(ask(b, new JsonObject().put("type", "read").put("channel", ch).put("seq", -1)), "INVALID_MESSAGE");
      assertError(ask(b, new JsonObject().put("type", "chat").put("channel", ch).put("content", "x")
          .put("threadId", "no-such-root")), "NOT_FOUND");
      assertEquals(before, stored(ch));
    }
  }

  @Test
  void pinsAreForAdminsApproversAndWritersAndListedOverRest() {
    assertEquals(201, cluster.http(0).post("/api/channels", new JsonObject().put("name", "announce")
        .put("writeRoles", new JsonArray().add("admin")).encode(), admin).status());
    try (WsClient root = WsClient.authed(cluster, 0, admin, null); WsClient b = WsClient.authed(cluster, 1, bob, null);
         WsClient c = WsClient.authed(cluster, 1, approver, null)) {
      subscribe(b, "announce", null);
      String id = chat(root, "announce", "Maintenance on Friday", null).getString("messageId");
      long before = stored("announce");
      assertError(ask(b, new JsonObject().put("type", "pin").put("messageId", id).put("pinned", true)), "FORBIDDEN");
      assertEquals(before, stored("announce"));
      JsonObject pinned = ok(c, new JsonObject().put("type", "pin").put("messageId", id).put("pinned", true));
      assertEquals(true, pinned.getBoolean("pinned"));
      JsonObject ev = b.next("message_pinned");
      assertEquals("carol", ev.getString("by"));
      assertEquals(true, ev.getBoolean("pinned"));
      // The same over /ws, answered by id (guarantee 5).
      JsonObject wsPins = ok(b, new JsonObject().put("type", "pins").put("channel", "announce"));
      assertEquals("pins", wsPins.getString("type"));
      assertEquals(id, wsPins.getJsonArray("pins").getJsonObject(0).getString("messageId"));
      assertError(ask(b, new JsonObject().put("type", "pins").put("channel", "Not A Channel")), "INVALID_MESSAGE");
      JsonArray pins = cluster.http(1).get("/api/channels/announce/pins", bob).json().getJsonArray("pins");
      assertEquals(1, pins.size());
      assertEquals(id, pins.getJsonObject(0).getString("messageId"));
      assertEquals(true, pins.getJsonObject(0).getBoolean("pinned"));
      ok(root, new JsonObject().put("type", "pin").put("messageId", id).put("pinned", false));
      assertEquals(false, b.next("message_pinned").getBoolean("pinned"));
      assertEquals(0, cluster.http(0).get("/api/channels/announce/pins", bob).json().getJsonArray("pins").size());
    }
  }

  @Test
  void searchIsRankedPagedReindexedOnEditAndNeverFindsDeletedMessages() {
    String ch = channel("search");
    try (WsClient a = WsClient.authed(cluster, 0, alice, null); WsClient b = WsClient.authed(cluster, 1, bob, null)) {
      String best = chat(a, ch, "kubernetes kubernetes deployment of the kubernetes operator", null).getString("messageId");
      chat(a, ch, "a kubernetes note", null);
      chat(a, ch, "the deployment of kubernetes went fine", null);
      String gone = chat(a, ch, "kubernetes secrets leaked", null).getString("messageId");
      String edited = chat(a, ch, "postgres vacuum tuning", null).getString("messageId");
      ok(a, new JsonObject().put("type", "message_delete").put("messageId", gone));
      ok(a, new JsonObject().put("type", "message_edit").put("messageId", edited).put("content", "zookeeper quorum"));

      JsonObject r = ok(b, new JsonObject().put("type", "search").put("query", "kubernetes").put("channel", ch));
      assertEquals("search_results", r.getString("type"));
      JsonArray results = r.getJsonArray("results");
      assertEquals(3, results.size(), r.encode());
      assertEquals(best, results.getJsonObject(0).getJsonObject("message").getString("messageId"));
      assertTrue(results.getJsonObject(0).getString("snippet").contains("**kubernetes**"), r.encode());
      assertEquals(ch, results.getJsonObject(0).getString("channel"));
      assertTrue(results.getJsonObject(0).getDouble("rank") >= results.getJsonObject(1).getDouble("rank"));

      // Paged: one at a time, the same three, no repeats.
      java.util.Set<String> seen = new java.util.LinkedHashSet<>();
      Object cursor = null;
      for (int i = 0; i < 3; i++) {
        JsonObject page = new JsonObject().put("type", "search").put("query", "kubernetes").put("limit", 1);
        if (cursor != null) {
          page.put("before", cursor);
        }
        JsonObject p = ok(b, page);
        assertEquals(1, p.getJsonArray("results").size());
        seen.add(p.getJsonArray("results").getJsonObject(0).getJsonObject("message").getString("messageId"));
        assertEquals(i < 2, p.getBoolean("hasMore"));
        cursor = p.getValue("nextBefore");
      }
      assertEquals(3, seen.size());

      // Edits are re-indexed; over REST on the other node; over the SockJS bridge.
      assertEquals(0, cluster.http(1).get("/api/search?q=vacuum", bob).json().getJsonArray("results").size());
      JsonObject z = cluster.http(1).get("/api/search?q=zookeeper&channel=" + ch, bob).json();
      assertNotNull(z.getJsonArray("results"), z.encode());
      assertEquals(edited, z.getJsonArray("results").getJsonObject(0).getJsonObject("message").getString("messageId"));
      assertEquals(0, cluster.http(0).get("/api/search?q=secrets", bob).json().getJsonArray("results").size());
      assertEquals(400, cluster.http(0).get("/api/search?q=", bob).status());
      try (BridgeClient br = cluster.bridge(1, bob)) {
        JsonObject reply = br.request("agentbus.chat.search", new JsonObject().put("query", "deployment"), null);
        assertEquals(2, reply.getJsonObject("body").getJsonArray("results").size(), reply.encode());
      }
    }
  }

  @Test
  void unreadCountsFollowReadMarkersOnEveryNode() {
    String ch = channel("unread");
    try (WsClient a = WsClient.authed(cluster, 0, alice, null); WsClient b = WsClient.authed(cluster, 1, bob, null)) {
      chat(b, ch, "one", null);
      long second = chat(b, ch, "two", null).getLong("seq");
      chat(b, ch, "three", null);
      chat(a, ch, "my own message is not unread to me", null);
      assertEquals(3, unread(1, alice, ch));
      assertEquals(1, unread(0, bob, ch)); // alice's
      JsonObject ack = ok(a, new JsonObject().put("type", "read").put("channel", ch).put("seq", second));
      assertEquals(second, ack.getLong("seq"));
      assertEquals(1, unread(1, alice, ch));
      // The marker never moves back (another tab reporting late), and is clamped to the end.
      ok(a, new JsonObject().put("type", "read").put("channel", ch).put("seq", 1));
      assertEquals(1, unread(0, alice, ch));
      ok(a, new JsonObject().put("type", "read").put("channel", ch).put("seq", 1_000_000));
      assertEquals(0, unread(1, alice, ch));
    }
  }

  static long unread(int node, String token, String ch) {
    for (Object o : cluster.http(node).get("/api/channels", token).json().getJsonArray("channels")) {
      JsonObject c = (JsonObject) o;
      if (c.getString("name").equals(ch)) {
        return c.getLong("unread");
      }
    }
    throw new AssertionError("no channel " + ch);
  }

  @Test
  void presenceIsClusterWideAndEndsWithTheLastConnection() {
    String ch = channel("presence");
    try (WsClient a = WsClient.authed(cluster, 0, alice, null)) {
      subscribe(a, ch, null);
      JsonObject self = a.next("presence_update");
      assertEquals(new JsonArray().add("alice"), self.getJsonArray("joined"));
      try (BridgeClient b = cluster.bridge(1, bob); WsClient b2 = WsClient.authed(cluster, 0, bob, null)) {
        b.registerAndSettle("agentbus.channel." + ch);
        JsonObject joined = a.next("presence_update");
        assertEquals(new JsonArray().add("bob"), joined.getJsonArray("joined"));
        assertEquals(new JsonArray().add("alice").add("bob"), joined.getJsonArray("online"));
        // bob's second connection (another node, another transport) is no news
        subscribe(b2, ch, null);
        JsonObject overWs = ok(a, new JsonObject().put("type", "presence").put("channel", ch));
        assertEquals("presence", overWs.getString("type"));
        assertEquals(2, overWs.getJsonArray("online").size(), overWs.encode());
        assertError(ask(a, new JsonObject().put("type", "presence")), "INVALID_MESSAGE");
        JsonObject online = cluster.http(1).get("/api/channels/" + ch + "/presence", alice).json();
        assertEquals(2, online.getJsonArray("online").size(), online.encode());
        assertNotNull(online.getJsonArray("online").getJsonObject(0).getString("since"));
        b.close();
        assertTrue(a.drain(1500).stream().noneMatch(f -> "presence_update".equals(f.getString("type"))),
            "bob still has a connection");
      }
      JsonObject left = a.next("presence_update");
      assertEquals(new JsonArray().add("bob"), left.getJsonArray("left"));
      assertEquals(new JsonArray().add("alice"), left.getJsonArray("online"));
      assertEquals(1, cluster.http(0).get("/api/channels/" + ch + "/presence", alice).json().getJsonArray("online").size());
    }
  }

  @Test
  void bridgeClientsHaveTheSameOperationsUnderAgentbusChat() {
    String ch = channel("bridge-ops");
    try (BridgeClient b = cluster.bridge(1, bob); WsClient a = WsClient.authed(cluster, 0, alice, null)) {
      JsonObject sent = b.request("agentbus.chat.send", new JsonObject().put("channel", ch).put("content", "typo hree"),
          null).getJsonObject("body");
      String id = sent.getString("messageId");
      assertEquals("typo three", b.request("agentbus.chat.message_edit", new JsonObject().put("messageId", id)
          .put("content", "typo three"), null).getJsonObject("body").getString("messageId") == null ? null : "typo three");
      JsonObject alias = b.request("agentbus.chat.edit", new JsonObject().put("messageId", id).put("content", "fixed"),
          null);
      assertNotNull(alias.getJsonObject("body"), alias.encode());
      JsonObject refused = b.request("agentbus.chat.message_delete", new JsonObject().put("messageId", id), 
          new JsonObject().put("token", alice));
      assertEquals("err", refused.getString("type"), refused.encode());
      JsonObject rx = b.request("agentbus.chat.reaction", new JsonObject().put("messageId", id).put("emoji", "🎉"), null);
      assertEquals(1, rx.getJsonObject("body").getJsonObject("counts").getInteger("🎉"));
      JsonObject hr = b.request("agentbus.chat.history", new JsonObject().put("channel", ch), null);
      JsonObject h = hr.getJsonObject("body");
      assertNotNull(h, hr.encode());
      assertEquals("fixed", h.getJsonArray("messages").getJsonObject(0).getString("content"));
      assertNull(b.request("agentbus.chat.read", new JsonObject().put("channel", ch).put("seq", 1), null)
          .getJsonObject("body").getValue("error"));
    }
  }

  @Test
  void aMentionOfNoAgentAndNoUserIsAnsweredBySystem() {
    String ch = channel("mentions");
    try (WsClient a = WsClient.authed(cluster, 0, alice, null)) {
      subscribe(a, ch, null);
      chat(a, ch, "@nobody-here can you help? @alice too", null);
      JsonObject reply = a.next(f -> "message".equals(f.getString("type")) && "system".equals(f.getString("authorType")),
          "a system reply");
      assertTrue(reply.getString("content").contains("@nobody-here"), reply.encode());
      assertFalse(reply.getString("content").contains("@alice"), reply.encode());
      assertTrue(reply.getString("content").contains("@code"), reply.encode());
    }
  }
}
