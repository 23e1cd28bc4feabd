/**
 * Presence (PROTOCOL §7): who is online in each channel, cluster-wide and ephemeral — nothing of it
 * is written to PostgreSQL.
 *
 * <p>Each node counts its own connections per (channel, user) and tells the others when a count
 * goes from 0 to 1 or back ({@code internal.presence}), and sends its whole table every few
 * seconds so that a node that missed a message or joined late converges. Every node keeps the
 * union ({@link PresenceTable}) and, when a channel's online set changes in its view, sends
 * {@code presence_update} to its own subscribers of that channel only — so each subscriber hears
 * of a change once, from its own node, and nobody has to decide which node speaks. A node that
 * leaves the cluster (or whose table has not been heard for {@link PresenceTable#STALE_MS}) is
 * dropped from every view, so its users are {@code left} within 15 s.
 */
package io.agentbus.presence;
