package io.agentbus.orchestrator.agent;

import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.function.Consumer;

/**
 * A built-in agent for demos and tests: walks through its configured tasks, one every
 * {@code stepDelayMs}, and derives its outputs from its inputs, so the same request always gives
 * the same outputs. {@code failAttempts: n} makes its first n attempts of a task fail (retry tests);
 * a cancel stops its timer at once.
 */
final class ScriptedAgent implements Agent {

  private final Vertx vertx;
  private final AgentSpec spec;
  private final List<String> tasks;
  private final long stepDelayMs;
  private final int failAttempts;
  private final double quality;

  ScriptedAgent(Vertx vertx, AgentSpec spec) {
    this.vertx = vertx;
    this.spec = spec;
    JsonObject s = spec.settings();
    JsonArray t = s.getJsonArray("tasks", new JsonArray().add("Working on it"));
    this.tasks = t.stream().map(String::valueOf).toList();
    this.stepDelayMs = s.getLong("stepDelayMs", 300L);
    this.failAttempts = s.getInteger("failAttempts", 0);
    this.quality = s.getDouble("qualityScore", 0.9);
    if (tasks.isEmpty() || stepDelayMs < 1 || failAttempts < 0 || quality < 0 || quality > 1) {
      throw new IllegalArgumentException("a scripted agent needs non-empty 'tasks', 'stepDelayMs' ≥ 1, "
          + "'failAttempts' ≥ 0 and 'qualityScore' from 0 to 1");
    }
  }

  @Override
  public Run start(Task task, Consumer<Progress> progress) {
    Promise<Result> promise = Promise.promise();
    long[] timer = {-1};
    Runnable[] step = new Runnable[1];
    int[] done = {0};
    step[0] = () -> {
      String current = tasks.get(done[0]);
      done[0]++;
      boolean last = done[0] == tasks.size();
      if (last && task.attempt() <= failAttempts) {
        promise.tryFail(new AgentFailure(spec.name() + " failed on attempt " + task.attempt() + " (scripted failure)",
            true, List.of("retry", "check the " + spec.role() + " agent's configuration")));
        return;
      }
      // Deltas (the text since the previous event, as clients append it): one line per task.
      progress.accept(new Progress((double) done[0] / tasks.size(), current, current + " done\n",
          spec.name() + " is " + current.toLowerCase() + " for: " + excerpt(task.content(), 80) + "\n"));
      if (last) {
        promise.tryComplete(new Result(outputs(task), quality, 0));
      } else {
        timer[0] = vertx.setTimer(stepDelayMs, id -> step[0].run());
      }
    };
    timer[0] = vertx.setTimer(stepDelayMs, id -> step[0].run());
    return Run.of(promise.future(), reason -> {
      vertx.cancelTimer(timer[0]);
      promise.tryFail(AgentFailure.cancelled(reason));
    });
  }

  private JsonObject outputs(Task task) {
    StringBuilder text = new StringBuilder(spec.name()).append(" on \"").append(excerpt(task.content(), 200))
        .append("\": ").append(String.join(", ", tasks).toLowerCase()).append('.');
    if (task.feedback() != null && !task.feedback().isEmpty()) {
      text.append(" Revised after feedback: ").append(excerpt(task.feedback(), 200));
    }
    for (Object o : task.attachments()) {
      if (o instanceof JsonObject f) { // quotes each file it was given
        text.append(" Read ").append(f.getString("originalName")).append(" (")
            .append(f.getJsonObject("processedContent", new JsonObject()).getString("type", "file")).append("): \"")
            .append(excerpt(f.getString("text", ""), 80)).append("\".");
      }
    }
    return new JsonObject().put("text", text.toString())
        .put("basedOn", new JsonArray(List.copyOf(task.previousOutputs().fieldNames())))
        .put("attachments", task.attachments().size());
  }

  static String excerpt(String s, int max) {
    if (s == null) {
      return "";
    }
    return s.length() <= max ? s : s.substring(0, max) + "…";
  }
}
