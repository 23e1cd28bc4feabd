package io.agentbus.bus;

import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import java.util.Set;

/**
 * Every bus timeout, named once, and the delivery options of each kind of request.
 *
 * <p>The timeouts nest: a transport waits longer than the service it asks, so the service's coded
 * failure reaches the client instead of a bare timeout.
 */
public final class Requests {

  /** A request to a service verticle (router, orchestrator, approvals), from a transport or a service. */
  public static final long SERVICE_MS = 10_000;
  /** A request to one orchestrator instance's control address: it answers at once or is gone. */
  public static final long CONTROL_MS = 5_000;
  /** How long the SockJS bridge waits for a reply it relays to a browser (longer than {@link #SERVICE_MS}). */
  public static final long BRIDGE_REPLY_MS = 15_000;
  /** A task offered to an external worker, which accepts or refuses at once. */
  public static final long WORKER_OFFER_MS = 2_000;

  /** An /admin call handed to the admin verticle: its own bus request may wait up to 30 s. */
  public static final long ADMIN_MS = 40_000;

  private Requests() {}

  /** A service request as {@code caller}. */
  public static DeliveryOptions as(Principal caller) {
    return caller.toDelivery().setSendTimeout(SERVICE_MS);
  }

  /**
   * A service request as {@code caller} to {@code verticle}: kept on this node when the node runs
   * that verticle (no cluster hop, no serialisation; a workflow started here runs here), otherwise
   * sent to the instances on other nodes.
   */
  public static DeliveryOptions to(String verticle, Principal caller, Set<String> localVerticles) {
    return as(caller).setLocalOnly(localVerticles.contains(verticle));
  }

  /** A service request made on behalf of the caller of {@code msg} (its principal headers passed on). */
  public static DeliveryOptions onBehalfOf(Message<?> msg) {
    return new DeliveryOptions().setHeaders(msg.headers()).setSendTimeout(SERVICE_MS);
  }

  /** A request to one orchestrator instance's control address. */
  public static DeliveryOptions control() {
    return new DeliveryOptions().setSendTimeout(CONTROL_MS);
  }
}
