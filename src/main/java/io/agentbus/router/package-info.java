/**
 * The message router: chat, history, typing, channels, sessions, and who may follow a stream.
 *
 * <p>Owns the tables {@code channels} and {@code sessions} ({@link io.agentbus.router.RouterQueries});
 * writes channel streams through the stream package. Serves {@code agentbus.chat.send},
 * {@code agentbus.history}, {@code agentbus.typing} and {@code internal.router.*}. Parses slash
 * commands once ({@link io.agentbus.bus.SlashCommand}), answers {@code /help} and
 * {@code /whoami}, and forwards the others to their owners; sends committed messages that
 * mention agents to the orchestrator; asks the orchestrator whether a caller may read a workflow.
 */
package io.agentbus.router;
