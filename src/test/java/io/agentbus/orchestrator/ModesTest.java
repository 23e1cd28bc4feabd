package io.agentbus.orchestrator;

import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

class ModesTest {

  static Template.Step agent(String role) {
    return new Template.Step(List.of(new Template.AgentStep(role, 1, null, 10, 0, 0)), null);
  }

  static Template.Step gate(boolean required) {
    return new Template.Step(List.of(), new JsonObject().put("title", "g").put("required", required));
  }

  static String shape(Template t) {
    StringBuilder sb = new StringBuilder();
    t.steps().forEach(s -> sb.append(s.isGate() ? (s.gate().getBoolean("required", false) ? "G!" : "G")
        : s.agents().get(0).role()).append(' '));
    return sb.toString().trim();
  }

  final Template t = new Template("t", "", List.of(agent("plan"), agent("design"), gate(false), agent("code"),
      gate(true), agent("qa")));

  @Test
  void strictGatesEveryAgentStepThatIsNotAlreadyGated() {
    assertEquals("plan G! design G code G! qa G!", shape(Modes.apply(t, "strict")));
  }

  @Test
  void rapidKeepsOnlyRequiredGates() {
    assertEquals("plan design code G! qa", shape(Modes.apply(t, "rapid")));
  }

  @Test
  void flowExpertAndLearningRunTheTemplateAsWritten() {
    for (String m : List.of("flow", "expert", "learning")) {
      assertEquals(shape(t), shape(Modes.apply(t, m)), m);
    }
    assertSame(t.name(), Modes.apply(t, "flow").name());
  }
}
