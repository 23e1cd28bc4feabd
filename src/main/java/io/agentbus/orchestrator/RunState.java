package io.agentbus.orchestrator;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Where a workflow run stands: the outputs so far and what each agent position and gate did. A
 * fresh run starts empty; a run taken over from a dead node is rebuilt by {@link #recover} from
 * the events the dead owner stored — the workflow's stream is its record, so the new owner knows
 * exactly which steps completed (their events are not repeated) and which agents were running
 * (they run again as their next attempt).
 *
 * <p>Not thread-safe: the orchestrator's event loop.
 */
final class RunState {

  final JsonObject outputs = new JsonObject();
  final Map<String, Double> quality = new LinkedHashMap<>();
  final Map<String, Double> cost = new LinkedHashMap<>();
  /** The outputs key of each agent position. */
  final Map<Integer, String> outputKeys = new HashMap<>();
  /** Revisions asked for by rejections, per gate step. */
  final Map<Integer, Integer> revisions = new HashMap<>();
  long startedAt = System.currentTimeMillis();

  // Known only for a recovered run:
  /** The last attempt started of each position. */
  final Map<Integer, Integer> lastAttempt = new HashMap<>();
  /** Positions of the current step that completed in its current execution. */
  final Set<Integer> doneInStep = new HashSet<>();
  /** The feedback the current step runs with (a revision), or null. */
  String feedback;
  /** A terminal event is stored: the run had ended. */
  boolean ended;

  /** Records a completed agent's outputs under its key: a revision replaces them, two agents of one role keep both. */
  String complete(int position, String role, JsonObject agentOutputs, Double qualityScore, double agentCost) {
    String key = outputKeys.computeIfAbsent(position, p -> outputs.containsKey(role) ? role + "_" + p : role);
    outputs.put(key, agentOutputs);
    if (qualityScore != null) {
      quality.put(key, qualityScore);
    }
    cost.merge(role, agentCost, Double::sum);
    return key;
  }

  /**
   * Rebuilds a run from its stored events (oldest first) for a template whose current step is
   * {@code step}.
   */
  static RunState recover(List<JsonObject> events, Template template, int step) {
    RunState s = new RunState();
    Map<Integer, Integer> started = new HashMap<>();
    Map<Integer, Integer> completed = new HashMap<>();
    Map<Integer, String> startFeedback = new HashMap<>();
    Map<String, Integer> gateOfApproval = new HashMap<>();
    int lastRejection = -1;
    String rejectionFeedback = null;
    for (int i = 0; i < events.size(); i++) {
      JsonObject e = events.get(i);
      switch (e.getString("type", "")) {
        case "workflow_started" -> s.startedAt = time(e.getString("timestamp"), s.startedAt);
        case "agent_started" -> {
          int p = e.getInteger("position", 0);
          started.put(p, i);
          s.lastAttempt.put(p, e.getInteger("attempt", 1));
          JsonObject inputs = e.getJsonObject("inputs", new JsonObject());
          startFeedback.put(p, inputs.getString("feedback"));
        }
        case "agent_completed" -> {
          int p = e.getInteger("position", 0);
          completed.put(p, i);
          JsonObject out = e.getValue("outputs") instanceof JsonObject o ? o : new JsonObject();
          Number q = e.getValue("qualityScore") instanceof Number n ? n : null;
          Number c = e.getValue("cost") instanceof Number n ? n : 0;
          s.complete(p, e.getString("agentRole"), out, q == null ? null : q.doubleValue(), c.doubleValue());
        }
        case "approval_required" -> gateOfApproval.put(e.getString("approvalId", ""), e.getInteger("step", -1));
        case "approval_resolved" -> {
          String status = e.getString("status", "");
          if ("approved".equals(status) && e.getValue("modifications") instanceof JsonObject mods) {
            s.outputs.mergeIn(mods, true);
          } else if ("rejected".equals(status)) {
            s.revisions.merge(gateOfApproval.getOrDefault(e.getString("approvalId", ""), step + 1), 1, Integer::sum);
            lastRejection = i;
            String by = e.getString("decidedBy");
            String fb = e.getString("feedback");
            rejectionFeedback = fb == null || fb.isEmpty() ? "Rejected by " + by : fb;
          }
        }
        case "workflow_completed", "workflow_failed", "cancelled" -> s.ended = true;
        default -> { }
      }
    }
    if (step < template.steps().size() && !template.steps().get(step).isGate()) {
      int base = positionBase(template, step);
      for (int k = 0; k < template.steps().get(step).agents().size(); k++) {
        int p = base + k + 1;
        int start = started.getOrDefault(p, -1);
        int done = completed.getOrDefault(p, -1);
        if (done > start && done > lastRejection) {
          s.doneInStep.add(p);
        }
        if (start < lastRejection) {
          s.lastAttempt.remove(p); // its revision had not started: it runs as a fresh attempt, nothing was lost
        }
        if (start > lastRejection && startFeedback.get(p) != null) {
          s.feedback = startFeedback.get(p);
        }
      }
      if (s.feedback == null && lastRejection >= 0
          && startedAfter(started, base, template.steps().get(step).agents().size()) < lastRejection) {
        s.feedback = rejectionFeedback; // rejected, and the revision had not started yet
      }
    }
    return s;
  }

  /** The position (1..) before the first agent of {@code step}. */
  static int positionBase(Template template, int step) {
    int base = 0;
    for (int k = 0; k < step; k++) {
      base += template.steps().get(k).agents().size();
    }
    return base;
  }

  private static int startedAfter(Map<Integer, Integer> started, int base, int n) {
    int last = -1;
    for (int k = 1; k <= n; k++) {
      last = Math.max(last, started.getOrDefault(base + k, -1));
    }
    return last;
  }

  private static long time(String iso, long fallback) {
    try {
      return iso == null ? fallback : Instant.parse(iso).toEpochMilli();
    } catch (RuntimeException e) {
      return fallback;
    }
  }

  JsonObject costs() {
    JsonObject c = new JsonObject();
    cost.forEach(c::put);
    return c;
  }

  JsonArray outputNames() {
    return new JsonArray(List.copyOf(outputs.fieldNames()));
  }
}
