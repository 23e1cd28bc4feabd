package io.agentbus.orchestrator;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/**
 * Opens approval gates (the approvals verticle); completes with the outcome:
 * {status: approved|rejected|expired, decision: approve|reject|modify, feedback, modifications, decidedBy}.
 */
interface Gates {
  Future<JsonObject> open(GatedRun run, int step, JsonObject gate, JsonObject outputsSoFar);

  /** A gate a previous owner opened: its outcome once there is one (opened anew if it never was). */
  Future<JsonObject> resume(GatedRun run, int step, JsonObject gate, JsonObject outputsSoFar);

  /** The workflow ended at its gate: its pending approval is withdrawn (and announced) first. */
  Future<Void> withdraw(String workflowId, String reason);
}
