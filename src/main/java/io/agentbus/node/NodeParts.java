package io.agentbus.node;

import io.agentbus.bus.ClusterMembers;
import io.agentbus.bus.ClusterSize;
import io.agentbus.bus.NodeState;
import io.agentbus.config.AgentbusConfig;
import io.agentbus.db.Database;
import io.agentbus.metrics.Metrics;
import io.agentbus.presence.Presence;
import io.agentbus.stream.StreamHub;
import io.agentbus.stream.StreamStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;

/**
 * The node-wide parts every verticle receives, built once by {@code Node} when the database is
 * ready and closed by it once every verticle has stopped.
 *
 * @param config the resolved configuration (JWT secret and database URL filled in); read it
 *     through its typed sections
 * @param nodeId this node's cluster id
 * @param pool the node's one pool for every verticle ({@code db.poolSize} connections)
 * @param searchPool the small pool for searches ({@link Database#searchPool})
 * @param hub the node's fan-out of stream events; it runs on the event loop of the first bridge
 *     instance that starts it ({@link StreamHub#startOn}), and only on nodes that run a bridge
 * @param presence who is online where; runs beside the hub
 * @param clusterSize how many members this node sees against how many it should
 * @param state deployed, draining, the templates' hash
 */
public record NodeParts(Vertx vertx, AgentbusConfig config, String nodeId, Pool pool, Pool searchPool,
    Metrics metrics, StreamHub hub, Presence presence, ClusterSize clusterSize, NodeState state) {

  /** Builds the parts of a node whose cluster is joined and whose database is migrated. */
  public static NodeParts build(Vertx vertx, AgentbusConfig cfg, Metrics metrics, ClusterSize clusterSize,
      NodeState state) {
    String nodeId = ClusterMembers.nodeId(vertx);
    String url = cfg.db().url();
    Pool pool = Database.pool(vertx, url, cfg.db().poolSize());
    Pool searchPool = Database.searchPool(vertx, url, 2);
    StreamHub hub = new StreamHub(vertx, nodeId, new StreamStore(pool), metrics, clusterSize,
        cfg.limits().gapFillMs(), cfg.limits().resyncMs());
    Presence presence = new Presence(vertx, hub, nodeId);
    return new NodeParts(vertx, cfg, nodeId, pool, searchPool, metrics, hub, presence, clusterSize, state);
  }

  /** Releases what the parts hold; the verticles have stopped. */
  public Future<Void> close() {
    presence.close();
    hub.close();
    return Future.join(pool.close(), searchPool.close()).mapEmpty();
  }
}
