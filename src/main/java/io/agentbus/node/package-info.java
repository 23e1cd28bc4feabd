/**
 * What a node hands to its verticles ({@link io.agentbus.node.NodeParts}): its configuration as
 * typed sections, its database pools, its stream hub and presence, its metrics and its view of
 * the cluster — each built once by {@code io.agentbus.Node} and closed by it after the verticles
 * stopped. No verticle looks a shared part up by name; each receives them in its constructor.
 * Also how a node closes its cluster ({@link io.agentbus.node.ClusterTls}: the event bus between
 * nodes over TLS with mutual authentication).
 */
package io.agentbus.node;
