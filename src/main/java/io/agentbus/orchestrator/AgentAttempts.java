package io.agentbus.orchestrator;

import io.agentbus.bus.Json;
import io.agentbus.orchestrator.agent.Agent;
import io.agentbus.orchestrator.agent.AgentFailure;
import io.agentbus.uploads.Attachments;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agents of one workflow run, attempt by attempt: each attempt's {@code agent_started} is
 * stored before the agent starts, its progress is reported (kept monotonic, ending at 1), its
 * deadline enforced, and its outcome stored — {@code agent_completed} before the step goes on, or
 * an {@code error} saying whether a retry follows (after the step's retry delay).
 */
final class AgentAttempts {

  private static final Logger LOG = LoggerFactory.getLogger(AgentAttempts.class);
  private final RunEnv env;
  private final String workflowId;
  private final JsonObject input;
  /** The run's outputs so far (its live object: each task gets a copy). */
  private final JsonObject outputs;
  private final RunLog log;
  private final int totalAgents;
  private final RunState state;
  private final BooleanSupplier finished;
  /** The run's attempts in flight by position (the run cancels them when it ends). */
  private final Map<Integer, Agent.Run> running;
  /** The run's timers (cancelled when it ends). */
  private final List<Long> timers;
  private final Supplier<String> nextAgent;
  /** Opens an approval for an agent that asks one mid-task (a worker); completes with the outcome. */
  private final Function<JsonObject, Future<JsonObject>> approvals;
  private final RunTrace trace;

  /** The parts of one run its attempts use; the run hands them in (the attempts never see the run). */
  AgentAttempts(RunEnv env, String workflowId, JsonObject input, JsonObject outputs, RunLog log, int totalAgents,
      RunState state, BooleanSupplier finished, Map<Integer, Agent.Run> running, List<Long> timers,
      Supplier<String> nextAgent, Function<JsonObject, Future<JsonObject>> approvals, RunTrace trace) {
    this.trace = trace;
    this.env = env;
    this.workflowId = workflowId;
    this.input = input;
    this.outputs = outputs;
    this.log = log;
    this.totalAgents = totalAgents;
    this.state = state;
    this.finished = finished;
    this.running = running;
    this.timers = timers;
    this.nextAgent = nextAgent;
    this.approvals = approvals;
  }

  /** A failure of one agent of a step, naming the role (for workflow_failed). */
  static final class StepFailure extends AgentFailure {
    final String role;

    StepFailure(String role, AgentFailure f) {
      super(f.getMessage(), false, f.suggestedActions);
      this.role = role;
    }
  }

  /**
   * The agent at {@code position} as one step of the run, from attempt {@code attempt} on (a run
   * taken over starts at the next attempt): traced as one {@code agent} span, each attempt under it.
   */
  Future<Agent.Result> step(Template.AgentStep a, int position, int attempt, String feedback) {
    io.opentelemetry.api.trace.Span span = trace.span("agent " + a.role(), trace.context())
        .setAttribute(io.agentbus.tracing.Tracing.Keys.AGENT_ROLE, a.role()).setAttribute("agentbus.agent.position", position);
    return trace.end(span, run(a, position, attempt, feedback, trace.context().with(span)));
  }

  /** Runs attempt {@code attempt} of the agent at {@code position}, and the retries its policy allows. */
  private Future<Agent.Result> run(Template.AgentStep a, int position, int attempt, String feedback,
      io.opentelemetry.context.Context stepTrace) {
    Promise<Agent.Result> done = Promise.promise();
    Agent agent = env.agents().apply(a.role());
    long t0 = System.currentTimeMillis();
    long deadline = t0 + a.timeoutSeconds() * 1000L;
    String content = a.task() != null ? a.task() : input.getString("content", "");
    Agent.Task task = new Agent.Task(Json.newId(), workflowId, a.role(), attempt, content,
        input.getJsonArray("attachments", new JsonArray()), outputs.copy(), feedback, deadline,
        input.getString("mode", Modes.DEFAULT));
    log.emit("agent_started", new JsonObject().put("agentRole", a.role()).put("agentName", env.agentNames().apply(a.role()))
        .put("position", position).put("totalAgents", totalAgents).put("attempt", attempt)
        .put("estimatedCompletionTime", Instant.ofEpochMilli(t0 + (long) (a.estimatedTime() * 60_000)).toString())
        .put("expectedMs", env.durations().expectedMs(a.role())).put("agentKind", env.agentKinds().apply(a.role()))
        .put("inputs", new JsonObject().put("content", content).put("attachments", Attachments.withoutText(task.attachments()))
            .put("previousOutputs", state.outputNames()).put("feedback", feedback)))
        .onComplete(ar -> {
          if (ar.failed() || finished.getAsBoolean()) {
            done.tryFail(ar.failed() ? ar.cause() : AgentFailure.cancelled("workflow ended"));
          } else {
            // The attempt's span is current while the agent starts: its model call is traced under it.
            io.opentelemetry.api.trace.Span span = trace.span("attempt " + attempt, stepTrace)
                .setAttribute(io.agentbus.tracing.Tracing.Keys.AGENT_ROLE, a.role())
                .setAttribute(io.agentbus.tracing.Tracing.Keys.ATTEMPT, (long) attempt);
            trace.end(span, done.future());
            env.tracing().within(stepTrace.with(span),
                () -> startAgent(agent, a, task, position, attempt, feedback, t0, deadline, done, stepTrace));
          }
        });
    return done.future();
  }

  /** Starts one attempt whose {@code agent_started} is stored; its outcome completes {@code done}. */
  private void startAgent(Agent agent, Template.AgentStep a, Agent.Task task, int position, int attempt,
      String feedback, long t0, long deadline, Promise<Agent.Result> done, io.opentelemetry.context.Context stepTrace) {
    double[] shown = {0};
    Agent.Run handle;
    try {
      handle = agent.start(task, p -> {
        if (finished.getAsBoolean() || done.future().isComplete()) {
          return;
        }
        shown[0] = Math.max(shown[0], Math.min(1.0, Math.max(0.0, p.progress())));
        emitProgress(a.role(), shown[0], p.currentTask(), p.partialOutput(), p.thinkingProcess());
      }, approvals);
    } catch (RuntimeException e) {
      LOG.error("workflow {}: the {} agent could not start", workflowId, a.role(), e);
      handle = Agent.Run.of(Future.failedFuture(new AgentFailure("the " + a.role() + " agent could not start: " + e, false,
          List.of("check the agent's configuration"))), reason -> { });
    }
    Agent.Run started = handle;
    running.put(position, started);
    boolean[] timedOut = {false};
    long timer = env.vertx().setTimer(Math.max(1, deadline - System.currentTimeMillis()), tid -> {
      timedOut[0] = true;
      started.cancel("missed its deadline of " + a.timeoutSeconds() + " s");
    });
    started.result().onComplete(ar -> {
      env.vertx().cancelTimer(timer);
      running.remove(position);
      env.metrics().agentRuns.increment(ar.succeeded() ? "succeeded" : "failed");
      env.metrics().agentSeconds.observe((System.currentTimeMillis() - t0) / 1000.0);
      if (finished.getAsBoolean()) {
        done.tryFail(AgentFailure.cancelled("workflow ended"));
        return;
      }
      if (ar.succeeded()) {
        Agent.Result r = ar.result();
        if (shown[0] < 1.0) {
          emitProgress(a.role(), 1.0, "Done", null, null);
        }
        state.complete(position, a.role(), r.outputs(), r.qualityScore(), r.cost());
        env.durations().record(a.role(), System.currentTimeMillis() - t0);
        log.emit("agent_completed", new JsonObject().put("agentRole", a.role()).put("position", position)
            .put("duration", System.currentTimeMillis() - t0).put("outputs", r.outputs())
            .put("qualityScore", r.qualityScore()).put("cost", r.cost()).put("nextAgent", nextAgent.get()))
            .onComplete(stored -> {
              if (stored.succeeded()) {
                done.tryComplete(r);
              } else {
                done.tryFail(stored.cause());
              }
            });
        return;
      }
      AgentFailure f = timedOut[0]
          ? new AgentFailure("the " + a.role() + " agent missed its deadline of " + a.timeoutSeconds() + " s", true,
              List.of("retry", "raise timeoutSeconds for this step"))
          : AgentFailure.of(ar.cause());
      boolean retry = f.retryable && attempt < a.maxAttempts();
      log.emit("error", new JsonObject().put("code", "INTERNAL_ERROR").put("error", f.getMessage())
          .put("agentRole", a.role()).put("recoverable", retry)
          .put("suggestedActions", new JsonArray(retry ? List.of("retrying automatically") : f.suggestedActions))
          .put("details", new JsonObject().put("reason", "agent_failed").put("attempt", attempt)
              .put("maxAttempts", a.maxAttempts())));
      if (!retry) {
        done.fail(new StepFailure(a.role(), f));
        return;
      }
      timers.add(env.vertx().setTimer(Math.max(1, a.retryDelayMs()), tid -> {
        if (!finished.getAsBoolean()) {
          run(a, position, attempt + 1, feedback, stepTrace).onComplete(done);
        }
      }));
    });
  }

  private void emitProgress(String role, double progress, String currentTask, String partial, String thinking) {
    log.emit("agent_progress", new JsonObject().put("agentRole", role).put("progress", progress)
        .put("currentTask", currentTask).put("partialOutput", partial).put("thinkingProcess", thinking));
  }


}
