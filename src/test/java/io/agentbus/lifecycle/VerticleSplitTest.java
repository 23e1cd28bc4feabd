package io.agentbus.lifecycle;

import io.agentbus.support.IntegrationTest;
import io.agentbus.support.TestCluster;
import io.agentbus.support.WsClient;
import io.vertx.core.json.JsonObject;
import java.net.ConnectException;
import java.net.Socket;
import java.util.Map;
import org.junit.jupiter.api.Test;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which verticles a node runs, and how many, is configuration. */
@IntegrationTest
class VerticleSplitTest {

  @Test
  void aRouterOnlyNodeServesABridgeOnlyNodeWithTwoBridgeInstances() {
    try (TestCluster c = TestCluster.start(
        Map.of("AGENTBUS_VERTICLES", "router"),
        Map.of("AGENTBUS_VERTICLES", "bridge", "AGENTBUS_INSTANCES_BRIDGE", "2"))) {
      // the router-only node has no HTTP server
      boolean refused = false;
      try (Socket s = new Socket("127.0.0.1", c.port(0))) {
        // connected: something listens there
      } catch (Exception e) {
        refused = e instanceof ConnectException;
      }
      assertTrue(refused, "a router-only node opens no HTTP port");

      JsonObject health = c.http(1).get("/health", null).json();
      assertEquals("UP", health.getString("status"));
      assertEquals(2, health.getJsonObject("checks").getJsonObject("cluster").getInteger("members"));

      // token from the bridge-only node; every request crosses to the router on the other node
      String token = c.http(1).post("/api/auth/token", "{\"userId\":\"split\"}", null).json().getString("token");
      try (WsClient a = WsClient.authed(c, 1, token, null);
           WsClient b = WsClient.authed(c, 1, token, null)) {
        String id = a.send(new JsonObject().put("type", "subscribe").put("channel", "general"));
        assertEquals("subscribed", a.replyTo(id).getString("type"));
        id = b.send(new JsonObject().put("type", "chat").put("channel", "general").put("content", "via the router node"));
        assertEquals("ack", b.replyTo(id).getString("type"));
        assertEquals("via the router node", a.next("message").getString("content"));
      }
    }
  }
}
