package io.agentbus.bridge;

import io.agentbus.support.BridgeClient;
import io.agentbus.support.NoUnhandledExceptions;
import io.agentbus.support.TwoNodeClusterTest;
import io.agentbus.support.WsClient;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Garbage in gets a coded error, stores nothing, keeps the connection and disturbs nobody (PROTOCOL §3). */
@ExtendWith(NoUnhandledExceptions.class)
class BadInputTest extends TwoNodeClusterTest {

  @BeforeAll
  static void start() {
    startCluster(Map.of());
  }

  private static JsonObject errorFor(WsClient c, String rawFrame) {
    c.sendText(rawFrame);
    JsonObject e = c.next("error");
    assertUsable(c);
    return e;
  }

  private static void assertUsable(WsClient c) {
    String id = c.send(new JsonObject().put("type", "ping"));
    assertEquals("pong", c.replyTo(id).getString("type"));
  }

  private static void assertError(String code, String replyTo, JsonObject e) {
    assertEquals("error", e.getString("type"));
    assertEquals(code, e.getString("code"), e.encode());
    assertEquals(replyTo, e.getString("replyTo"));
    assertFalse(e.getString("error").isBlank(), "a human message");
    assertTrue(e.containsKey("timestamp"));
  }

  @Test
  void everyKindOfBadFrameGetsItsCodeAndNothingIsStoredOrSeenByOthers() {
    long storedBefore = cluster.count("SELECT count(*) FROM events");
    try (WsClient bad = WsClient.authed(cluster, 0, alice, null);
         WsClient bystander = WsClient.authed(cluster, 1, bob, null)) {
      String sub = bystander.send(new JsonObject().put("type", "subscribe").put("channel", "general"));
      long seqBefore = bystander.replyTo(sub).getLong("seq");

      assertError("INVALID_JSON", null, errorFor(bad, "{not json"));
      assertError("INVALID_MESSAGE", null, errorFor(bad, "[1,2,3]"));
      assertError("INVALID_MESSAGE", null, errorFor(bad, "\"just a string\""));
      assertError("INVALID_MESSAGE", "x1", errorFor(bad, "{\"id\":\"x1\"}"));
      assertError("INVALID_MESSAGE", "x2", errorFor(bad, "{\"id\":\"x2\",\"type\":42}"));
      assertError("UNKNOWN_TYPE", "x3", errorFor(bad, "{\"id\":\"x3\",\"type\":\"dance\"}"));
      assertError("INVALID_MESSAGE", null, errorFor(bad, "{\"id\":{\"a\":1},\"type\":\"ping\"}"));
      String chat = "{\"type\":\"chat\",\"id\":\"%s\",\"channel\":%s,\"content\":%s%s}";
      assertError("INVALID_MESSAGE", "c1", errorFor(bad, chat.formatted("c1", "\"general\"", "42", "")));
      assertError("INVALID_MESSAGE", "c2", errorFor(bad, "{\"type\":\"chat\",\"id\":\"c2\",\"channel\":\"general\"}"));
      assertError("INVALID_MESSAGE", "c3", errorFor(bad, chat.formatted("c3", "\"general\"", "\"\"", "")));
      assertError("INVALID_MESSAGE", "c4", errorFor(bad,
          chat.formatted("c4", "\"general\"", "\"" + "x".repeat(16_001) + "\"", "")));
      assertError("INVALID_MESSAGE", "c5", errorFor(bad, chat.formatted("c5", "\"Bad Name!\"", "\"hi\"", "")));
      assertError("INVALID_MESSAGE", "c6", errorFor(bad, chat.formatted("c6", "null", "\"hi\"", "")));
      assertError("INVALID_MESSAGE", "c7", errorFor(bad, chat.formatted("c7", "\"general\"", "\"hi\"", ",\"mentions\":\"bob\"")));
      assertError("INVALID_MESSAGE", "c8", errorFor(bad, chat.formatted("c8", "\"general\"", "\"hi\"", ",\"replyTo\":7")));
      assertError("INVALID_MESSAGE", "c9", errorFor(bad, chat.formatted("c9", "\"general\"", "\"hi\"", ",\"attachments\":[1]")));
      assertError("NOT_FOUND", "c10", errorFor(bad, chat.formatted("c10", "\"no-such-channel\"", "\"hi\"", "")));
      assertError("FORBIDDEN", "c11", errorFor(bad, chat.formatted("c11", "\"errors\"", "\"hi\"", "")));
      assertError("INVALID_MESSAGE", "h1", errorFor(bad, "{\"type\":\"history\",\"id\":\"h1\",\"channel\":\"general\",\"limit\":0}"));
      assertError("INVALID_MESSAGE", "h2", errorFor(bad, "{\"type\":\"history\",\"id\":\"h2\",\"channel\":\"general\",\"limit\":101}"));
      assertError("INVALID_MESSAGE", "h3", errorFor(bad, "{\"type\":\"history\",\"id\":\"h3\",\"channel\":\"general\",\"limit\":\"ten\"}"));
      assertError("INVALID_MESSAGE", "h4", errorFor(bad, "{\"type\":\"history\",\"id\":\"h4\",\"channel\":\"general\",\"before\":1.5}"));
      assertError("NOT_FOUND", "h5", errorFor(bad, "{\"type\":\"history\",\"id\":\"h5\",\"channel\":\"nope\"}"));
      assertError("INVALID_MESSAGE", "s1", errorFor(bad, "{\"type\":\"subscribe\",\"id\":\"s1\"}"));
      assertError("INVALID_MESSAGE", "s2", errorFor(bad, "{\"type\":\"subscribe\",\"id\":\"s2\",\"channel\":\"general\",\"lastSeq\":-1}"));
      assertError("NOT_FOUND", "s3", errorFor(bad, "{\"type\":\"subscribe\",\"id\":\"s3\",\"channel\":\"nope\"}"));
      assertError("INVALID_MESSAGE", "s4", errorFor(bad, "{\"type\":\"subscribe\",\"id\":\"s4\",\"workflowId\":\"../etc\"}"));
      assertError("INVALID_MESSAGE", "t1", errorFor(bad, "{\"type\":\"typing_start\",\"id\":\"t1\"}"));
      assertError("CONFLICT", "a1", errorFor(bad, "{\"type\":\"auth\",\"id\":\"a1\",\"token\":\"x\"}"));
      bad.sendText("{}");
      assertError("INVALID_MESSAGE", null, bad.next("error"));

      // binary frames are refused too
      assertEquals(storedBefore, cluster.count("SELECT count(*) FROM events"), "nothing from a rejected frame is stored");

      // the bystander saw none of it, and still gets the next real message, with the next seq
      String ok = bad.send(new JsonObject().put("type", "chat").put("channel", "general").put("content", "finally valid"));
      assertEquals("ack", bad.replyTo(ok).getString("type"));
      JsonObject m = bystander.next("message");
      assertEquals("finally valid", m.getString("content"));
      assertEquals(seqBefore + 1, m.getLong("seq"));
      assertTrue(bystander.drain(200).stream().noneMatch(f -> "error".equals(f.getString("type"))));
    }
  }

