/**
 * The stream log: the ordered, persisted events of PROTOCOL guarantees 1–3, from the statement
 * that assigns a seq to the socket write on every node. Every stream name is built here
 * ({@link io.agentbus.stream.StreamName}); every statement on the {@code streams} and
 * {@code events} tables is in {@link io.agentbus.stream.StreamStore}.
 *
 * <p><b>Seq in one statement.</b> {@link io.agentbus.stream.StreamWriter} appends: one statement
 * upserts {@code streams.last_seq} by each stream's count and inserts the events with consecutive
 * seqs, so the row lock on {@code streams} orders writers of one stream on every node and seq has
 * no gaps. One statement is in flight per writer; everything appended meanwhile, for any number of
 * streams, goes in the next, so batches grow with load and share a commit.
 *
 * <p><b>Commit before publish.</b> An append is acknowledged, and its event sent to anyone, only
 * after the commit: what a client saw is in PostgreSQL, so any node can read it back.
 *
 * <p><b>Interest routing.</b> One {@link io.agentbus.stream.StreamHub} per node holds one
 * clustered consumer on its node's events address (never one per socket or per stream: see
 * {@link io.agentbus.bus.Addresses#nodeEvents} for the measurement behind that). The hub announces
 * which streams its clients follow ({@link io.agentbus.stream.Interest}: a change at once, the
 * full set every 2 s); writers send each committed event, with its stream and seq in headers, only
 * to the nodes that follow its stream. A node that began following a moment before a writer heard
 * of it misses the push, not the event: checks at +250 ms and +1 s, gap fill and resync read it
 * from PostgreSQL. Ephemeral events (typing, {@link io.agentbus.stream.Typing}) go to every node.
 *
 * <p><b>Order and gap fill.</b> Events from different writers may arrive in any order, so each
 * followed stream keeps {@code delivered} (the highest seq handed to local clients in order) and a
 * bounded buffer of early arrivals ({@link io.agentbus.stream.StreamState}, the one place with
 * the ordering rule, tested without I/O). A hole the bus does not fill within {@code gapFillMs} is
 * read from PostgreSQL, where it must already be (commit before publish).
 *
 * <p><b>Resync.</b> A lost tail (no later event reveals the hole) is caught by comparing
 * {@code streams.last_seq} with {@code delivered} for every followed stream every
 * {@code resyncMs}.
 *
 * <p><b>Replay.</b> Each local subscription keeps its own {@code last}; a live event goes to it
 * only as {@code last + 1}. With {@code lastSeq} a subscription first replays from PostgreSQL, page
 * by page, until it has caught up with {@code delivered}; the switch to live happens on the hub's
 * thread right after that check, so no event falls between replay and live, and none repeats.
 *
 * <p><b>Concurrency.</b> All hub state lives on one Vert.x context (the one given to {@code StreamHub.startOn} by the first bridge instance; the node makes and closes the hub);
 * public methods hop there and complete back on the caller's context. Each event is encoded once
 * ({@link io.agentbus.stream.Frame}) and the same bytes go to every subscriber. SockJS bridge
 * clients registered on {@code agentbus.<kind>.<id>} get each in-order event re-published there
 * node-locally, so they see the same order as {@code /ws} sockets. A writer belongs to the
 * verticle that made it and is used from its context only.
 */
package io.agentbus.stream;
