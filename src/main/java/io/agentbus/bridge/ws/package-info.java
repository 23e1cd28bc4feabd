/**
 * {@code /ws} (PROTOCOL §3): one {@link io.agentbus.bridge.ws.WsConnection} per socket, with its
 * authentication and session ({@link io.agentbus.bridge.ws.WsAuth}), its subscriptions
 * ({@link io.agentbus.bridge.ws.WsStreams}) and its service requests driven by the operation table
 * ({@link io.agentbus.bridge.ws.WsRequests}); the token bucket
 * ({@link io.agentbus.bridge.RateLimiter}), the close codes and the direct-write swap that
 * saves 4.5 KB per idle socket ({@link io.agentbus.bridge.ws.DirectWrites}).
 */
package io.agentbus.bridge.ws;
