package io.agentbus.bridge;

import io.agentbus.support.BridgeClient;
import io.agentbus.support.Http;
import io.agentbus.support.NoUnhandledExceptions;
import io.agentbus.support.TwoNodeClusterTest;
import io.agentbus.support.WsClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Guarantee 5 — every frame with an id gets exactly one answer — under the limits (rate, frames
 * held during authentication) and for the inputs an abuse run found unanswered or answered
 * without the coded JSON error: typing with an id, blank content, huge frames, bridge frames with
 * odd headers, HTTP refusals made before routing.
 */
@ExtendWith(NoUnhandledExceptions.class)
class FrameAnswersTest extends TwoNodeClusterTest {

  @BeforeAll
  static void start() {
    startCluster(Map.of());
  }

  /** The answers to frames with ids "f0".."fN" until the socket closes or nothing more comes. */
  private static Map<String, List<JsonObject>> answersById(WsClient c, long quietMs) {
    Map<String, List<JsonObject>> byId = new HashMap<>();
    for (JsonObject f : c.drain(quietMs)) {
      if (f.getValue("replyTo") instanceof String id) {
        byId.computeIfAbsent(id, k -> new ArrayList<>()).add(f);
      }
    }
    return byId;
  }

  @Test
  void everyFrameOfAFloodIsAnsweredByIdBeforeTheFloodClose() {
    try (WsClient flood = WsClient.authed(cluster, 0, alice, null)) {
      int sent = 0;
      for (int i = 0; i < 400 && !flood.isClosed(); i++) {
        try {
          flood.sendText("{\"type\":\"ping\",\"id\":\"f" + i + "\"}");
          sent++;
        } catch (RuntimeException closedMeanwhile) {
          break;
        }
      }
      Map<String, List<JsonObject>> answers = answersById(flood, 1500);
      assertEquals(1008, flood.awaitClose());
      int limited = 0;
      // The server handles frames in order: the answered ones are a prefix of those sent, each once.
      int answered = answers.size();
      assertTrue(answered > 100, "more than the burst was answered: " + answered + " of " + sent);
      for (int i = 0; i < answered; i++) {
        List<JsonObject> a = answers.get("f" + i);
        assertTrue(a != null && a.size() == 1, "frame f" + i + " answered exactly once: " + a);
        JsonObject one = a.get(0);
        if ("error".equals(one.getString("type"))) {
          assertEquals("RATE_LIMITED", one.getString("code"));
          assertTrue(one.getBoolean("recoverable"));
          limited++;
        } else {
          assertEquals("pong", one.getString("type"));
        }
      }
      assertTrue(limited > 3, "every refusal is answered, not only the first three: " + limited);
    }
  }

  @Test
  void framesSentBeforeAuthenticationSettlesAreEachAnswered() {
    WsClient c = cluster.ws(1, "token=" + alice);
    try {
      for (int i = 0; i < 40; i++) {
        c.sendText("{\"type\":\"ping\",\"id\":\"h" + i + "\"}");
      }
      Map<String, List<JsonObject>> answers = answersById(c, 1500);
      for (int i = 0; i < 40; i++) {
        List<JsonObject> a = answers.get("h" + i);
        assertTrue(a != null && a.size() == 1, "h" + i + " answered once: " + a);
        String type = a.get(0).getString("type");
        assertTrue("pong".equals(type) || "RATE_LIMITED".equals(a.get(0).getString("code")), a.get(0).encode());
      }
    } finally {
      c.close();
    }
  }

  @Test
  void typingWithAnIdIsAcknowledgedAndBlankContentIsInvalid() {
    try (WsClient c = WsClient.authed(cluster, 0, alice, null)) {
      JsonObject typing = c.replyTo(c.send(new JsonObject().put("type", "typing_start").put("channel", "general")));
      assertEquals("ack", typing.getString("type"), typing.encode());
      for (String type : List.of("chat", "user_input")) {
        for (String blank : List.of("   ", "\n\t ")) {
          JsonObject e = c.replyTo(c.send(new JsonObject().put("type", type).put("channel", "general").put("content", blank)));
          assertEquals("INVALID_MESSAGE", e.getString("code"), type + " " + e.encode());
        }
      }
      assertEquals(0, cluster.count("SELECT count(*) FROM workflows"), "no workflow was started by blank input");
    }
  }

