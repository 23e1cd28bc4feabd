/**
 * The message router: chat, threads, edits, deletes, reactions, pins, history, search, read
 * markers, typing, channels, sessions, and who may follow a stream.
 *
 * <p>Owns the tables {@code channels} and {@code sessions} ({@link io.agentbus.router.RouterQueries})
 * and the chat tables of migration V7, {@code messages}, {@code message_reactions} and
 * {@code channel_reads} ({@link io.agentbus.router.MessageQueries}). Channel streams stay the
 * record: a message's row is written by the append statement of its {@code message} event (StreamStore, V10), and every
 * change to it ({@link io.agentbus.router.MessageChanges}) is one transaction that locks the row,
 * updates it and appends the change's event. Serves {@code agentbus.chat.*},
 * {@code agentbus.history}, {@code agentbus.typing} and {@code internal.router.*}. Parses slash
 * commands once ({@link io.agentbus.bus.SlashCommand}), answers {@code /help} and
 * {@code /whoami}, and forwards the others to their owners; sends committed messages that
 * mention agents to the orchestrator; asks the orchestrator whether a caller may read a workflow.
 */
package io.agentbus.router;
