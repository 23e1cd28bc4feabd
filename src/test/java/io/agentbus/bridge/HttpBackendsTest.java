package io.agentbus.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentbus.stream.StreamName;
import io.agentbus.support.Http;
import io.agentbus.support.SseClient;
import io.agentbus.support.TestCluster;
import io.agentbus.support.TwoNodeClusterTest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * HTTP for backends (PROTOCOL §12) on two clustered nodes: writes with Idempotency-Key honoured
 * across nodes, streams read by cursor as JSON pages and as server-sent events resumed on the other
 * node, workflow control, per-user rate limits and the 401 challenge — and every bad input refused
 * with its code, changing nothing.
 */
class HttpBackendsTest extends TwoNodeClusterTest {

  @BeforeAll
  static void start() throws Exception {
    String file = Path.of(HttpBackendsTest.class.getResource("/workflows-faults.json").toURI()).toString();
    startCluster(Map.of("AGENTBUS_ORCHESTRATOR_WORKFLOWS_FILE", file, "AGENTBUS_LIMITS_RATE_PER_SECOND", "5",
        "AGENTBUS_LIMITS_RATE_BURST", "12", "AGENTBUS_HTTP_SSE_KEEP_ALIVE_MS", "300"));
  }

  private static String channel(String token) {
    String name = "h" + UUID.randomUUID().toString().substring(0, 8);
    assertEquals(201, cluster.http(0).post("/api/channels", new JsonObject().put("name", name).encode(), token)
        .status());
    return name;
  }

  private static Http.Response post(int node, String path, JsonObject body, String token, String key) {
    List<String> h = new ArrayList<>(List.of("Content-Type", "application/json", "Authorization", "Bearer " + token));
    if (key != null) {
      h.addAll(List.of("Idempotency-Key", key));
    }
    return cluster.http(node).request("POST", path, body.encode(), h.toArray(String[]::new));
  }

  private static String enc(String stream) {
    return URLEncoder.encode(stream, StandardCharsets.UTF_8);
  }

  private static void assertCoded(Http.Response r, int status, String code) {
    assertEquals(status, r.status(), r.body());
    assertEquals("error", r.json().getString("status"), r.body());
    assertEquals(code, r.json().getString("code"), r.body());
  }

  @Test
  void aMessagePostedWithAKeyIsStoredOnceWhicheverNodeTheRetryReaches() {
    String user = cluster.token("poster");
    String ch = channel(user);
    String path = "/api/channels/" + ch + "/messages";
    JsonObject body = new JsonObject().put("content", "from cron");
    Http.Response first = post(0, path, body, user, "k-1");
    assertEquals(201, first.status(), first.body());
    assertNull(first.header("Idempotent-Replayed"));
    JsonObject ack = first.json();
    assertEquals(StreamName.channel(ch), ack.getString("stream"));
    assertNotNull(ack.getString("messageId"));
    assertTrue(ack.getLong("seq") > 0);

    Http.Response again = post(1, path, body, user, "k-1");
    assertEquals(201, again.status(), again.body());
    assertEquals(ack, again.json(), "the repeat answers the first answer");
    assertEquals("true", again.header("Idempotent-Replayed"));
    assertCoded(post(1, path, new JsonObject().put("content", "something else"), user, "k-1"), 409, "CONFLICT");
    assertEquals(1, cluster.count("SELECT count(*) FROM events WHERE stream = $1", StreamName.channel(ch)));

    Http.Response other = post(0, path, body, user, null);
    assertEquals(201, other.status());
    assertNotEquals(ack.getString("messageId"), other.json().getString("messageId"));
    assertEquals(2, cluster.count("SELECT count(*) FROM events WHERE stream = $1", StreamName.channel(ch)));
  }

  @Test
  void badWritesAreRefusedWithTheirCodeAndStoreNothing() {
    String user = cluster.token("garbage");
    String ch = channel(user);
    String path = "/api/channels/" + ch + "/messages";
    assertCoded(cluster.http(0).request("POST", path, "{not json", "Authorization", "Bearer " + user,
        "Content-Type", "application/json"), 400, "INVALID_JSON");
    assertCoded(post(0, path, new JsonObject(), user, null), 400, "INVALID_MESSAGE");
    assertCoded(post(0, path, new JsonObject().put("content", "x".repeat(20_000)), user, null), 400,
        "INVALID_MESSAGE");
    assertCoded(post(0, path, new JsonObject().put("content", "hi"), user, "bad key with spaces"), 400,
        "INVALID_MESSAGE");
    assertCoded(post(0, path, new JsonObject().put("content", "hi"), user, "k".repeat(129)), 400, "INVALID_MESSAGE");
    assertCoded(post(0, "/api/channels/nochannel" + UUID.randomUUID().toString().substring(0, 6) + "/messages",
        new JsonObject().put("content", "hi"), user, null), 404, "NOT_FOUND");
    assertEquals(0, cluster.count("SELECT count(*) FROM events WHERE stream = $1", StreamName.channel(ch)));
  }

