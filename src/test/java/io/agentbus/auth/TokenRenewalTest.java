package io.agentbus.auth;

import io.agentbus.support.IntegrationTest;
import io.agentbus.support.TestCluster;
import io.agentbus.support.WsClient;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A {@code /ws} connection lives as long as its token: an {@code auth} frame with a fresh token of
 * the same user renews it in place (roles too, no reconnect: subscriptions stay), another user's is
 * refused, and at the expiry of the last token the connection is closed with 4401.
 */
@IntegrationTest
class TokenRenewalTest {

  static final int TTL = 4;
  static TestCluster cluster;

  @BeforeAll
  static void start() {
    cluster = TestCluster.start(Map.of("AGENTBUS_AUTH_TOKEN_TTL_SECONDS", String.valueOf(TTL)),
        Map.of("AGENTBUS_AUTH_TOKEN_TTL_SECONDS", String.valueOf(TTL)));
  }

  @AfterAll
  static void stop() {
    cluster.close();
  }

  @Test
  void aFreshTokenRenewsALiveConnectionAndTheLastOnesExpiryEndsIt() throws Exception {
    WsClient ada = WsClient.authed(cluster, 0, cluster.token("ada"), null);
    try {
      assertEquals("subscribed", ada.replyTo(ada.send(new JsonObject().put("type", "subscribe").put("channel", "general")))
          .getString("type"));
      Thread.sleep(2_500);
      long renewedAt = System.currentTimeMillis();
      JsonObject renewed = ada.replyTo(ada.send(new JsonObject().put("type", "auth").put("token", cluster.token("ada", "approver"))));
      assertTrue(renewed.getBoolean("success") && renewed.getBoolean("renewed"), renewed.encode());
      assertTrue(renewed.getJsonArray("roles").contains("approver"), "the new token's roles apply: " + renewed.encode());
      JsonObject other = ada.replyTo(ada.send(new JsonObject().put("type", "auth").put("token", cluster.token("mallory"))));
      assertEquals("CONFLICT", other.getString("code"), "a connection stays one user's: " + other.encode());

      // Past the first token's expiry (issued 2.5 s before the renewal) the connection lives on, its
      // subscription too. Bob's token is minted now and his message is one HTTP request: only that
      // has to beat the fresh token's expiry (whole seconds: at least TTL - 1 s after the renewal).
      String bob = cluster.token("bob");
      Thread.sleep(TTL * 1000L - 2_000);
      assertEquals(201, cluster.http(1).post("/api/channels/general/messages", "{\"content\":\"still there?\"}", bob)
          .status());
      ada.next(f -> "still there?".equals(f.getString("content")), "a message after the first token expired");

      // Nothing renews it again: at the fresh token's expiry it is closed, 4401.
      assertEquals(4401, ada.awaitClose());
      long lived = System.currentTimeMillis() - renewedAt;
      assertTrue(lived >= (TTL - 1) * 1000L && lived <= (TTL + 2) * 1000L, "closed " + lived + " ms after the renewal");
    } finally {
      try {
        ada.close();
      } catch (RuntimeException alreadyClosed) {
        // closed by the server, as asserted
      }
    }
  }
}
