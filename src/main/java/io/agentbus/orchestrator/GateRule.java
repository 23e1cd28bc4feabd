package io.agentbus.orchestrator;

import io.vertx.core.json.JsonObject;

/**
 * What a gate's outcome means for its run, with no I/O. Approve continues (modify first merges the
 * reviewer's changes into the outputs); reject sends the step before the gate back with the
 * feedback when the gate says {@code onReject: revise} and revisions are left (counted in the
 * run's state), else fails; an expiry fails unless the gate says {@code onTimeout: approve} —
 * never a silent continue.
 */
final class GateRule {

  /** Run {@code step} next (with a reviewer's {@code feedback}, or null), or fail with {@code failure}. */
  record Next(int step, String feedback, String failure) {

    static Next run(int step, String feedback) {
      return new Next(step, feedback, null);
    }

    static Next fail(String why) {
      return new Next(-1, null, why);
    }
  }

  private GateRule() {}

  /** The outcome {@code d} of the gate at step {@code i}; updates {@code outputs} and {@code state} as it decides. */
  static Next apply(Template template, RunState state, JsonObject outputs, int i, JsonObject gate, JsonObject d) {
    String outcome = d.getString("status");
    String by = d.getString("decidedBy");
    String feedback = d.getString("feedback");
    switch (outcome) {
      case "approved" -> {
        if (d.getValue("modifications") instanceof JsonObject mods) {
          outputs.mergeIn(mods, true);
        }
        return Next.run(i + 1, null);
      }
      case "rejected" -> {
        int used = state.revisions.getOrDefault(i, 0);
        boolean canRevise = "revise".equals(gate.getString("onReject")) && i > 0
            && !template.steps().get(i - 1).isGate() && used < gate.getInteger("maxRevisions", 2);
        if (canRevise) {
          state.revisions.put(i, used + 1);
          return Next.run(i - 1, feedback == null || feedback.isEmpty() ? "Rejected by " + by : feedback);
        }
        return Next.fail("rejected by " + by + (feedback == null || feedback.isEmpty() ? "" : ": " + feedback)
            + (used > 0 ? " (after " + used + " revision" + (used == 1 ? "" : "s") + ")" : ""));
      }
      case "expired" -> {
        return "approve".equals(gate.getString("onTimeout")) ? Next.run(i + 1, null)
            : Next.fail("the approval '" + gate.getString("title") + "' expired after "
                + gate.getValue("timeoutMinutes") + " minutes without a decision");
      }
      default -> {
        return Next.fail("unknown approval outcome '" + outcome + "'");
      }
    }
  }
}
