package io.agentbus.orchestrator;

import io.agentbus.bus.Principal;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/**
 * What the orchestrator's helpers (the slash and session commands) may ask of it: start a
 * workflow, act on one. Implemented by {@link Runs}; the helpers never see the verticle.
 */
interface Workflows {

  /**
   * Checks the session is the caller's (claimed if new, FORBIDDEN if another user's), attaches the
   * input's files, saves the workflow and starts it on this instance. Answers {workflowId,
   * workflowName, sessionId, stream}.
   */
  default Future<JsonObject> start(Principal who, String session, Template template, JsonObject input) {
    return start(who, session, template, input, null);
  }

  /**
   * As {@link #start(Principal, String, Template, JsonObject)}, with the workflow's id given (null:
   * a new one). A start repeated with the same id answers the workflow that id already names (the
   * caller's own) and starts nothing.
   */
  Future<JsonObject> start(Principal who, String session, Template template, JsonObject input, String id);

  /** Cancels, pauses or resumes {@code workflowId} (or the caller's session's live one) wherever it runs. */
  Future<JsonObject> act(Principal who, String workflowId, String action);
}
