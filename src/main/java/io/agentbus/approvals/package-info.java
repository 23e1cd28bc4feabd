/**
 * Human-in-the-loop approvals (PROTOCOL guarantee 4): gates opened for waiting workflows,
 * decisions from every transport and from {@code /approve} and {@code /reject}, and expiry sweeps
 * by every node.
 *
 * <p>Owns the table {@code approvals} ({@link io.agentbus.approvals.ApprovalStore}). A row leaves
 * {@code pending} through exactly one conditional update — a decision before the deadline or the
 * expiry after it — so one outcome wins cluster-wide. The winner writes {@code approval_resolved}
 * on the workflow's streams, then tells the orchestrator.
 */
package io.agentbus.approvals;
