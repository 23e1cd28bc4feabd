package io.agentbus.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.agentbus.support.IntegrationTest;
import io.agentbus.support.JdkWsClient;
import io.agentbus.support.TestCluster;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A connection whose session cannot be set up (here: no router answers anywhere, as when the
 * database is down under it) is told so and closed with 1013, never left open and unauthenticated.
 */
@IntegrationTest
class SessionUnavailableTest {

  @Test
  void anAuthenticatedConnectionWhoseSessionCannotBeClaimedIsClosedWith1013() throws Exception {
    try (TestCluster cluster = TestCluster.start(Map.of("AGENTBUS_VERTICLES", "bridge"))) {
      String token = cluster.token("alice");
      JdkWsClient ws = new JdkWsClient(cluster.port(0), "/ws?token=" + token);
      JsonObject auth = ws.next();
      assertEquals("auth_response", auth.getString("type"));
      assertFalse(auth.getBoolean("success"));
      JsonObject error = ws.next();
      assertEquals("UNAVAILABLE", error.getString("code"), error.encode());
      assertEquals(true, error.getBoolean("recoverable"));
      assertEquals(1013, ws.awaitClose());
    }
  }
}
