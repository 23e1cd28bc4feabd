/**
 * The orchestrator: workflows from the templates of the workflows file
 * ({@link io.agentbus.orchestrator.Catalog}, {@link io.agentbus.orchestrator.Template}), each run
 * step by step by {@link io.agentbus.orchestrator.WorkflowRun}, every transition written to the
 * workflow's and session's streams; cancel, pause, resume, status, the workflow and session slash
 * commands and @mentions.
 *
 * <p>Owns {@code session_state}, {@code epics} and {@code sprints} (a session's mode, epics and
 * sprints: {@link io.agentbus.orchestrator.Sessions}), and the table {@code workflows}
 * ({@link io.agentbus.orchestrator.WorkflowStore}): the
 * resolved template, where a run stands, and its lease ({@code lease_owner}, {@code lease_until}),
 * renewed every third of {@code leaseSeconds} by the instance running it and checked on every
 * save. Requests reach any instance; those about one workflow are forwarded to the instance that
 * holds its lease ({@code internal.orchestrator.<instance>.control}). Gates are a conversation
 * with the approvals verticle ({@link io.agentbus.orchestrator.ApprovalGates}); the agent kinds
 * are in {@code orchestrator.agent}.
 */
package io.agentbus.orchestrator;
