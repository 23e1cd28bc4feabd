package io.agentbus.lifecycle;

import io.agentbus.Node;
import io.agentbus.bus.Addresses;
import io.agentbus.config.AgentbusConfig;
import io.agentbus.config.Sections;
import io.agentbus.node.ClusterTls;
import io.agentbus.support.IntegrationTest;
import io.agentbus.support.TestCluster;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.json.JsonObject;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A closed cluster (PROTOCOL §13): a process that reaches the cluster's ports without its key
 * material — here one that even joins Hazelcast, which open-source Hazelcast cannot refuse — can
 * neither send to an address of the cluster nor receive what the cluster publishes. The same
 * process given the cluster's pair can (so the refusal is the TLS, not something else).
 */
@IntegrationTest
class ClosedClusterTest {

  @Test
  void aProcessWithoutTheClustersKeyCanNeitherSendToNorReceiveFromAnyAddress() throws Exception {
    TestCluster c = TestCluster.start(Map.of(), Map.of());
    Vertx outsider = null;
    Vertx insider = null;
    try {
      Sections.Cluster cl = c.node(0).config().cluster();
      String node0 = c.node(0).nodeId();
      outsider = member(cl, false);
      assertEquals(3, ((VertxInternal) outsider).clusterManager().getNodes().size(), "it joined Hazelcast");
      List<Object> overheard = new CopyOnWriteArrayList<>();
      outsider.eventBus().consumer(Addresses.CHANNELS_CHANGED, m -> overheard.add(m.body())).completion().await();

      // Sending: the node's info (answered to any member of the cluster) does not reach it.
      Throwable refused = null;
      try {
        outsider.eventBus().request(Addresses.nodeInfo(node0), new JsonObject(), new DeliveryOptions().setSendTimeout(3000)).await();
      } catch (Throwable e) {
        refused = e;
      }
      assertNotNull(refused, "an outsider's request was answered");

      // Receiving: what the cluster publishes (a channel created) never reaches its consumer.
      Thread.sleep(1500); // its registration is in Hazelcast's map by now
      assertEquals(201, c.http(0).post("/api/channels", "{\"name\":\"overheard-" + System.nanoTime() % 100000 + "\"}",
          c.token("ada")).status());
      Thread.sleep(2000);
      assertTrue(overheard.isEmpty(), "the outsider received " + overheard);

      // The cluster's own pair opens it: the same request, from a member that has it, is answered.
      insider = member(cl, true);
      JsonObject info = (JsonObject) insider.eventBus().request(Addresses.nodeInfo(node0), new JsonObject(),
          new DeliveryOptions().setSendTimeout(5000)).await().body();
      assertEquals(node0, info.getString("nodeId"));
    } finally {
      if (outsider != null) {
        outsider.close().await();
      }
      if (insider != null) {
        insider.close().await();
      }
      c.close();
    }
  }

  /** A bare clustered Vert.x that joins {@code cl}'s Hazelcast cluster, with or without its TLS pair. */
  private static Vertx member(Sections.Cluster cl, boolean withKey) {
    String port = cl.members().get(cl.members().size() - 1).split(":")[1];
    AgentbusConfig cfg = AgentbusConfig.load(Map.of("AGENTBUS_CLUSTER_NAME", cl.name(),
        "AGENTBUS_CLUSTER_MEMBERS", cl.membersText(), "AGENTBUS_CLUSTER_PORT", port,
        "AGENTBUS_CLUSTER_TLS", withKey ? "on" : "off"));
    EventBusOptions eb = new EventBusOptions().setHost("127.0.0.1").setClusterPublicHost("127.0.0.1");
    return Vertx.builder().with(new VertxOptions().setEventBusOptions(ClusterTls.apply(eb, cfg.cluster())))
        .withClusterManager(new HazelcastClusterManager(Node.hazelcast(cfg))).buildClustered().await();
  }
}
