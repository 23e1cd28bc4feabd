package io.agentbus.chat;

import io.agentbus.stream.StreamName;
import io.agentbus.support.BridgeClient;
import io.agentbus.support.TwoNodeClusterTest;
import io.agentbus.support.WsClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Two clustered nodes, one database: chat across nodes and transports (PROTOCOL guarantees 1–3). */
class ClusterChatTest extends TwoNodeClusterTest {

  @BeforeAll
  static void start() {
    // Publishers here send faster than a person would; the rate limit has its own test.
    startCluster(Map.of("AGENTBUS_LIMITS_RATE_PER_SECOND", "5000", "AGENTBUS_LIMITS_RATE_BURST", "5000"));
  }

  static String newChannel(String name) {
    assertEquals(201, cluster.http(0).post("/api/channels", new JsonObject().put("name", name).encode(), alice).status());
    return name;
  }

  static JsonObject chat(WsClient c, String channel, String content) {
    String id = c.send(new JsonObject().put("type", "chat").put("channel", channel).put("content", content));
    JsonObject ack = c.replyTo(id);
    assertEquals("ack", ack.getString("type"), ack.encode());
    return ack;
  }

  static void subscribe(WsClient c, String channel, Long lastSeq) {
    JsonObject f = new JsonObject().put("type", "subscribe").put("channel", channel);
    if (lastSeq != null) {
      f.put("lastSeq", lastSeq);
    }
    String id = c.send(f);
    JsonObject sub = c.replyTo(id);
    assertEquals("subscribed", sub.getString("type"), sub.encode());
  }

  @Test
  void bothNodesFormOneClusterAndReportHealthy() {
    for (int i = 0; i < 2; i++) {
      JsonObject h = cluster.http(i).get("/health", null).json();
      assertEquals("UP", h.getString("status"));
      assertEquals(2, h.getJsonObject("checks").getJsonObject("cluster").getInteger("members"));
      assertEquals(cluster.node(i).nodeId(), h.getString("nodeId"));
    }
  }

  @Test
  void wsClientOnOneNodeAndBridgeClientOnTheOtherSeeEachOthersMessagesInOrder() {
    String ch = newChannel("cross-transport");
    try (WsClient ws = WsClient.authed(cluster, 0, alice, null);
         BridgeClient br = cluster.bridge(1, bob)) {
      subscribe(ws, ch, null);
      br.registerAndSettle("agentbus.channel." + ch);

      // ws on A publishes; bridge on B receives
      JsonObject ack = chat(ws, ch, "hello from A @bob");
      JsonObject got = br.next("agentbus.channel." + ch);
      assertEquals("hello from A @bob", got.getString("content"));
      assertEquals("alice", got.getString("authorId"));
      assertEquals(ack.getLong("seq"), got.getLong("seq"));
      assertEquals(new JsonArray().add("bob"), got.getJsonArray("mentions"));

      // bridge on B publishes; ws on A receives, after its own message
      JsonObject reply = br.request("agentbus.chat.send", new JsonObject().put("channel", ch).put("content", "hi from B")
          .put("authorId", "mallory"), null);
      assertEquals("rec", reply.getString("type"), reply.encode());
      JsonObject m1 = ws.next("message");
      JsonObject m2 = ws.next("message");
      assertEquals("hello from A @bob", m1.getString("content"));
      assertEquals("hi from B", m2.getString("content"));
      assertEquals("bob", m2.getString("authorId"), "authorId comes from the token, never the frame");
      assertEquals(m1.getLong("seq") + 1, m2.getLong("seq"));
      assertEquals(reply.getJsonObject("body").getLong("seq"), m2.getLong("seq"));
      assertEquals(StreamName.channel(ch), m2.getString("stream"));
    }
  }

