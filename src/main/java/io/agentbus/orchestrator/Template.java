package io.agentbus.orchestrator;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * A resolved workflow template: ordered steps, each one agent, a parallel group (run together,
 * joined before the next step) or an approval gate. Every agent step carries its own timeout and
 * retry policy, already merged with the template and file defaults, so the JSON form stored with a
 * workflow ({@link #toJson}) is all another node needs to continue it.
 */
public record Template(String name, String description, List<Step> steps) {

  /** One agent run inside a step. {@code task}, when set, replaces the user's content as its input. */
  public record AgentStep(String role, double estimatedTime, String task, int timeoutSeconds, int retries,
      long retryDelayMs) {

    JsonObject toJson() {
      return new JsonObject().put("role", role).put("estimatedTime", estimatedTime).put("task", task)
          .put("timeoutSeconds", timeoutSeconds).put("retries", retries).put("retryDelayMs", retryDelayMs);
    }

    static AgentStep fromJson(JsonObject j) {
      return new AgentStep(j.getString("role"), j.getDouble("estimatedTime", 1.0), j.getString("task"),
          j.getInteger("timeoutSeconds"), j.getInteger("retries"), j.getLong("retryDelayMs"));
    }

    /** Attempts allowed in all: the first plus the retries. */
    int maxAttempts() {
      return retries + 1;
    }
  }

  /** A step: agents (one, or several for a parallel group), or an approval gate (agents empty). */
  public record Step(List<AgentStep> agents, JsonObject gate) {

    boolean isGate() {
      return gate != null;
    }

    JsonObject toJson() {
      if (isGate()) {
        return new JsonObject().put("approval", gate);
      }
      if (agents.size() == 1) {
        return agents.get(0).toJson();
      }
      JsonArray group = new JsonArray();
      agents.forEach(a -> group.add(a.toJson()));
      return new JsonObject().put("parallel", group);
    }

    static Step fromJson(JsonObject j) {
      if (j.containsKey("approval")) {
        return new Step(List.of(), j.getJsonObject("approval"));
      }
      if (j.containsKey("parallel")) {
        List<AgentStep> group = new ArrayList<>();
        j.getJsonArray("parallel").forEach(o -> group.add(AgentStep.fromJson((JsonObject) o)));
        return new Step(group, null);
      }
      return new Step(List.of(AgentStep.fromJson(j)), null);
    }
  }

  /** Every agent run in order, positions 1.. (workflow_started.agents). */
  public List<AgentStep> agentsInOrder() {
    List<AgentStep> all = new ArrayList<>();
    steps.forEach(s -> all.addAll(s.agents()));
    return all;
  }

  /** Sum of the estimated times of the steps; a parallel group counts its longest member. */
  public double estimatedDuration() {
    double total = 0;
    for (Step s : steps) {
      total += s.agents().stream().mapToDouble(AgentStep::estimatedTime).max().orElse(0);
    }
    return total;
  }

  public JsonObject toJson() {
    JsonArray s = new JsonArray();
    steps.forEach(step -> s.add(step.toJson()));
    return new JsonObject().put("name", name).put("description", description).put("steps", s);
  }

  public static Template fromJson(JsonObject j) {
    List<Step> steps = new ArrayList<>();
    j.getJsonArray("steps").forEach(o -> steps.add(Step.fromJson((JsonObject) o)));
    return new Template(j.getString("name"), j.getString("description", ""), steps);
  }

  /** What follows step {@code i}: the next step's roles, "approval" for a gate, null at the end. */
  String after(int i) {
    if (i + 1 >= steps.size()) {
      return null;
    }
    Step next = steps.get(i + 1);
    return next.isGate() ? "approval" : String.join(",", next.agents().stream().map(AgentStep::role).toList());
  }
}
