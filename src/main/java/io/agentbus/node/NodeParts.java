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
import java.util.ArrayList;
import java.util.List;

/**
 * The node-wide parts every verticle receives, built once by {@code Node} when the database is
 * ready and closed by it once every verticle has stopped.
 *
 * <p>The pools (and the hub, which reads through one) are made on first use, on the context of the
 * verticle that first asks — the router, deployed first: a pool's connections live on the event
 * loop it was made on, and callers on that loop get their results without a hop between threads.
 * Made by the node on a loop of their own, they cost statements a hop (measured with the
 * benchmark: fan-out CPU per delivery 11.6 → 14.6 µs, persist 12 774 → 11 649 msgs/s).
 */
public final class NodeParts {

  private final Vertx vertx;
  private final AgentbusConfig config;
  private final String nodeId;
  private final Metrics metrics;
  private StreamHub hub;
  private Presence presence;
  private final ClusterSize clusterSize;
  private final NodeState state;
  private final io.agentbus.tracing.Tracing tracing;
  private Pool pool;
  private Pool searchPool;
  private io.agentbus.auth.TokenService tokens;
  private io.agentbus.auth.BrowserSessions sessions;

  private NodeParts(Vertx vertx, AgentbusConfig config, String nodeId, Metrics metrics, ClusterSize clusterSize,
      NodeState state, io.agentbus.tracing.Tracing tracing) {
    this.tracing = tracing;
    this.vertx = vertx;
    this.config = config;
    this.nodeId = nodeId;
    this.metrics = metrics;
    this.clusterSize = clusterSize;
    this.state = state;
  }

  /** The parts of a node whose cluster is joined and whose database is migrated. */
  public static NodeParts build(Vertx vertx, AgentbusConfig cfg, Metrics metrics, ClusterSize clusterSize,
      NodeState state, io.agentbus.tracing.Tracing tracing) {
    return new NodeParts(vertx, cfg, ClusterMembers.nodeId(vertx), metrics, clusterSize, state, tracing);
  }

  /** The node's tracing (off unless OTEL_* names an exporter). */
  public io.agentbus.tracing.Tracing tracing() {
    return tracing;
  }

  public Vertx vertx() {
    return vertx;
  }

  /** The resolved configuration (JWT secret and database URL filled in); read it through its typed sections. */
  public AgentbusConfig config() {
    return config;
  }

  /** This node's cluster id. */
  public String nodeId() {
    return nodeId;
  }

  /** The node's one pool for every verticle ({@code db.poolSize} connections). */
  public synchronized Pool pool() {
    if (pool == null) {
      pool = Database.pool(vertx, config.db().url(), config.db().poolSize());
    }
    return pool;
  }

  /** The small pool for searches ({@link Database#searchPool}). */
  public synchronized Pool searchPool() {
    if (searchPool == null) {
      searchPool = Database.searchPool(vertx, config.db().url(), 2);
    }
    return searchPool;
  }

  public Metrics metrics() {
    return metrics;
  }

  /**
   * The node's fan-out of stream events; it runs on the event loop of the first bridge instance
   * that starts it ({@link StreamHub#startOn}), and only on nodes that run a bridge.
   */
  public synchronized StreamHub hub() {
    if (hub == null) {
      hub = new StreamHub(vertx, nodeId, new StreamStore(pool()), metrics, clusterSize, config.limits().gapFillMs(),
          config.limits().resyncMs());
    }
    return hub;
  }

  /** Who is online where; runs beside the hub. */
  public synchronized Presence presence() {
    if (presence == null) {
      presence = new Presence(vertx, hub(), nodeId);
    }
    return presence;
  }

  /**
   * The node's one token service (its identity provider discovered once, not per verticle) with the
   * cluster's browser sessions behind it; {@link io.agentbus.auth.TokenService#ready} says when it
   * can check every kind of token.
   */
  public synchronized io.agentbus.auth.TokenService tokens() {
    if (tokens == null) {
      sessions = new io.agentbus.auth.BrowserSessions(vertx, pool(), config.auth().jwtSecret());
      tokens = io.agentbus.auth.TokenService.of(vertx, config.auth(), sessions);
      io.vertx.core.Future<Void> providerReady = tokens.ready();
      tokens = tokens.readyAfter(sessions.start().compose(v -> providerReady));
    }
    return tokens;
  }

  /** How many members this node sees against how many it should. */
  public ClusterSize clusterSize() {
    return clusterSize;
  }

  /** Deployed, draining, the templates' hash. */
  public NodeState state() {
    return state;
  }

  /** Releases what the parts hold; the verticles have stopped. */
  public synchronized Future<Void> close() {
    if (presence != null) {
      presence.close();
    }
    if (sessions != null) {
      sessions.close();
    }
    if (hub != null) {
      hub.close();
    }
    List<Future<Void>> closing = new ArrayList<>();
    if (pool != null) {
      closing.add(pool.close());
    }
    if (searchPool != null) {
      closing.add(searchPool.close());
    }
    return Future.join(closing).<Void>mapEmpty().onComplete(x -> tracing.close());
  }
}
