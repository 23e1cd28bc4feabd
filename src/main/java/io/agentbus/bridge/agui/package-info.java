/**
 * AG-UI 1.0 over SSE (PROTOCOL §11): a workflow's stored events seen as an AG-UI run.
 * {@link io.agentbus.bridge.agui.AguiRun} maps each stored event (by its seq) to its AG-UI images,
 * each with a cursor {@code <seq>.<k>} of its own, and knows what a resume needs — the constructs
 * open at a cursor, the messages as a client that watched from the start has them, the state —
 * because the mapping is a pure function of the ordered, gap-free event log.
 */
package io.agentbus.bridge.agui;
