package io.agentbus.orchestrator.agent;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.function.Consumer;

/**
 * How a role is played. Every kind (scripted, external worker, OpenAI-compatible) sits behind this
 * one interface, so the workflow runner never knows which it drives. Calls come on the
 * orchestrator's event loop and implementations must not block it.
 */
public interface Agent {

  /** What an agent is given: the user's request, attachments, earlier agents' outputs and feedback. */
  record Task(String taskId, String workflowId, String role, int attempt, String content, JsonArray attachments,
      JsonObject previousOutputs, String feedback, long deadlineMillis, String mode) {

    public JsonObject toJson() {
      return new JsonObject().put("taskId", taskId).put("workflowId", workflowId).put("agentRole", role)
          .put("attempt", attempt).put("deadline", java.time.Instant.ofEpochMilli(deadlineMillis).toString())
          .put("input", new JsonObject().put("content", content).put("attachments", attachments)
              .put("previousOutputs", previousOutputs).put("feedback", feedback).put("mode", mode));
    }
  }

  /** One progress report; the runner keeps progress monotonic and ends it at 1. */
  record Progress(double progress, String currentTask, String partialOutput, String thinkingProcess) {}

  /** What a finished agent hands on. {@code cost} feeds the workflow's costBreakdown. */
  record Result(JsonObject outputs, Double qualityScore, double cost) {}

  /** A task under way. */
  interface Run {
    /** Completes with the result, or fails ({@link AgentFailure} says whether a retry may help). */
    Future<Result> result();

    /** Stops the task as soon as possible; the result then fails with a cancelled failure. */
    void cancel(String reason);

    static Run of(Future<Result> result, Consumer<String> cancel) {
      return new Run() {
        @Override
        public Future<Result> result() {
          return result;
        }

        @Override
        public void cancel(String reason) {
          cancel.accept(reason);
        }
      };
    }
  }

  Run start(Task task, Consumer<Progress> progress);

  /**
   * As {@link #start(Task, Consumer)}, for an agent that may stop mid-task for a human decision:
   * {@code approvals} opens an approval gate ({title, description?, timeoutMinutes?, requiredBy?})
   * and completes with its outcome ({status, decision, feedback, modifications, decidedBy}).
   * Only workers ask; the other kinds ignore it.
   */
  default Run start(Task task, Consumer<Progress> progress,
      java.util.function.Function<io.vertx.core.json.JsonObject, io.vertx.core.Future<io.vertx.core.json.JsonObject>> approvals) {
    return start(task, progress);
  }
}
