package io.agentbus.admin;

import io.agentbus.bus.Addresses;
import io.agentbus.config.AgentbusConfig;
import io.agentbus.node.NodeParts;
import io.agentbus.config.Verticle;
import io.agentbus.metrics.Metrics;
import io.agentbus.stream.StreamHub;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * What a node says about itself to the cluster view ({@code internal.node.<id>.info}): registered
 * by every node at start whatever verticles it runs, so the admin verticle of any node can
 * gather every member. The orchestrator adds its templates' hash once it has loaded them
 * ({@code NodeState.templatesHash}).
 */
public final class NodeInfo {

  /** This build's version (from the jar's {@code agentbus-version.properties}), or "dev". */
  public static final String VERSION = readVersion();

  private NodeInfo() {}

  /** Registers this node's info address; completes once it is registered cluster-wide. */
  public static Future<Void> register(NodeParts parts) {
    Vertx vertx = parts.vertx();
    AgentbusConfig cfg = parts.config();
    long started = System.currentTimeMillis();
    String nodeId = parts.nodeId();
    JsonArray verticles = new JsonArray();
    for (Verticle v : Verticle.values()) {
      if (cfg.runs(v)) {
        verticles.add(v.id);
      }
    }
    Metrics metrics = parts.metrics();
    StreamHub hub = parts.hub();
    return vertx.eventBus().<Object>consumer(Addresses.nodeInfo(nodeId), m -> {
      m.reply(new JsonObject().put("nodeId", nodeId).put("address", cfg.cluster().host())
          .put("httpPort", cfg.runs(Verticle.BRIDGE) ? cfg.http().port() : null)
          .put("verticles", verticles)
          .put("connections", new JsonObject().put("ws", metrics.wsConnections.get())
              .put("sockjs", metrics.bridgeSockets.get()))
          .put("followedStreams", hub.followedStreams())
          .put("uptimeSeconds", (System.currentTimeMillis() - started) / 1000).put("version", VERSION)
          .put("templatesHash", parts.state().templatesHash()).put("agentKinds", parts.state().agentKinds())
          .put("reachable", true));
    }).completion();
  }

  /** A member's info within {@code ClusterView.ASK_MS}, or {nodeId, reachable:false, error} when it does not answer. */
  public static Future<JsonObject> ask(Vertx vertx, String node) {
    return vertx.eventBus().<JsonObject>request(Addresses.nodeInfo(node), new JsonObject(),
            new io.vertx.core.eventbus.DeliveryOptions().setSendTimeout(ClusterView.ASK_MS))
        .map(m -> m.body())
        .otherwise(err -> new JsonObject().put("nodeId", node).put("reachable", false).put("error", err.getMessage()));
  }

  private static String readVersion() {
    try (InputStream in = NodeInfo.class.getResourceAsStream("/agentbus-version.properties")) {
      if (in == null) {
        return "dev";
      }
      Properties p = new Properties();
      p.load(in);
      String v = p.getProperty("version", "dev");
      return v.startsWith("${") ? "dev" : v;
    } catch (IOException e) {
      return "dev";
    }
  }
}
