package io.agentbus.orchestrator;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/** What a run's beginning and end say ({@code workflow_started}, {@code workflow_completed}), built from its parts. */
final class RunEvents {

  private RunEvents() {}

  /** {@code workflow_started}: the template, each agent with its measured ETA, the session's mode, the trace. */
  static JsonObject started(RunEnv env, Template template, List<Template.AgentStep> order, JsonObject input,
      String traceId) {
    JsonArray agents = new JsonArray();
    for (int i = 0; i < order.size(); i++) {
      // estimatedTime: the template's guess (minutes); expectedMs: measured for this role as played now, or null.
      String role = order.get(i).role();
      agents.add(new JsonObject().put("role", role).put("position", i + 1)
          .put("estimatedTime", order.get(i).estimatedTime()).put("expectedMs", env.durations().expectedMs(role))
          .put("agentKind", env.agentKinds().apply(role)));
    }
    return new JsonObject().put("workflowName", template.name())
        .put("estimatedDuration", template.estimatedDuration()).put("agents", agents)
        .put("totalSteps", template.steps().size()).put("mode", input.getString("mode"))
        .put("epicId", input.getString("epicId")).put("sprintId", input.getString("sprintId"))
        .put("traceId", traceId);
  }

  /** {@code workflow_completed}: total time, final outputs, the mean quality (null, not 0, when none reported), costs. */
  static JsonObject completed(RunState state, JsonObject outputs) {
    Double q = state.quality.isEmpty() ? null
        : state.quality.values().stream().mapToDouble(Double::doubleValue).average().orElse(0);
    return new JsonObject().put("totalDuration", System.currentTimeMillis() - state.startedAt)
        .put("finalOutputs", outputs.copy()).put("qualityScore", q).put("costBreakdown", state.costs());
  }
}
