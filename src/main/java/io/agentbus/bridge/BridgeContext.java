package io.agentbus.bridge;

import io.agentbus.core.AgentbusConfig;
import io.agentbus.core.ConfigKeys;
import io.agentbus.core.TokenService;
import io.agentbus.fanout.StreamHub;
import io.vertx.core.Vertx;

/** What every connection of a bridge verticle shares: settings, token checks, the node's hub. */
record BridgeContext(Vertx vertx, AgentbusConfig cfg, TokenService tokens, StreamHub hub, Limits limits,
                     boolean localRouter, boolean localOrchestrator, boolean localApprovals) {

  BridgeContext(Vertx vertx, AgentbusConfig cfg, TokenService tokens, StreamHub hub, Limits limits) {
    this(vertx, cfg, tokens, hub, limits, cfg.verticles().contains("router"), cfg.verticles().contains("orchestrator"),
        cfg.verticles().contains("approvals"));
  }

  /**
   * Delivery options for a router request as {@code p}. When this node runs a router, requests stay
   * on the node (no cluster hop, no serialisation); otherwise they go to the routers of other nodes.
   */
  io.vertx.core.eventbus.DeliveryOptions toRouter(io.agentbus.core.Principal p) {
    return p.toDelivery().setSendTimeout(10_000).setLocalOnly(localRouter);
  }

  /** The same for approvals requests (the decision itself is settled in PostgreSQL, on any node). */
  io.vertx.core.eventbus.DeliveryOptions toApprovals(io.agentbus.core.Principal p) {
    return p.toDelivery().setSendTimeout(10_000).setLocalOnly(localApprovals);
  }

  /** The same for orchestrator requests: a workflow started here runs on this node when it has an orchestrator. */
  io.vertx.core.eventbus.DeliveryOptions toOrchestrator(io.agentbus.core.Principal p) {
    return p.toDelivery().setSendTimeout(10_000).setLocalOnly(localOrchestrator);
  }

  record Limits(int maxContent, int historyMax, int ratePerSecond, int rateBurst, int sendQueueBytes,
                int authTimeoutMs, int maxSubscriptions, int maxFrameBytes) {

    static Limits of(AgentbusConfig cfg) {
      return new Limits(cfg.integer(ConfigKeys.MAX_CONTENT_CHARS), cfg.integer(ConfigKeys.HISTORY_MAX),
          cfg.integer(ConfigKeys.RATE_PER_SECOND), cfg.integer(ConfigKeys.RATE_BURST),
          cfg.integer(ConfigKeys.SEND_QUEUE_BYTES), cfg.integer(ConfigKeys.AUTH_TIMEOUT_MS), 200,
          cfg.integer(ConfigKeys.MAX_FRAME_BYTES));
    }
  }
}
