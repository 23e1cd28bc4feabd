package io.agentbus.db;

import io.agentbus.config.AgentbusConfig;
import java.util.Map;
import org.junit.jupiter.api.Test;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The embedded PostgreSQL fallback never splits a cluster's state. */
class DatabaseTest {

  @Test
  void aLoneDevNodeOnOneHostMayUseTheEmbeddedDatabase() {
    assertNull(Database.embeddedRefusal(AgentbusConfig.load(Map.of()), 1));
    assertNull(Database.embeddedRefusal(AgentbusConfig.load(Map.of("AGENTBUS_CLUSTER_MEMBERS",
        "127.0.0.1:5701,localhost:5702")), 1));
  }

  @Test
  void itIsRefusedInProdWithOtherMembersOrWithMembersOnOtherHosts() {
    String prod = Database.embeddedRefusal(AgentbusConfig.load(Map.of("AGENTBUS_PROFILE", "prod",
        "AGENTBUS_JWT_SECRET", "x".repeat(40), "AGENTBUS_CLUSTER_TLS_CERT", "c.pem", "AGENTBUS_CLUSTER_TLS_KEY", "k.pem")), 1);
    assertNotNull(prod);
    assertTrue(prod.contains("prod"), prod);
    assertTrue(Database.embeddedRefusal(AgentbusConfig.load(Map.of()), 2).contains("2 members"));
    assertTrue(Database.embeddedRefusal(AgentbusConfig.load(Map.of("AGENTBUS_CLUSTER_MEMBERS",
        "127.0.0.1,10.0.0.7:5701")), 1).contains("10.0.0.7"));
  }
}
