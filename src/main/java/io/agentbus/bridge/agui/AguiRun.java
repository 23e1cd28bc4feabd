package io.agentbus.bridge.agui;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One workflow seen as an AG-UI run (PROTOCOL §11). Feed it the workflow stream's stored events in
 * seq order ({@link #apply}); each gives its AG-UI images, in order, none dropped:
 *
 * <ul>
 *   <li>{@code agent_started}: {@code STEP_STARTED} (stepName = role, once per step) and
 *       {@code TEXT_MESSAGE_START} (one assistant message per attempt, named after the agent);
 *   <li>{@code agent_progress}: {@code partialOutput} (the text since the previous event) as a
 *       {@code TEXT_MESSAGE_CONTENT} delta, {@code thinkingProcess} likewise as {@code REASONING_*},
 *       progress as {@code STATE_DELTA};
 *   <li>{@code agent_completed}: the rest of the output text (the message then ends with
 *       {@code outputs.text}), {@code TEXT_MESSAGE_END}, the reasoning's ends, {@code STEP_FINISHED};
 *   <li>{@code approval_required}: {@code RUN_FINISHED} with an interrupt outcome;
 *       {@code workflow_completed}: {@code RUN_FINISHED} with the final outputs;
 *       {@code workflow_failed}: {@code RUN_ERROR}; {@code cancelled}: {@code RUN_FINISHED} cancelled;
 *   <li>{@code approval_resolved}: {@code CUSTOM agentbus.interrupt_resolved} {interruptId, status,
 *       approved, decidedBy};
 *   <li>anything else (pauses, errors, {@code node_lost}): a {@code CUSTOM} named
 *       {@code agentbus.<type>} with the event, and the state change it makes.
 * </ul>
 *
 * <p>Not thread-safe: one per stream being served.
 */
public final class AguiRun {

  /** One AG-UI event with its cursor ({@code <seq>.<k>}: the k-th image of stored event seq). */
  public record Out(String cursor, JsonObject event) {}

  private final String threadId;
  private final String runId;
  /** The state of PROTOCOL §11: {workflowId, status, steps: [{role, status, progress}]}. */
  private final JsonObject state;
  /** Text sent so far per open assistant message, by role (one open attempt per role). */
  private final Map<String, StringBuilder> openText = new LinkedHashMap<>();
  private final Map<String, String> textIds = new LinkedHashMap<>();
  private final Map<String, String> reasoningSent = new LinkedHashMap<>();
  private final Map<String, String> reasoningIds = new LinkedHashMap<>();
  private final Map<String, Boolean> openSteps = new LinkedHashMap<>();
  private long lastSeq;

  public AguiRun(String threadId, String runId, String workflowId) {
    this.threadId = threadId;
    this.runId = runId;
    this.state = new JsonObject().put("workflowId", workflowId).put("status", "pending").put("steps", new JsonArray());
  }

  public JsonObject state() {
    return state.copy();
  }

  public long lastSeq() {
    return lastSeq;
  }

  /** {@code RUN_STARTED} of this run. */
  public JsonObject runStarted() {
    return new JsonObject().put("type", "RUN_STARTED").put("threadId", threadId).put("runId", runId);
  }

  /** The images of one stored workflow event (seq order; an event at or before the last is ignored). */
  public List<Out> apply(JsonObject e) {
    long seq = e.getLong("seq", 0L);
    List<JsonObject> out = new ArrayList<>();
    if (seq <= lastSeq) {
      return List.of();
    }
    lastSeq = seq;
    String type = e.getString("type", "");
    String role = e.getString("agentRole");
    switch (type) {
      case "workflow_started" -> {
        JsonArray steps = new JsonArray();
        for (Object a : e.getJsonArray("agents", new JsonArray())) {
          if (a instanceof JsonObject ag) {
            steps.add(new JsonObject().put("role", ag.getString("role")).put("status", "pending").put("progress", 0));
          }
        }
        state.put("status", "running").put("steps", steps);
        out.add(new JsonObject().put("type", "STATE_SNAPSHOT").put("snapshot", state.copy()));
      }
      case "agent_started" -> {
        if (!openSteps.containsKey(role)) {
          openSteps.put(role, true);
          out.add(new JsonObject().put("type", "STEP_STARTED").put("stepName", role));
        }
        closeText(role, out); // an attempt left open (a retry after node_lost) ends before the next starts
        String id = "m-" + state.getString("workflowId") + "-" + seq;
        textIds.put(role, id);
        openText.put(role, new StringBuilder());
        out.add(new JsonObject().put("type", "TEXT_MESSAGE_START").put("messageId", id).put("role", "assistant")
            .put("name", e.getString("agentName", role)));
        out.add(stepDelta(role, "running", 0.0));
      }
      case "agent_progress" -> {
        text(role, e.getString("partialOutput"), out);
        reasoning(role, e.getString("thinkingProcess"), seq, out);
        Object p = e.getValue("progress");
        if (p instanceof Number n && !stepIs(role, "running", n.doubleValue())) {
          out.add(stepDelta(role, "running", n.doubleValue())); // a figure that did not move is no change of state
        }
      }
      case "agent_completed" -> {
        JsonObject outputs = e.getJsonObject("outputs", new JsonObject());
        String finalText = outputs.getValue("text") instanceof String t ? t : outputs.encode();
        if (!openText.containsKey(role)) { // completed without a start seen here: open it to close it
          String id = "m-" + state.getString("workflowId") + "-" + seq;
          textIds.put(role, id);
          openText.put(role, new StringBuilder());
          out.add(new JsonObject().put("type", "TEXT_MESSAGE_START").put("messageId", id).put("role", "assistant")
              .put("name", role));
        }
        StringBuilder sent = openText.get(role);
        boolean continues = finalText.length() >= sent.length() && finalText.regionMatches(0, sent.toString(), 0,
            sent.length());
        String rest = continues ? finalText.substring(sent.length()) : (sent.isEmpty() ? "" : "\n\n") + finalText;
        if (!rest.isEmpty()) {
          out.add(content(textIds.get(role), rest));
        }
        sent.append(rest);
        closeText(role, out);
        closeReasoning(role, out);
        if (openSteps.remove(role) != null) {
          out.add(new JsonObject().put("type", "STEP_FINISHED").put("stepName", role));
        }
        out.add(stepDelta(role, "completed", 1.0));
      }
      case "approval_required" -> out.add(new JsonObject().put("type", "RUN_FINISHED").put("threadId", threadId)
          .put("runId", runId).put("outcome", new JsonObject().put("type", "interrupt").put("interrupts",
              new JsonArray().add(new JsonObject().put("id", e.getString("approvalId"))
                  .put("reason", e.getString("title")).put("message", e.getString("description", ""))
                  .put("metadata", new JsonObject().put("requiredBy", e.getString("requiredBy"))
                      .put("expiresAt", e.getString("expiresAt")).put("agentOutputs", e.getValue("agentOutputs")))))));
      case "workflow_completed" -> {
        closeAll(out);
        state.put("status", "completed");
        out.add(new JsonObject().put("type", "RUN_FINISHED").put("threadId", threadId).put("runId", runId)
            .put("outcome", new JsonObject().put("type", "success")).put("result", e.getValue("finalOutputs")));
      }
      case "workflow_failed" -> {
        closeAll(out);
        state.put("status", "failed");
        out.add(new JsonObject().put("type", "RUN_ERROR").put("message", e.getString("error", "the workflow failed"))
            .put("code", "WORKFLOW_FAILED"));
      }
      case "cancelled" -> {
        closeAll(out);
        state.put("status", "cancelled");
        out.add(new JsonObject().put("type", "RUN_FINISHED").put("threadId", threadId).put("runId", runId)
            .put("outcome", new JsonObject().put("type", "cancelled")));
      }
      case "approval_resolved" -> {
        // PROTOCOL §11: every viewer learns the gate is decided, by whom and how.
        String decided = e.getString("status");
        out.add(new JsonObject().put("type", "CUSTOM").put("name", "agentbus.interrupt_resolved").put("value",
            new JsonObject().put("interruptId", e.getString("approvalId")).put("status", decided)
                .put("approved", "approved".equals(decided)).put("decidedBy", e.getString("decidedBy"))
                .put("feedback", e.getString("feedback"))));
        if (!"running".equals(state.getString("status")) && !"cancelled".equals(decided)) {
          state.put("status", "running");
          out.add(new JsonObject().put("type", "STATE_DELTA").put("delta", new JsonArray().add(
              new JsonObject().put("op", "replace").put("path", "/status").put("value", "running"))));
        }
      }
      default -> {
        String status = switch (type) {
          case "workflow_paused" -> "paused";
          case "workflow_resumed" -> "running";
          default -> null;
        };
        JsonObject value = e.copy();
        value.remove("stream");
        value.remove("seq");
        out.add(new JsonObject().put("type", "CUSTOM").put("name", "agentbus." + type).put("value", value));
        if (status != null && !status.equals(state.getString("status"))) {
          state.put("status", status);
          out.add(new JsonObject().put("type", "STATE_DELTA").put("delta", new JsonArray().add(
              new JsonObject().put("op", "replace").put("path", "/status").put("value", status))));
        }
      }
    }
    if (out.isEmpty()) {
      // Nothing above maps it (a progress report with no new text, thinking or figure): still
      // seen, never dropped.
      JsonObject value = e.copy();
      value.remove("stream");
      value.remove("seq");
      out.add(new JsonObject().put("type", "CUSTOM").put("name", "agentbus." + type).put("value", value));
    }
    List<Out> images = new ArrayList<>(out.size());
    for (int k = 0; k < out.size(); k++) {
      images.add(new Out(seq + "." + k, out.get(k)));
    }
    return images;
  }

  /** Whether an AG-UI event ends its run's stream (nothing follows it). */
  public static boolean terminal(JsonObject event) {
    String t = event.getString("type");
    return "RUN_FINISHED".equals(t) || "RUN_ERROR".equals(t);
  }

  /** A terminal event after which the workflow goes no further (all but a gate's interrupt). */
  public static boolean finalEnd(JsonObject event) {
    JsonObject outcome = event.getValue("outcome") instanceof JsonObject o ? o : null;
    return terminal(event) && (outcome == null || !"interrupt".equals(outcome.getString("type")));
  }

  /**
   * {@code partialOutput} is the text produced since the previous progress event (PROTOCOL notes),
   * so each one is the next delta of the agent's message, as it streamed.
   */
  private void text(String role, String partial, List<JsonObject> out) {
    if (partial == null || partial.isEmpty() || !openText.containsKey(role)) {
      return;
    }
    out.add(content(textIds.get(role), partial));
    openText.get(role).append(partial); // appended, never copied: a long answer streams in linear time
  }

  /** {@code thinkingProcess} is likewise the thinking since the previous event: one reasoning delta each. */
  private void reasoning(String role, String thinking, long seq, List<JsonObject> out) {
    if (thinking == null || thinking.isEmpty()) {
      return;
    }
    if (!reasoningSent.containsKey(role)) {
      String id = "r-" + state.getString("workflowId") + "-" + seq;
      reasoningIds.put(role, id);
      reasoningSent.put(role, "");
      out.add(new JsonObject().put("type", "REASONING_START").put("messageId", id));
      out.add(new JsonObject().put("type", "REASONING_MESSAGE_START").put("messageId", id).put("role", "reasoning"));
    }
    out.add(new JsonObject().put("type", "REASONING_MESSAGE_CONTENT").put("messageId", reasoningIds.get(role))
        .put("delta", thinking));
  }

  private static JsonObject content(String messageId, String delta) {
    return new JsonObject().put("type", "TEXT_MESSAGE_CONTENT").put("messageId", messageId).put("delta", delta);
  }

  private void closeText(String role, List<JsonObject> out) {
    if (openText.remove(role) != null) {
      out.add(new JsonObject().put("type", "TEXT_MESSAGE_END").put("messageId", textIds.get(role)));
    }
  }

  private void closeReasoning(String role, List<JsonObject> out) {
    if (reasoningSent.remove(role) != null) {
      String id = reasoningIds.remove(role);
      out.add(new JsonObject().put("type", "REASONING_MESSAGE_END").put("messageId", id));
      out.add(new JsonObject().put("type", "REASONING_END").put("messageId", id));
    }
  }

  /** The run ends: every open message, reasoning and step is closed first. */
  private void closeAll(List<JsonObject> out) {
    for (String role : new ArrayList<>(openText.keySet())) {
      closeText(role, out);
    }
    for (String role : new ArrayList<>(reasoningSent.keySet())) {
      closeReasoning(role, out);
    }
    for (String role : new ArrayList<>(openSteps.keySet())) {
      openSteps.remove(role);
      out.add(new JsonObject().put("type", "STEP_FINISHED").put("stepName", role));
    }
  }

  /** A step's status and progress, as an RFC 6902 patch (the step is added when the state lacks it). */
  /** Whether the state already shows step {@code role} with this status and progress. */
  private boolean stepIs(String role, String status, double progress) {
    for (Object o : state.getJsonArray("steps")) {
      JsonObject step = (JsonObject) o;
      if (role.equals(step.getString("role"))) {
        return status.equals(step.getString("status")) && step.getValue("progress") instanceof Number p
            && p.doubleValue() == progress;
      }
    }
    return false;
  }

  private JsonObject stepDelta(String role, String status, double progress) {
    JsonArray steps = state.getJsonArray("steps");
    int i = -1;
    for (int j = 0; j < steps.size(); j++) {
      if (role.equals(steps.getJsonObject(j).getString("role"))) {
        i = j;
        break;
      }
    }
    JsonArray ops = new JsonArray();
    if (i < 0) {
      JsonObject step = new JsonObject().put("role", role).put("status", status).put("progress", progress);
      steps.add(step);
      ops.add(new JsonObject().put("op", "add").put("path", "/steps/-").put("value", step.copy()));
    } else {
      steps.getJsonObject(i).put("status", status).put("progress", progress);
      ops.add(new JsonObject().put("op", "replace").put("path", "/steps/" + i + "/status").put("value", status));
      ops.add(new JsonObject().put("op", "replace").put("path", "/steps/" + i + "/progress").put("value", progress));
    }
    return new JsonObject().put("type", "STATE_DELTA").put("delta", ops);
  }
}