  @Test
  void binaryFramesAreRefusedWithAnError() {
    try (WsClient c = WsClient.authed(cluster, 0, alice, null)) {
      c.sendBinary(Buffer.buffer(new byte[] {1, 2, 3}));
      assertError("INVALID_MESSAGE", null, c.next("error"));
      assertUsable(c);
    }
  }

  @Test
  void actionsBeforeAuthenticationAreRefusedButPingWorks() {
    try (WsClient c = cluster.ws(0, null)) {
      assertUsable(c);
      String id = c.send(new JsonObject().put("type", "chat").put("channel", "general").put("content", "sneaky"));
      assertError("NOT_AUTHENTICATED", id, c.replyTo(id));
      id = c.send(new JsonObject().put("type", "subscribe").put("channel", "general"));
      assertError("NOT_AUTHENTICATED", id, c.replyTo(id));
      id = c.send(new JsonObject().put("type", "auth").put("token", alice));
      assertTrue(c.replyTo(id).getBoolean("success"));
      id = c.send(new JsonObject().put("type", "subscribe").put("channel", "general"));
      assertEquals("subscribed", c.replyTo(id).getString("type"));
    }
  }

  @Test
  void aFrameOverTheSizeLimitClosesWith1009AndOthersCarryOn() {
    try (WsClient big = WsClient.authed(cluster, 0, alice, null);
         WsClient other = WsClient.authed(cluster, 0, bob, null)) {
      big.sendText("{\"type\":\"chat\",\"channel\":\"general\",\"content\":\"" + "y".repeat(70_000) + "\"}");
      assertEquals(1009, big.awaitClose());
      assertUsable(other);
    }
  }

