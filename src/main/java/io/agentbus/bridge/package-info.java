/**
 * The edge of a node: one HTTP server ({@link io.agentbus.bridge.BridgeVerticle}) with
 * {@code /ws} ({@code bridge.ws}), the SockJS event-bus bridge on {@code /eventbus}
 * ({@code bridge.sockjs}), REST under {@code /api} ({@code bridge.http}), {@code /health},
 * {@code /metrics} and the web UI.
 *
 * <p>No business rules live here. Every service operation is a row of
 * {@link io.agentbus.bridge.Operation} — frame types, bus address, serving verticle, body shape,
 * reply frame, REST route — read by all three transports; the service that owns the address
 * validates the fields and decides. The bridge keeps only transport concerns: authentication,
 * frame size and rate limits, per-connection ordering of chat writes, subscriptions to the node's
 * hub, slow-consumer closes. Owns no table.
 */
package io.agentbus.bridge;
