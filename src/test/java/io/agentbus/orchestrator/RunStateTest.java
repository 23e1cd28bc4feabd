package io.agentbus.orchestrator;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A taken-over run is rebuilt from the events its dead owner stored: what completed, what was running. */
class RunStateTest {

  /** design → (qa ‖ data) → gate → code: positions 1, 2, 3, (gate), 4. */
  private static final Template T = Template.fromJson(new JsonObject().put("name", "t").put("steps", new JsonArray()
      .add(agent("design"))
      .add(new JsonObject().put("parallel", new JsonArray().add(agent("qa")).add(agent("data"))))
      .add(new JsonObject().put("approval", new JsonObject().put("title", "ok?")))
      .add(agent("code"))));

  /** A resolved agent step, as templates are stored. */
  private static JsonObject agent(String role) {
    return new JsonObject().put("role", role).put("timeoutSeconds", 10).put("retries", 0).put("retryDelayMs", 10);
  }

  private final List<JsonObject> events = new ArrayList<>();

  private RunStateTest started(int position, String role, int attempt, String feedback) {
    events.add(new JsonObject().put("type", "agent_started").put("position", position).put("agentRole", role)
        .put("attempt", attempt).put("inputs", new JsonObject().put("feedback", feedback)));
    return this;
  }

  private RunStateTest completed(int position, String role, String text) {
    events.add(new JsonObject().put("type", "agent_completed").put("position", position).put("agentRole", role)
        .put("outputs", new JsonObject().put("text", text)).put("qualityScore", 0.8).put("cost", 0.5));
    return this;
  }

  @Test
  void aParallelStepCutShortKeepsWhatCompletedAndRerunsTheRest() {
    events.add(new JsonObject().put("type", "workflow_started").put("timestamp", "2026-12-01T10:00:00Z"));
    started(1, "design", 1, null).completed(1, "design", "d").started(2, "qa", 1, null).started(3, "data", 1, null)
        .started(3, "data", 2, null).completed(2, "qa", "q");
    RunState s = RunState.recover(events, T, 1);
    assertEquals(Set.of(2), s.doneInStep, "qa completed; data was running");
    assertEquals(2, s.lastAttempt.get(3), "data runs again as attempt 3");
    assertEquals("d", s.outputs.getJsonObject("design").getString("text"));
    assertEquals("q", s.outputs.getJsonObject("qa").getString("text"));
    assertEquals(1.0, s.cost.get("design") + s.cost.get("qa"), 1e-9);
    assertEquals(1796119200000L, s.startedAt);
    assertFalse(s.ended);
  }

  @Test
  void aRejectionAtTheGateVoidsTheStepBeforeItAndCarriesTheFeedback() {
    started(1, "design", 1, null).completed(1, "design", "d").started(2, "qa", 1, null).started(3, "data", 1, null)
        .completed(2, "qa", "q").completed(3, "data", "x");
    events.add(new JsonObject().put("type", "approval_required").put("approvalId", "a1").put("step", 2));
    events.add(new JsonObject().put("type", "approval_resolved").put("approvalId", "a1").put("status", "rejected")
        .put("decidedBy", "carol").put("feedback", "more tests"));
    // The revision of step 1 had not started when the node died.
    RunState s = RunState.recover(events, T, 1);
    assertTrue(s.doneInStep.isEmpty(), "completions before the rejection do not count for the revision");
    assertTrue(s.lastAttempt.get(2) == null && s.lastAttempt.get(3) == null,
        "the revision runs as fresh attempts, not as the continuation of a lost one");
    assertEquals("more tests", s.feedback);
    assertEquals(1, s.revisions.get(2));
  }

  @Test
  void modificationsApprovedAtAGateAreInTheOutputsAndAnEndIsSeen() {
    started(1, "design", 1, null).completed(1, "design", "d");
    events.add(new JsonObject().put("type", "approval_resolved").put("approvalId", "a1").put("status", "approved")
        .put("modifications", new JsonObject().put("design", new JsonObject().put("text", "d2"))));
    RunState s = RunState.recover(events, T, 3);
    assertEquals("d2", s.outputs.getJsonObject("design").getString("text"));
    assertNull(s.feedback);
    events.add(new JsonObject().put("type", "cancelled"));
    assertTrue(RunState.recover(events, T, 3).ended);
  }
}