  @Test
  void aStreamIsReadByCursorInPagesAndRefusedToThoseWhoMayNotReadIt() {
    String user = cluster.token("reader");
    String ch = channel(user);
    for (int i = 1; i <= 5; i++) {
      assertEquals(201, post(i % 2, "/api/channels/" + ch + "/messages", new JsonObject().put("content", "m" + i),
          user, null).status());
    }
    String events = "/api/streams/" + enc(StreamName.channel(ch)) + "/events";
    Http.Response page1 = cluster.http(1).get(events + "?after=0&limit=2", user);
    assertEquals(200, page1.status(), page1.body());
    JsonArray e1 = page1.json().getJsonArray("events");
    assertEquals(2, e1.size());
    assertEquals(List.of(1L, 2L), List.of(e1.getJsonObject(0).getLong("seq"), e1.getJsonObject(1).getLong("seq")));
    assertEquals("m1", e1.getJsonObject(0).getString("content"));
    assertTrue(page1.json().getBoolean("hasMore"));
    assertEquals(2L, page1.json().getLong("lastSeq"));
    Http.Response page3 = cluster.http(0).get(events + "?after=4&limit=2", user);
    assertEquals(1, page3.json().getJsonArray("events").size());
    assertFalse(page3.json().getBoolean("hasMore"));
    Http.Response empty = cluster.http(0).get(events + "?after=5", user);
    assertEquals(0, empty.json().getJsonArray("events").size());
    assertEquals(5L, empty.json().getLong("lastSeq"), "an empty page's lastSeq is its cursor");
    // The stream name unencoded in the path works too.
    assertEquals(200, cluster.http(0).get("/api/streams/" + StreamName.channel(ch) + "/events", user).status());

    for (String bad : List.of("?after=-1", "?after=abc", "?limit=0", "?limit=501", "?after=1.5")) {
      assertCoded(cluster.http(0).get(events + bad, user), 400, "INVALID_MESSAGE");
    }
    assertCoded(cluster.http(0).get("/api/streams/" + enc("nonsense") + "/events", user), 400, "INVALID_MESSAGE");
    assertCoded(cluster.http(0).get("/api/streams/" + enc("channel:nope" + UUID.randomUUID().toString()
        .substring(0, 6)) + "/events", user), 404, "NOT_FOUND");
    assertCoded(cluster.http(0).get("/api/streams/" + enc(StreamName.user("someoneelse")) + "/events", user), 403,
        "FORBIDDEN");
    Http.Response none = cluster.http(0).get(events, null);
    assertEquals(401, none.status());
    assertTrue(none.header("WWW-Authenticate").startsWith("Bearer"), String.valueOf(none.header("WWW-Authenticate")));
    Http.Response badToken = cluster.http(0).get(events, "not-a-token");
    assertEquals(401, badToken.status());
    assertTrue(badToken.header("WWW-Authenticate").contains("invalid_token"));
  }

  @Test
  void anEventStreamResumesOnTheOtherNodeWithNothingMissedAndNothingRepeated() {
    String user = cluster.token("follower");
    String ch = channel(user);
    String path = "/api/channels/" + ch + "/messages";
    String events = "/api/streams/" + enc(StreamName.channel(ch)) + "/events";
    assertEquals(201, post(0, path, new JsonObject().put("content", "before"), user, null).status());
    long last;
    try (SseClient sse = new SseClient(TestCluster.HOST, cluster.port(1), events + "?after=0", user)) {
      assertEquals(200, sse.status());
      assertTrue(sse.header("Content-Type").startsWith("text/event-stream"));
      SseClient.Event replayed = sse.next(10);
      assertEquals(1, replayed.seq());
      assertEquals("before", replayed.json().getString("content"));
      for (int i = 1; i <= 3; i++) {
        assertEquals(201, post(0, path, new JsonObject().put("content", "live" + i), user, null).status());
      }
      for (int i = 1; i <= 3; i++) {
        SseClient.Event e = sse.next(10);
        assertEquals(1 + i, e.seq());
        assertEquals(e.seq(), e.json().getLong("seq"), "id: is the event's seq");
        assertEquals("live" + i, e.json().getString("content"));
      }
      last = 4;
      assertEquals("keep-alive", sse.nextComment(5), "a quiet stream sends keep-alives");
    }
    // Dropped; three more arrive meanwhile; the reader comes back on the other node with Last-Event-ID.
    for (int i = 1; i <= 3; i++) {
      assertEquals(201, post(1, path, new JsonObject().put("content", "missed" + i), user, null).status());
    }
    try (SseClient sse = new SseClient(TestCluster.HOST, cluster.port(0), events, user,
        "Last-Event-ID", String.valueOf(last))) {
      for (int i = 1; i <= 3; i++) {
        SseClient.Event e = sse.next(10);
        assertEquals(last + i, e.seq(), "gapless, in order, nothing repeated");
        assertEquals("missed" + i, e.json().getString("content"));
      }
      assertEquals(201, post(1, path, new JsonObject().put("content", "after"), user, null).status());
      assertEquals(last + 4, sse.next(10).seq());
    }
    // Refusals come before the stream opens, as JSON errors.
    try (SseClient bad = new SseClient(TestCluster.HOST, cluster.port(0), events, user, "Last-Event-ID", "x")) {
      assertEquals(400, bad.status());
    }
    try (SseClient foreign = new SseClient(TestCluster.HOST, cluster.port(0),
        "/api/streams/" + enc(StreamName.user("another")) + "/events", user)) {
      assertEquals(403, foreign.status());
    }
  }