  @Test
  void aFloodPastTheRateLimitIsRefusedThenClosedWith1008() {
    try (WsClient flood = WsClient.authed(cluster, 1, alice, null);
         WsClient other = WsClient.authed(cluster, 1, bob, null)) {
      for (int i = 0; i < 400 && !flood.isClosed(); i++) {
        try {
          flood.sendText("{\"type\":\"ping\"}");
        } catch (RuntimeException closedMeanwhile) {
          break;
        }
      }
      JsonObject limited = flood.next(f -> "error".equals(f.getString("type")), "an error");
      assertEquals("RATE_LIMITED", limited.getString("code"));
      assertTrue(limited.getBoolean("recoverable"));
      assertEquals(1008, flood.awaitClose());
      assertUsable(other);
    }
  }

  @Test
  void aFloodCloseFirstAnswersEveryFrameItAcceptedSoTheSenderKnowsWhatWasStored() {
    String tag = "flood-" + System.nanoTime();
    java.util.Map<String, String> contentOf = new java.util.HashMap<>();
    try (WsClient flood = WsClient.authed(cluster, 0, alice, null)) {
      for (int i = 0; i < 400 && !flood.isClosed(); i++) {
        String content = tag + "-" + i;
        try {
          contentOf.put(flood.send(new JsonObject().put("type", "chat").put("channel", "general").put("content", content)),
              content);
        } catch (RuntimeException closedMeanwhile) {
          break;
        }
      }
      assertEquals(1008, flood.awaitClose());
      java.util.Map<String, Integer> answers = new java.util.HashMap<>();
      java.util.Set<String> acked = new java.util.HashSet<>();
      for (JsonObject f : flood.drain(200)) {
        String replyTo = f.getString("replyTo");
        if (replyTo != null) {
          answers.merge(replyTo, 1, Integer::sum);
          if ("ack".equals(f.getString("type"))) {
            acked.add(contentOf.get(replyTo));
          }
        }
      }
      answers.forEach((id, n) -> assertEquals(1, n, "frame " + id + " answered " + n + " times"));
      assertFalse(acked.isEmpty(), "some frames were accepted before the flood");
      java.util.Set<String> stored = new java.util.HashSet<>();
      cluster.db().preparedQuery("SELECT content FROM messages WHERE channel = 'general' AND content LIKE $1")
          .execute(io.vertx.sqlclient.Tuple.of(tag + "-%")).await().forEach(r -> stored.add(r.getString(0)));
      assertEquals(stored, acked, "every stored message was acknowledged to its sender before the close");
    }
  }

  @Test
  void nulCharactersAndReusedIdempotencyKeysAreRefusedAndNobodyElseIsHurt() {
    try (WsClient c = WsClient.authed(cluster, 0, alice, null);
         WsClient other = WsClient.authed(cluster, 0, bob, null)) {
      // Sent together, so they would share a batch: the NUL is refused alone.
      String bad = c.send(new JsonObject().put("type", "chat").put("channel", "general").put("content", "a\u0000b"));
      String good = other.send(new JsonObject().put("type", "chat").put("channel", "general").put("content", "fine"));
      assertError("INVALID_MESSAGE", bad, c.replyTo(bad));
      assertEquals("ack", other.replyTo(good).getString("type"));

      String key = "key-" + System.nanoTime();
      JsonObject first = c.replyTo(c.send(new JsonObject().put("type", "chat").put("channel", "general")
          .put("content", "once").put("idempotencyKey", key)));
      assertEquals("ack", first.getString("type"), first.encode());
      JsonObject repeat = c.replyTo(c.send(new JsonObject().put("type", "chat").put("channel", "general")
          .put("content", "once").put("idempotencyKey", key)));
      assertEquals(first.getLong("seq"), repeat.getLong("seq"));
      assertTrue(repeat.getBoolean("duplicate"));
      long stored = cluster.count("SELECT count(*) FROM events");
      assertError("CONFLICT", "k1", errorFor(c, new JsonObject().put("id", "k1").put("type", "chat")
          .put("channel", "general").put("content", "something else").put("idempotencyKey", key).encode()));
      assertError("CONFLICT", "k2", errorFor(c, new JsonObject().put("id", "k2").put("type", "chat")
          .put("channel", "agents").put("content", "once").put("idempotencyKey", key).encode()));
      assertEquals(stored, cluster.count("SELECT count(*) FROM events"), "a conflicting key stores nothing");
    }
    assertEquals(404, cluster.http(0).get("/api/channels/no-such-channel/presence", alice).status());
    assertEquals(405, cluster.http(0).request("DELETE", "/api/channels", null, "Authorization", "Bearer " + alice).status());
  }

