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
 * resolved template, where a run stands, and its lease ({@code lease_owner}, {@code lease_until},
 * {@code lease_epoch}), renewed every third of {@code leaseSeconds} by the instance running it.
 *
 * <p><b>One run per workflow.</b> Every start, takeover and orphan cancel is a new run with a new
 * epoch; the run writes as {@code <instance>#<epoch>}, and every write checks that in the same
 * statement (events through the workflow stream's writer, saves through the row), so a stale run —
 * on another node, or on this one after its lease lapsed — writes nothing. A run stops by itself
 * when its renewal fails to come back before its local deadline, which passes before the database's
 * expiry; a sweep never takes a workflow its own instance still runs. Requests reach any instance;
 * those about one workflow are forwarded to the instance that holds its lease
 * ({@code internal.orchestrator.<instance>.control}). Gates are a conversation
 * with the approvals verticle ({@link io.agentbus.orchestrator.ApprovalGates}); the agent kinds
 * are in {@code orchestrator.agent}.
 */
package io.agentbus.orchestrator;
