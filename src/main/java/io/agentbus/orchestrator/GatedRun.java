package io.agentbus.orchestrator;

/** What the gates need to know of the run at a gate ({@link Gates}); a {@link WorkflowRun} is one. */
interface GatedRun {

  String workflowId();

  String sessionId();

  String ownerId();

  /** The run ended (cancelled while its gate was being opened, say). */
  boolean finished();

  String status();

  /** The run's trace, which its approval waits hang under. */
  RunTrace trace();
}
