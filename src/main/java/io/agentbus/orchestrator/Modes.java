package io.agentbus.orchestrator;

import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * A session's mode (/mode, PROTOCOL §7) applied to a template when a workflow starts; the run
 * stores the result, so a mode change affects workflows started after it.
 * <ul>
 *   <li>{@code strict}: an approval gate after every agent step that is not already followed by one;</li>
 *   <li>{@code rapid}: gates not marked {@code "required": true} are skipped;</li>
 *   <li>{@code flow} (the default), {@code expert}, {@code learning}: the template as written
 *   (the last two only change what agents are asked for, {@code input.mode}).</li>
 * </ul>
 */
final class Modes {

  static final List<String> ALL = List.of("strict", "rapid", "flow", "expert", "learning");
  static final String DEFAULT = "flow";

  private Modes() {}

  static Template apply(Template t, String mode) {
    List<Template.Step> steps = new ArrayList<>();
    List<Template.Step> in = t.steps();
    for (int i = 0; i < in.size(); i++) {
      Template.Step s = in.get(i);
      if (s.isGate()) {
        if (!"rapid".equals(mode) || s.gate().getBoolean("required", false)) {
          steps.add(s);
        }
        continue;
      }
      steps.add(s);
      boolean gateNext = i + 1 < in.size() && in.get(i + 1).isGate();
      if ("strict".equals(mode) && !gateNext) {
        steps.add(new Template.Step(List.of(), strictGate(s)));
      }
    }
    return new Template(t.name(), t.description(), steps);
  }

  /** The review gate strict mode adds after an agent step: the owner decides, a rejection revises. */
  private static JsonObject strictGate(Template.Step after) {
    String roles = String.join(" + ", after.agents().stream().map(Template.AgentStep::role).toList());
    return new JsonObject().put("title", "Review the " + roles + " output")
        .put("description", "Strict mode: every agent step is reviewed before the workflow goes on.")
        .put("requiredBy", "owner").put("timeoutMinutes", 30).put("onReject", "revise").put("onTimeout", "fail")
        .put("maxRevisions", 2).put("required", true).put("addedBy", "strict mode");
  }
}