  @Test
  void concurrentPublishersOnBothNodesAreSeenInOneGaplessOrderEverywhere() throws Exception {
    String ch = newChannel("concurrent");
    int perPublisher = 150;
    try (WsClient subA = WsClient.authed(cluster, 0, bob, null);
         WsClient subB = WsClient.authed(cluster, 1, bob, null);
         BridgeClient brA = cluster.bridge(0, bob);
         BridgeClient brB = cluster.bridge(1, bob);
         WsClient pubA = WsClient.authed(cluster, 0, alice, null);
         WsClient pubB = WsClient.authed(cluster, 1, alice, null);
         BridgeClient pubBridge = cluster.bridge(1, alice)) {
      subscribe(subA, ch, null);
      subscribe(subB, ch, null);
      brA.registerAndSettle("agentbus.channel." + ch);
      brB.registerAndSettle("agentbus.channel." + ch);

      ExecutorService pool = Executors.newFixedThreadPool(3);
      List<Future<?>> runs = new ArrayList<>();
      runs.add(pool.submit(() -> {
        for (int i = 0; i < perPublisher; i++) {
          pubA.sendNoId(new JsonObject().put("type", "chat").put("channel", ch).put("content", "A" + i));
        }
      }));
      runs.add(pool.submit(() -> {
        for (int i = 0; i < perPublisher; i++) {
          pubB.sendNoId(new JsonObject().put("type", "chat").put("channel", ch).put("content", "B" + i));
        }
      }));
      runs.add(pool.submit(() -> {
        for (int i = 0; i < perPublisher; i++) {
          pubBridge.request("agentbus.chat.send", new JsonObject().put("channel", ch).put("content", "S" + i), null);
        }
      }));
      for (Future<?> r : runs) {
        r.get();
      }
      pool.shutdown();
      int total = 3 * perPublisher;

      List<String> reference = assertGapless(subA.take("message", total), total);
      assertEquals(reference, assertGapless(subB.take("message", total), total));
      List<JsonObject> fromBridgeA = new ArrayList<>();
      List<JsonObject> fromBridgeB = new ArrayList<>();
      for (int i = 0; i < total; i++) {
        fromBridgeA.add(brA.next("agentbus.channel." + ch));
        fromBridgeB.add(brB.next("agentbus.channel." + ch));
      }
      assertEquals(reference, assertGapless(fromBridgeA, total));
      assertEquals(reference, assertGapless(fromBridgeB, total));
      assertTrue(subA.drain(300).stream().noneMatch(f -> "message".equals(f.getString("type"))), "no duplicates after");
      assertEquals(0, brA.pending("agentbus.channel." + ch));
      // each publisher's own messages keep their order within the global order
      for (String p : List.of("A", "B", "S")) {
        List<String> own = reference.stream().filter(s -> s.startsWith(p)).toList();
        for (int i = 0; i < perPublisher; i++) {
          assertEquals(p + i, own.get(i));
        }
      }
      assertEquals(total, cluster.count("SELECT count(*) FROM events WHERE stream = $1", StreamName.channel(ch)));
    }
  }

