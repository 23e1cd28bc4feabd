package io.agentbus.config;

import io.agentbus.config.AgentbusConfig;
import io.agentbus.config.ConfigKeys;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Defaults come from conf/, every key yields to its AGENTBUS_* variable, and bad values stop the node clearly. */
class ConfigTest {

  @Test
  void defaultsMatchTheProtocol() {
    AgentbusConfig c = AgentbusConfig.load(Map.of());
    assertEquals(8080, c.http().port());
    assertEquals("agentbus", c.cluster().name());
    assertEquals("127.0.0.1", c.cluster().host());
    assertEquals(5701, c.cluster().port());
    assertEquals("dev", c.node().profile());
    assertTrue(c.devLogin());
    // PROTOCOL §6: every verticle by default.
    assertEquals(java.util.Set.copyOf(io.agentbus.config.Verticle.names()), java.util.Set.copyOf(c.verticles()));
    assertEquals(65536, c.limits().maxFrameBytes());
    assertEquals(16000, c.limits().maxContentChars());
  }

  @Test
  void everyKeyIsOverriddenByItsEnvironmentVariable() {
    AgentbusConfig c = AgentbusConfig.load(Map.of("AGENTBUS_HTTP_PORT", "9090", "AGENTBUS_CLUSTER_MEMBERS", "10.0.0.1,10.0.0.2",
        "AGENTBUS_VERTICLES", "bridge", "AGENTBUS_LIMITS_MAX_CONTENT_CHARS", "100"));
    assertEquals(9090, c.http().port());
    assertEquals("10.0.0.1,10.0.0.2", c.cluster().membersText());
    assertEquals(List.of("bridge"), c.verticles());
    assertEquals(100, c.limits().maxContentChars());
  }

  @Test
  void everyKeyHasItsOwnVariableAndTheConfFileKnowsNoOthers() {
    Set<String> envs = new HashSet<>();
    for (ConfigKeys.Key k : ConfigKeys.all()) {
      assertTrue(k.env().startsWith("AGENTBUS_"), k.env());
      assertTrue(envs.add(k.env()), "duplicate " + k.env());
      assertFalse(k.doc().isBlank());
    }
  }

  @Test
  void badValuesStopTheNodeWithAMessageNamingTheVariable() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> AgentbusConfig.load(Map.of("AGENTBUS_HTTP_PORT", "eighty")));
    assertTrue(e.getMessage().contains("AGENTBUS_HTTP_PORT"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> AgentbusConfig.load(Map.of("AGENTBUS_VERTICLES", "bridge,teleport")));
    assertTrue(e.getMessage().contains("teleport"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> AgentbusConfig.load(Map.of("AGENTBUS_PROFILE", "staging")));
    assertTrue(e.getMessage().contains("AGENTBUS_PROFILE"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> AgentbusConfig.load(Map.of("AGENTBUS_ORCHESTRATOR_LEASE_SECONDS", "0")));
    assertTrue(e.getMessage().contains("AGENTBUS_ORCHESTRATOR_LEASE_SECONDS"), e.getMessage());
  }

  @Test
  void aMisspeltKeyInTheConfigFileStopsTheStartNamingIt() throws Exception {
    java.nio.file.Path f = java.nio.file.Files.createTempFile("agentbus-conf-", ".json");
    java.nio.file.Files.writeString(f, "{\"_doc\":\"a comment\",\"http\":{\"prot\":8081}}");
    try {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> AgentbusConfig.load(Map.of(AgentbusConfig.CONFIG_FILE_ENV, f.toString())));
      assertTrue(e.getMessage().contains("http.prot"), e.getMessage());
      java.nio.file.Files.writeString(f, "{\"_doc\":\"a comment\",\"http\":{\"port\":8081}}");
      assertEquals(8081, AgentbusConfig.load(Map.of(AgentbusConfig.CONFIG_FILE_ENV, f.toString()))
          .http().port());
    } finally {
      java.nio.file.Files.deleteIfExists(f);
    }
  }

  @Test
  void prodNeedsASecretAndHasNoDevLogin() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> AgentbusConfig.load(Map.of("AGENTBUS_PROFILE", "prod")));
    assertTrue(e.getMessage().contains("AGENTBUS_JWT_SECRET"), e.getMessage());
    // Prod keeps the clustered event bus closed: the TLS pair is required, and TLS cannot be turned off.
    e = assertThrows(IllegalArgumentException.class,
        () -> AgentbusConfig.load(Map.of("AGENTBUS_PROFILE", "prod", "AGENTBUS_JWT_SECRET", "x".repeat(40))));
    assertTrue(e.getMessage().contains("AGENTBUS_CLUSTER_TLS_CERT"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> AgentbusConfig.load(Map.of("AGENTBUS_PROFILE", "prod",
        "AGENTBUS_JWT_SECRET", "x".repeat(40), "AGENTBUS_CLUSTER_TLS", "off")));
    assertTrue(e.getMessage().contains("dev only"), e.getMessage());
    AgentbusConfig prod = AgentbusConfig.load(Map.of("AGENTBUS_PROFILE", "prod", "AGENTBUS_JWT_SECRET", "x".repeat(40),
        "AGENTBUS_CLUSTER_TLS_CERT", "/etc/agentbus/cert.pem", "AGENTBUS_CLUSTER_TLS_KEY", "/etc/agentbus/key.pem"));
    assertFalse(prod.devLogin());
    assertTrue(prod.cluster().tls());
  }
}
