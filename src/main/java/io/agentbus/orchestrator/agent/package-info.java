/**
 * How a role is played: one interface ({@link io.agentbus.orchestrator.agent.Agent}) and its
 * kinds — scripted, external workers over {@code /ws} or the bus
 * ({@link io.agentbus.orchestrator.agent.WorkerAgent} offers tasks;
 * {@link io.agentbus.orchestrator.agent.WorkerLink} is the worker connection's side of the same
 * protocol), and OpenAI-compatible models — made from the workflows file's specs by
 * {@link io.agentbus.orchestrator.agent.Agents}. Owns no table.
 */
package io.agentbus.orchestrator.agent;