  @Test
  void aMegabyteFrameClosesWith1009WhetherSentWholeOrInFragments() {
    String huge = "{\"type\":\"chat\",\"channel\":\"general\",\"content\":\"" + "z".repeat(1024 * 1024) + "\"}";
    try (WsClient fragmented = WsClient.authed(cluster, 0, alice, null)) {
      sendIgnoringClose(fragmented, huge);
      assertEquals(1009, fragmented.awaitClose());
    }
    io.vertx.core.http.WebSocketClient wholeFrames = cluster.clientVertx().createWebSocketClient(
        new WebSocketClientOptions().setMaxFrameSize(4 * 1024 * 1024).setMaxMessageSize(8 * 1024 * 1024));
    WsClient whole = WsClient.connect(wholeFrames, cluster.port(0), "/ws?token=" + alice);
    try {
      whole.next("auth_response");
      sendIgnoringClose(whole, huge);
      assertEquals(1009, whole.awaitClose());
    } finally {
      whole.close();
      wholeFrames.close();
    }
  }

  /** The server may close while the rest of the message is still being written: that is the point. */
  private static void sendIgnoringClose(WsClient c, String text) {
    try {
      c.sendText(text);
    } catch (RuntimeException closedWhileWriting) {
      // the close code is what is asserted
    }
  }

  @Test
  void bridgeFramesWithHeadersThatAreNotAnObjectAreRefusedWithACodedError() {
    try (BridgeClient br = cluster.bridge(1, alice)) {
      for (Object headers : List.of("a string", new JsonArray().add(1), 42)) {
        JsonObject r = br.requestRaw("agentbus.history", new JsonObject().put("channel", "general"), headers);
        assertEquals("err", r.getString("type"), headers + ": " + r.encode());
        assertEquals(400, r.getInteger("failureCode"), r.encode());
        assertEquals("INVALID_MESSAGE", new JsonObject(r.getString("message")).getString("code"));
      }
      // a raw registration with such headers is refused too, and the socket still serves
      br.sendText(new JsonObject().put("type", "register").put("address", "agentbus.chat.general")
          .put("headers", "a string").encode());
      assertEquals("err", br.nextError(5000).getString("type"));
      JsonObject ok = br.request("agentbus.history", new JsonObject().put("channel", "general"), null);
      assertEquals("rec", ok.getString("type"), ok.encode());
    }
  }

  @Test
  void refusalsMadeBeforeAnyServiceIsAskedAreCodedJson() {
    Http http = cluster.http(0);
    assertJsonError(http.request("GET", "/no/such/page.html", null), 404, "NOT_FOUND");
    assertJsonError(http.request("POST", "/api/channels", "{\"name\":\"x\"}", "Authorization", "Bearer " + alice,
        "Content-Type", "text/plain"), 415, "UNSUPPORTED_MEDIA_TYPE");
    assertJsonError(http.request("POST", "/api/channels", "{\"name\":\"" + "x".repeat(70_000) + "\"}",
        "Authorization", "Bearer " + alice, "Content-Type", "application/json"), 413, "PAYLOAD_TOO_LARGE");
    assertJsonError(http.request("GET", "/api/channels?q=" + "a".repeat(10_000), null), 414, null);
    assertJsonError(http.request("GET", "/api/channels", null, "X-Big", "b".repeat(20_000)), 431, null);
    // still serving afterwards
    assertEquals(200, http.get("/api/channels", alice).status());
  }

  private static void assertJsonError(Http.Response r, int status, String code) {
    assertEquals(status, r.status(), r.body());
    JsonObject body = r.json();
    assertEquals("error", body.getString("status"), r.body());
    assertFalse(body.getString("message", "").isBlank(), r.body());
    assertNotEquals(null, body.getString("code"));
    if (code != null) {
      assertEquals(code, body.getString("code"), r.body());
    }
  }
}
