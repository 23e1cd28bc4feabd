package io.agentbus.stream;

import io.agentbus.support.IntegrationTest;
import io.agentbus.support.TestCluster;
import io.agentbus.support.WsClient;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Events go only to nodes whose clients follow the stream, and following starts without a gap. */
@IntegrationTest
class InterestRoutingTest {

  @Test
  void aNodeFollowingNothingReceivesNoEventsAndJoinsWithoutAGap() throws Exception {
    try (TestCluster c = TestCluster.start(Map.of(), Map.of())) {
      String token = c.token("ivy");
      assertEquals(201, c.http(0).post("/api/channels", "{\"name\":\"local-only\"}", token).status());
      try (WsClient a = WsClient.authed(c, 0, token, null)) {
        subscribe(a, "local-only", null);
        for (int i = 1; i <= 20; i++) {
          chat(a, "local-only", "m" + i);
        }
        assertEquals(20, a.take("message", 20).size());
        assertEquals(0, received(c, 1), "node B follows nothing, so nothing is pushed to it");

        // a client on node B subscribes while node A keeps writing: no gap, no repeat, in order
        try (WsClient b = WsClient.authed(c, 1, token, null)) {
          subscribe(b, "local-only", 20L);
          for (int i = 21; i <= 40; i++) {
            chat(a, "local-only", "m" + i);
          }
          List<JsonObject> got = b.take("message", 20);
          for (int i = 0; i < 20; i++) {
            assertEquals(21 + i, got.get(i).getLong("seq"));
          }
          // Pushed now (an event committed while the writer was still learning of node B's interest
          // comes from the database instead, so not necessarily all 20).
          long pushed = received(c, 1);
          assertTrue(pushed >= 10 && pushed <= 20, "node B now receives the stream it follows: " + pushed);
        }
      }
    }
  }

  private static void subscribe(WsClient w, String channel, Long lastSeq) {
    JsonObject f = new JsonObject().put("type", "subscribe").put("channel", channel);
    if (lastSeq != null) {
      f.put("lastSeq", lastSeq);
    }
    assertEquals("subscribed", w.replyTo(w.send(f)).getString("type"));
  }

  private static void chat(WsClient w, String channel, String content) {
    String id = w.send(new JsonObject().put("type", "chat").put("channel", channel).put("content", content));
    assertEquals("ack", w.replyTo(id).getString("type"));
  }

  private static long received(TestCluster c, int node) {
    for (String line : c.http(node).get("/metrics", null).body().split("\n")) {
      if (line.startsWith("agentbus_stream_events_received_total ")) {
        return (long) Double.parseDouble(line.substring(line.indexOf(' ') + 1).trim());
      }
    }
    throw new AssertionError("metric missing");
  }
}
