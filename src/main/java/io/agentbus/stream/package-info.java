/**
 * Fan-out of stream events to the clients of one node, in seq order, with no gap and no duplicate
 * (PROTOCOL guarantees 2 and 3).
 *
 * <p><b>Pattern.</b> One {@link io.agentbus.stream.StreamHub} per node, holding one clustered
 * consumer on its node's events address (never one per socket or per stream: see
 * {@link io.agentbus.bus.Addresses#nodeEvents} for the measurement behind that). The hub announces
 * which streams its clients follow ({@link io.agentbus.stream.Interest}); writers send an event,
 * only after it is committed and with its stream and seq in headers, to the nodes that follow its
 * stream. A node that started following a moment before a writer learned of it misses the push,
 * not the event: early checks after following, gap fill and resync read it from PostgreSQL. Publications from different nodes may arrive in any order, so the hub keeps
 * {@code delivered} (highest seq handed to local clients in order) and a small sorted buffer of
 * early arrivals. A hole that is not filled by the bus within {@code limits.gapFillMs} is read from
 * PostgreSQL, where it must already be (commit happens before publish). A lost tail (no later event
 * to reveal the hole) is caught by a periodic compare of {@code streams.last_seq} with
 * {@code delivered} every {@code limits.resyncMs}.
 *
 * <p><b>Subscribers.</b> Each local subscription keeps its own {@code last}. A live event goes to it
 * only when it is {@code last + 1}. With {@code lastSeq} a subscription first replays from the
 * database, page by page, ignoring live events meanwhile, until it has caught up with
 * {@code delivered}; the switch to live happens on the hub's thread right after that check, so no
 * event falls between replay and live. Duplicates and late arrivals ({@code seq <= last}) are
 * dropped.
 *
 * <p><b>Concurrency.</b> All hub state lives on one Vert.x context (the first bridge verticle's):
 * every public method hops there and completes its future back on the caller's context. Sinks
 * (sockets) are written from the hub's thread; Vert.x sockets accept writes from any thread.
 *
 * <p><b>SockJS bridge clients</b> register on {@code agentbus.<kind>.<id>}; for streams with such
 * registrations the hub re-publishes each in-order event there with {@code localOnly}, once per
 * node, so bridge sockets get the same order as /ws sockets.
 */
package io.agentbus.stream;