  @Test
  void theBridgeAnswersBadRequestsWithCodedFailures() {
    try (BridgeClient anon = cluster.bridge(0, null);
         BridgeClient br = cluster.bridge(1, alice)) {
      JsonObject r = anon.request("agentbus.chat.send", new JsonObject().put("channel", "general").put("content", "x"), null);
      assertFailure(r, 401, "NOT_AUTHENTICATED");
      r = anon.request("agentbus.chat.send", new JsonObject().put("channel", "general").put("content", "x"),
          new JsonObject().put("token", "forged.token.value"));
      assertFailure(r, 401, "NOT_AUTHENTICATED");
      // a token in headers works without one on the URL
      r = anon.request("agentbus.history", new JsonObject().put("channel", "general"), new JsonObject().put("token", bob));
      assertEquals("rec", r.getString("type"), r.encode());

      assertFailure(br.request("agentbus.chat.send", new JsonObject().put("channel", "general"), null), 400, "INVALID_MESSAGE");
      assertFailure(br.request("agentbus.chat.send", new JsonObject().put("channel", "general").put("content", 5), null),
          400, "INVALID_MESSAGE");
      assertFailure(br.request("agentbus.chat.send", new JsonObject().put("channel", "nope").put("content", "x"), null),
          404, "NOT_FOUND");
      assertFailure(br.request("agentbus.chat.send", new JsonObject().put("channel", "errors").put("content", "x"), null),
          403, "FORBIDDEN");
      assertFailure(br.request("agentbus.history", new JsonObject().put("channel", "general").put("limit", 1000), null),
          400, "INVALID_MESSAGE");
      assertFailure(br.request("agentbus.typing", new JsonObject().put("channel", "general").put("typing", "yes"), null),
          400, "INVALID_MESSAGE");

      // headers naming another user are ignored: the token decides
      r = br.request("agentbus.chat.send", new JsonObject().put("channel", "general").put("content", "who am i"),
          new JsonObject().put("ab-user", "mallory").put("ab-roles", "admin"));
      assertEquals("rec", r.getString("type"));
      long seq = r.getJsonObject("body").getLong("seq");
      assertEquals(1, cluster.count("SELECT count(*) FROM events WHERE stream = 'channel:general' AND seq = $1 "
          + "AND payload LIKE '%\"authorId\":\"alice\"%'", seq));

      // internal addresses are out of reach
      br.send("internal.router.session-claim", new JsonObject().put("sessionId", "x"));
      assertEquals("access_denied", br.nextError(5000).getString("body"));
    }
  }

  @Test
  void theBridgeRefusesRegistrationsWithoutTheRight() {
    String aliceSession = "alice-session-" + System.nanoTime();
    try (WsClient a = WsClient.authed(cluster, 0, alice, aliceSession);
         BridgeClient anon = cluster.bridge(0, null);
         BridgeClient bobBridge = cluster.bridge(1, bob)) {
      anon.register("agentbus.channel.general");
      assertEquals("rejected", anon.nextError(5000).getString("body"));
      bobBridge.register("agentbus.session." + aliceSession);
      assertEquals("rejected", bobBridge.nextError(5000).getString("body"));
      bobBridge.register("agentbus.user.alice");
      assertEquals("rejected", bobBridge.nextError(5000).getString("body"));
      bobBridge.register("agentbus.channel.no-such-channel");
      assertEquals("rejected", bobBridge.nextError(5000).getString("body"));
      bobBridge.register("internal.ephemeral");
      assertEquals("rejected", bobBridge.nextError(5000).getString("body"));
      bobBridge.register("agentbus.user.bob");
      bobBridge.register("agentbus.channel.general");
      assertNull(bobBridge.nextError(1000), "allowed registrations raise no error");
    }
  }

  private static void assertFailure(JsonObject reply, int status, String code) {
    assertEquals("err", reply.getString("type"), reply.encode());
    assertEquals(status, reply.getInteger("failureCode"));
    assertEquals(code, new JsonObject(reply.getString("message")).getString("code"));
  }

