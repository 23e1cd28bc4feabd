package io.agentbus.bridge;

import io.agentbus.auth.TokenService;
import io.agentbus.bus.Principal;
import io.agentbus.bus.Requests;
import io.agentbus.config.AgentbusConfig;
import io.agentbus.config.Sections;
import io.agentbus.metrics.Metrics;
import io.agentbus.node.NodeParts;
import io.agentbus.config.Verticle;
import io.agentbus.presence.Presence;
import io.agentbus.stream.StreamHub;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import java.util.Set;

/**
 * What every connection of a bridge verticle shares, whatever its transport: settings, token
 * checks, the node's hub and presence, the limits, and which verticles run on this node. The
 * connections themselves belong to their endpoint ({@code ws.WsEndpoint}, {@code sockjs.EventBusBridge}).
 */
public record BridgeContext(Vertx vertx, AgentbusConfig cfg, TokenService tokens, StreamHub hub, Presence presence,
                            Metrics metrics, Limits limits, Set<String> localVerticles,
                            io.agentbus.tracing.Tracing tracing) {

  public BridgeContext(NodeParts parts, TokenService tokens) {
    this(parts.vertx(), parts.config(), tokens, parts.hub(), parts.presence(), parts.metrics(),
        Limits.of(parts.config()), Set.copyOf(parts.config().verticles()), parts.tracing());
  }

  /** Delivery options for {@code op} as {@code p}: on this node when it runs the serving verticle. */
  public DeliveryOptions to(Operation op, Principal p) {
    return to(op.target, p);
  }

  /** Delivery options for a request as {@code p} to {@code verticle} ({@link Requests#to}). */
  public DeliveryOptions to(Verticle verticle, Principal p) {
    return Requests.to(verticle.id, p, localVerticles);
  }

  public DeliveryOptions toRouter(Principal p) {
    return to(Verticle.ROUTER, p);
  }

  /** The per-connection limits of PROTOCOL §3 and §5, from config. */
  public record Limits(int ratePerSecond, int rateBurst, int sendQueueBytes, int authTimeoutMs, int maxSubscriptions,
                       int maxFrameBytes) {

    /** Subscriptions one connection may hold. */
    static final int MAX_SUBSCRIPTIONS = 200;

    public static Limits of(AgentbusConfig cfg) {
      Sections.Limits l = cfg.limits();
      return new Limits(l.ratePerSecond(), l.rateBurst(), l.sendQueueBytes(), cfg.auth().authTimeoutMs(),
          MAX_SUBSCRIPTIONS, l.maxFrameBytes());
    }
  }
}