  /** Seq 1..n with no gap or repeat; returns the contents in seq order. */
  private static List<String> assertGapless(List<JsonObject> msgs, int n) {
    assertEquals(n, msgs.size());
    Set<String> ids = new HashSet<>();
    List<String> contents = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      assertEquals(i + 1, msgs.get(i).getLong("seq"), "seq at position " + i);
      assertTrue(ids.add(msgs.get(i).getString("messageId")));
      contents.add(msgs.get(i).getString("content"));
    }
    return contents;
  }

  @Test
  void reconnectingToTheOtherNodeWithLastSeqGetsExactlyWhatWasMissedThenLive() {
    String ch = newChannel("resume");
    try (WsClient writer = WsClient.authed(cluster, 1, alice, null)) {
      long lastSeen;
      try (WsClient reader = WsClient.authed(cluster, 0, bob, null)) {
        subscribe(reader, ch, null);
        for (int i = 1; i <= 5; i++) {
          chat(writer, ch, "m" + i);
        }
        List<JsonObject> seen = reader.take("message", 5);
        lastSeen = seen.get(4).getLong("seq");
      }
      for (int i = 6; i <= 12; i++) {
        chat(writer, ch, "m" + i);
      }
      try (WsClient back = WsClient.authed(cluster, 1, bob, null)) {
        subscribe(back, ch, lastSeen);
        chat(writer, ch, "m13");
        List<JsonObject> got = back.take("message", 8);
        for (int i = 0; i < 8; i++) {
          assertEquals("m" + (6 + i), got.get(i).getString("content"));
          assertEquals(lastSeen + 1 + i, got.get(i).getLong("seq"));
        }
        assertTrue(back.drain(300).stream().noneMatch(f -> "message".equals(f.getString("type"))));
      }
    }
  }

  @Test
  void subscribedReportsTheCurrentSeqAndAReplayComesBeforeIt() {
    String ch = newChannel("replay-order");
    try (WsClient w = WsClient.authed(cluster, 0, alice, null)) {
      chat(w, ch, "one");
      chat(w, ch, "two");
      try (WsClient r = WsClient.authed(cluster, 1, bob, null)) {
        String id = r.send(new JsonObject().put("type", "subscribe").put("channel", ch).put("lastSeq", 0));
        JsonObject first = r.next(f -> !"auth_response".equals(f.getString("type")), "any");
        assertEquals("message", first.getString("type"));
        assertEquals("one", first.getString("content"));
        assertEquals("two", r.next("message").getString("content"));
        JsonObject sub = r.replyTo(id);
        assertEquals("subscribed", sub.getString("type"));
        assertEquals(2, sub.getLong("seq"));
        assertEquals(StreamName.channel(ch), sub.getString("stream"));
      }
    }
  }

  @Test
  void theAckComesOnlyAfterTheMessageIsCommitted() {
    String ch = newChannel("ack-commit");
    try (WsClient w = WsClient.authed(cluster, 1, alice, null)) {
      for (int i = 0; i < 20; i++) {
        JsonObject ack = chat(w, ch, "durable " + i);
        assertNotNull(ack.getString("messageId"));
        assertEquals(1, cluster.count("SELECT count(*) FROM events WHERE stream = $1 AND seq = $2 AND payload LIKE $3",
            StreamName.channel(ch), ack.getLong("seq"), "%" + ack.getString("messageId") + "%"));
      }
    }
  }

  @Test
  void historyPagesBackwardsOverEveryTransport() {
    String ch = newChannel("history");
    try (WsClient w = WsClient.authed(cluster, 0, alice, null)) {
      for (int i = 1; i <= 25; i++) {
        chat(w, ch, "h" + i);
      }
      // /ws
      String id = w.send(new JsonObject().put("type", "history").put("channel", ch).put("limit", 10));
      JsonObject page1 = w.replyTo(id);
      assertEquals("message_history", page1.getString("type"));
      assertTrue(page1.getBoolean("hasMore"));
      JsonArray msgs = page1.getJsonArray("messages");
      assertEquals(10, msgs.size());
      assertEquals("h16", msgs.getJsonObject(0).getString("content"));
      assertEquals("h25", msgs.getJsonObject(9).getString("content"));

      // HTTP on the other node, continuing before the oldest seen
      long before = msgs.getJsonObject(0).getLong("seq");
      JsonObject page2 = cluster.http(1).get("/api/channels/" + ch + "/messages?before=" + before + "&limit=10", bob).json();
      assertEquals("h6", page2.getJsonArray("messages").getJsonObject(0).getString("content"));
      assertTrue(page2.getBoolean("hasMore"));

      // SockJS bridge: the last page
      try (BridgeClient br = cluster.bridge(1, bob)) {
        long before3 = page2.getJsonArray("messages").getJsonObject(0).getLong("seq");
        JsonObject page3 = br.request("agentbus.history",
            new JsonObject().put("channel", ch).put("before", before3).put("limit", 10), null).getJsonObject("body");
        assertEquals(5, page3.getJsonArray("messages").size());
        assertEquals("h1", page3.getJsonArray("messages").getJsonObject(0).getString("content"));
        assertFalse(page3.getBoolean("hasMore"));
      }

      // default page size
      JsonObject all = cluster.http(0).get("/api/channels/" + ch + "/messages", bob).json();
      assertEquals(25, all.getJsonArray("messages").size());
      assertFalse(all.getBoolean("hasMore"));
    }
  }

  @Test
  void channelsAreListedAndCreatedOverHttpAndVisibleFromBothNodes() {
    JsonObject list = cluster.http(1).get("/api/channels", bob).json();
    List<String> names = list.getJsonArray("channels").stream().map(o -> ((JsonObject) o).getString("name")).toList();
    assertTrue(names.containsAll(List.of("general", "workflow", "agents", "errors")), names.toString());

    newChannel("made-on-a");
    assertEquals(409, cluster.http(1).post("/api/channels", "{\"name\":\"made-on-a\"}", bob).status());
    try (WsClient w = WsClient.authed(cluster, 1, bob, null)) {
      subscribe(w, "made-on-a", null);
      chat(w, "made-on-a", "works on B");
    }
  }

  @Test
  void typingIsRelayedToOthersOnEveryNodeAndNotStored() {
    String ch = newChannel("typing");
    try (WsClient a = WsClient.authed(cluster, 0, alice, null);
         WsClient b = WsClient.authed(cluster, 1, bob, null)) {
      subscribe(a, ch, null);
      subscribe(b, ch, null);
      a.sendNoId(new JsonObject().put("type", "typing_start").put("channel", ch));
      JsonObject t = b.next("typing_update");
      assertEquals(new JsonArray().add("alice"), t.getJsonArray("users"));
      assertEquals(ch, t.getString("channel"));
      a.sendNoId(new JsonObject().put("type", "typing_stop").put("channel", ch));
      assertEquals(new JsonArray(), b.next("typing_update").getJsonArray("users"));
      assertTrue(a.drain(300).stream().noneMatch(f -> "typing_update".equals(f.getString("type"))),
          "the typist is not told about themselves");
      assertEquals(0, cluster.count("SELECT count(*) FROM events WHERE stream = $1", StreamName.channel(ch)));
    }
  }
}