  @Test
  void httpApisValidateTheirInput() {
    String token = alice;
    assertEquals(400, cluster.http(0).post("/api/channels", "{not json", token).status());
    assertEquals(400, cluster.http(0).post("/api/channels", "{\"name\":\"Has Spaces\"}", token).status());
    assertEquals(400, cluster.http(0).post("/api/channels", "[]", token).status());
    var r = cluster.http(0).get("/api/channels/general/messages?limit=abc", token);
    assertEquals(400, r.status());
    assertEquals("error", r.json().getString("status"));
    assertEquals("INVALID_MESSAGE", r.json().getString("code"));
    assertEquals(404, cluster.http(0).get("/api/channels/nope/messages", token).status());
    assertEquals(404, cluster.http(0).get("/api/nothing-here", token).status());
    for (String body : List.of("{}", "{\"userId\":\"\"}", "{\"userId\":\"a b\"}", "{\"userId\":\"ok\",\"roles\":[\"god\"]}")) {
      assertEquals(400, cluster.http(0).post("/api/auth/token", body, null).status(), body);
    }
  }

  @Test
  void workflowApprovalAndWorkerFramesAreValidatedToo() {
    long workflowsBefore = cluster.count("SELECT count(*) FROM workflows");
    try (WsClient c = WsClient.authed(cluster, 0, alice, null);
         WsClient agent = WsClient.authed(cluster, 1, cluster.token("robot", "agent"), null)) {
      assertError("INVALID_MESSAGE", "w1", errorFor(c, "{\"id\":\"w1\",\"type\":\"user_input\",\"content\":[1]}"));
      assertError("INVALID_MESSAGE", "w2", errorFor(c, "{\"id\":\"w2\",\"type\":\"user_input\",\"content\":\"x\",\"workflow\":7}"));
      assertError("INVALID_MESSAGE", "w3", errorFor(c, "{\"id\":\"w3\",\"type\":\"user_input\",\"content\":\""
          + "x".repeat(16_001) + "\"}"));
      assertError("NOT_FOUND", "w4", errorFor(c, "{\"id\":\"w4\",\"type\":\"user_input\",\"content\":\"x\",\"workflow\":\"nope\"}"));
      assertError("INVALID_MESSAGE", "w5", errorFor(c, "{\"id\":\"w5\",\"type\":\"cancel\",\"workflowId\":\"../etc\"}"));
      assertError("NOT_FOUND", "w6", errorFor(c, "{\"id\":\"w6\",\"type\":\"cancel\",\"workflowId\":\"none\"}"));
      assertError("INVALID_MESSAGE", "w7", errorFor(c, "{\"id\":\"w7\",\"type\":\"approval_response\",\"approvalId\":5}"));
      assertError("INVALID_MESSAGE", "w8", errorFor(c, "{\"id\":\"w8\",\"type\":\"approval_response\",\"approvalId\":\"a\","
          + "\"action\":\"modify\"}"));
      assertError("INVALID_MESSAGE", "w9", errorFor(c, "{\"id\":\"w9\",\"type\":\"subscribe\",\"sessionId\":\"a b\"}"));
      assertError("INVALID_MESSAGE", "a1", errorFor(agent, "{\"id\":\"a1\",\"type\":\"agent_register\",\"roles\":\"code\"}"));
      assertError("INVALID_MESSAGE", "a2", errorFor(agent, "{\"id\":\"a2\",\"type\":\"agent_register\",\"roles\":[\"code\"],"
          + "\"capacity\":1000}"));
      assertError("INVALID_MESSAGE", "a3", errorFor(agent, "{\"id\":\"a3\",\"type\":\"task_progress\",\"taskId\":\"t\"}"));
    }
    assertEquals(workflowsBefore, cluster.count("SELECT count(*) FROM workflows"), "nothing was started");
    assertEquals(400, cluster.http(1).get("/api/approvals?status=maybe", alice).status());
    assertEquals(400, cluster.http(1).post("/api/approvals/x", "{not json", alice).status());
    assertEquals(400, cluster.http(1).post("/api/approvals/x", "{}", alice).status());
    assertEquals(404, cluster.http(1).post("/api/approvals/x", "{\"approved\":true}", alice).status());
    assertEquals(400, cluster.http(0).get("/api/workflows", alice).status());
    assertEquals(400, cluster.http(0).get("/api/workflows/a%20b", alice).status());
  }
}
