package io.agentbus.bridge;

import io.agentbus.auth.TokenService;
import io.agentbus.config.AgentbusConfig;
import io.agentbus.config.ConfigKeys;
import io.agentbus.stream.StreamHub;
import io.vertx.core.Vertx;

/** What every connection of a bridge verticle shares: settings, token checks, the node's hub. */
public record BridgeContext(Vertx vertx, AgentbusConfig cfg, TokenService tokens, StreamHub hub, Limits limits,
                     java.util.Set<String> localVerticles) {

  public BridgeContext(Vertx vertx, AgentbusConfig cfg, TokenService tokens, StreamHub hub, Limits limits) {
    this(vertx, cfg, tokens, hub, limits, java.util.Set.copyOf(cfg.verticles()));
  }

  /**
   * Delivery options for a request as {@code p} to a service verticle. When this node runs that
   * verticle, requests stay on the node (no cluster hop, no serialisation; a workflow started here
   * runs here); otherwise they go to the instances on other nodes.
   */
  private io.vertx.core.eventbus.DeliveryOptions to(String verticle, io.agentbus.bus.Principal p) {
    return p.toDelivery().setSendTimeout(10_000).setLocalOnly(localVerticles.contains(verticle));
  }

  public io.vertx.core.eventbus.DeliveryOptions toRouter(io.agentbus.bus.Principal p) {
    return to("router", p);
  }

  public io.vertx.core.eventbus.DeliveryOptions toApprovals(io.agentbus.bus.Principal p) {
    return to("approvals", p);
  }

  public io.vertx.core.eventbus.DeliveryOptions toOrchestrator(io.agentbus.bus.Principal p) {
    return to("orchestrator", p);
  }

  public record Limits(int maxContent, int historyMax, int ratePerSecond, int rateBurst, int sendQueueBytes,
                int authTimeoutMs, int maxSubscriptions, int maxFrameBytes) {

    public static Limits of(AgentbusConfig cfg) {
      return new Limits(cfg.integer(ConfigKeys.MAX_CONTENT_CHARS), cfg.integer(ConfigKeys.HISTORY_MAX),
          cfg.integer(ConfigKeys.RATE_PER_SECOND), cfg.integer(ConfigKeys.RATE_BURST),
          cfg.integer(ConfigKeys.SEND_QUEUE_BYTES), cfg.integer(ConfigKeys.AUTH_TIMEOUT_MS), 200,
          cfg.integer(ConfigKeys.MAX_FRAME_BYTES));
    }
  }
}