  @Test
  void aWorkflowIsStartedOnceUnderItsKeyAndControlledOverHttp() {
    String owner = cluster.token("backend");
    JsonObject start = new JsonObject().put("content", "nightly report").put("workflow", "long");
    Http.Response first = post(0, "/api/workflows", start, owner, "wf-1");
    assertEquals(201, first.status(), first.body());
    String id = first.json().getString("workflowId");
    assertNotNull(first.json().getString("sessionId"), "a backend without a session gets one");
    Http.Response again = post(1, "/api/workflows", start, owner, "wf-1");
    assertEquals(201, again.status());
    assertEquals(first.json(), again.json());
    assertEquals("true", again.header("Idempotent-Replayed"));
    assertCoded(post(1, "/api/workflows", start.copy().put("content", "other"), owner, "wf-1"), 409, "CONFLICT");
    assertEquals(1, cluster.count("SELECT count(*) FROM workflows WHERE owner_id = 'backend'"));

    String other = cluster.token("intruder");
    assertCoded(cluster.http(0).get("/api/streams/" + enc(StreamName.workflow(id)) + "/events", other), 403,
        "FORBIDDEN");
    assertCoded(post(0, "/api/workflows/" + id + "/cancel", new JsonObject(), other, null), 403, "FORBIDDEN");

    Http.Response paused = post(1, "/api/workflows/" + id + "/pause", new JsonObject(), owner, null);
    assertEquals(200, paused.status(), paused.body());
    assertEquals(id, paused.json().getString("workflowId"));
    Http.Response resumed = post(0, "/api/workflows/" + id + "/resume", new JsonObject(), owner, null);
    assertEquals(200, resumed.status(), resumed.body());
    Http.Response cancelled = post(1, "/api/workflows/" + id + "/cancel", new JsonObject(), owner, "c-1");
    assertEquals(200, cancelled.status(), cancelled.body());
    assertEquals("cancelled", cancelled.json().getString("status"));
    Http.Response repeat = post(0, "/api/workflows/" + id + "/cancel", new JsonObject(), owner, "c-1");
    assertEquals(200, repeat.status(), "a keyed repeat is the first answer, not a conflict");
    assertEquals("true", repeat.header("Idempotent-Replayed"));
    assertCoded(post(0, "/api/workflows/" + id + "/resume", new JsonObject(), owner, null), 409, "CONFLICT");
    assertCoded(post(0, "/api/workflows/" + id + "/cancel", new JsonObject(), owner, null), 409, "CONFLICT");
    assertCoded(post(0, "/api/workflows/nope-" + UUID.randomUUID() + "/cancel", new JsonObject(), owner, null), 404,
        "NOT_FOUND");

    // Its events, by cursor, end with the cancel.
    JsonArray evs = cluster.http(0).get("/api/streams/" + enc(StreamName.workflow(id)) + "/events?limit=500", owner)
        .json().getJsonArray("events");
    assertEquals("cancelled", evs.getJsonObject(evs.size() - 1).getString("type"), evs.encode());
  }

  @Test
  void writesPastAUsersRateAre429WithRetryAfterAndNeverRefuseAnotherUser() {
    String hasty = cluster.token("hasty");
    String calm = cluster.token("calm");
    String ch = channel(cluster.token("owner-of-rate"));
    String path = "/api/channels/" + ch + "/messages";
    int ok = 0;
    Http.Response refused = null;
    for (int i = 0; i < 30 && refused == null; i++) {
      Http.Response r = post(0, path, new JsonObject().put("content", "n" + i), hasty, "r-" + i);
      if (r.status() == 201) {
        ok++;
      } else {
        refused = r;
      }
    }
    assertNotNull(refused, "30 writes at once pass a burst of 12");
    assertCoded(refused, 429, "RATE_LIMITED");
    assertTrue(Long.parseLong(refused.header("Retry-After")) >= 1);
    assertEquals(ok, cluster.count("SELECT count(*) FROM events WHERE stream = $1", StreamName.channel(ch)),
        "a refused write stores nothing");
    assertEquals(201, post(0, path, new JsonObject().put("content", "mine"), calm, null).status(),
        "another user is not refused");
  }
}
