package io.agentbus.orchestrator;

import io.agentbus.bus.Json;
import io.agentbus.orchestrator.agent.Agent;
import io.agentbus.orchestrator.agent.AgentFailure;
import io.agentbus.stream.WorkflowEvents;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One workflow being run by its owning orchestrator: steps in order, the agents of a parallel step
 * together, each agent attempt with its deadline and the step's retry policy, every transition
 * emitted on the workflow's streams and saved to its row. Runs entirely on the orchestrator's event
 * loop. Terminal transitions are saved before their event is emitted, so a client that sees
 * {@code workflow_completed} and asks {@code GET /api/workflows/{id}} reads the final status.
 */
final class WorkflowRun {

  private static final Logger LOG = LoggerFactory.getLogger(WorkflowRun.class);

  /** What a run needs from its orchestrator. */
  record Env(Vertx vertx, WorkflowStore store, WorkflowEvents emitter, Function<String, Agent> agents, String instanceId,
      Gates gates) {}

  /**
   * Opens approval gates (the approvals verticle); completes with the outcome:
   * {status: approved|rejected|expired, decision: approve|reject|modify, feedback, modifications, decidedBy}.
   */
  interface Gates {
    Future<JsonObject> open(WorkflowRun run, int step, JsonObject gate, JsonObject outputsSoFar);

    /** The workflow ended at its gate: its pending approval is withdrawn (and announced) first. */
    Future<Void> withdraw(String workflowId, String reason);
  }

  final String id;
  final String sessionId;
  final String ownerId;
  final Template template;
  private final JsonObject input;
  private final Env env;
  private final io.agentbus.metrics.Metrics metrics;
  private final List<Template.AgentStep> order;
  private final long startedAt = System.currentTimeMillis();
  private final JsonObject outputs = new JsonObject();
  private final Map<String, Double> quality = new LinkedHashMap<>();
  private final Map<String, Double> cost = new LinkedHashMap<>();
  private final Map<Integer, Agent.Run> running = new HashMap<>();
  private final List<Long> timers = new ArrayList<>();
  private String status = "running";
  private int step;
  private boolean finished;
  /** A gate of this run is open (its approval may be pending). */
  private boolean atGate;
  private Future<Boolean> saving = Future.succeededFuture(true);
  /** The outputs key of each agent position. */
  private final Map<Integer, String> outputKeys = new HashMap<>();
  /** Revisions asked for by rejections, per gate step. */
  private final Map<Integer, Integer> revisions = new HashMap<>();

  WorkflowRun(Env env, String id, String sessionId, String ownerId, Template template, JsonObject input) {
    this.env = env;
    this.id = id;
    this.sessionId = sessionId;
    this.ownerId = ownerId;
    this.template = template;
    this.input = input;
    this.order = template.agentsInOrder();
    this.metrics = io.agentbus.metrics.Metrics.of(env.vertx());
  }

  String status() {
    return status;
  }

  boolean finished() {
    return finished;
  }

  void start() {
    metrics.workflows.increment("started");
    metrics.workflowsRunning.incrementAndGet();
    JsonArray agents = new JsonArray();
    for (int i = 0; i < order.size(); i++) {
      agents.add(new JsonObject().put("role", order.get(i).role()).put("position", i + 1)
          .put("estimatedTime", order.get(i).estimatedTime()));
    }
    emit("workflow_started", new JsonObject().put("workflowName", template.name())
        .put("estimatedDuration", template.estimatedDuration()).put("agents", agents));
    runStep(0, null);
  }

  // ---------------------------------------------------------------- steps

  /** Runs step {@code i}; {@code feedback}, when not null, is a reviewer's request for a revision. */
  private void runStep(int i, String feedback) {
    if (finished) {
      return;
    }
    step = i;
    if (i == template.steps().size()) {
      complete();
      return;
    }
    save();
    Template.Step s = template.steps().get(i);
    if (s.isGate()) {
      status = "waiting_approval";
      // Saved before the gate opens: a decision is accepted only while the row says it waits.
      atGate = true;
      save().compose(owned -> env.gates().open(this, i, s.gate(), outputs.copy())).onComplete(ar -> {
        if (finished) {
          return;
        }
        atGate = false;
        if (ar.failed()) {
          fail(null, "approval gate: " + ar.cause().getMessage());
          return;
        }
        gateDecided(i, s.gate(), ar.result());
      });
      return;
    }
    int base = 0;
    for (int k = 0; k < i; k++) {
      base += template.steps().get(k).agents().size();
    }
    List<Future<Agent.Result>> all = new ArrayList<>();
    for (int k = 0; k < s.agents().size(); k++) {
      all.add(runAgent(s.agents().get(k), base + k + 1, 1, feedback));
    }
    Future.all(all).onComplete(ar -> {
      if (finished) {
        return;
      }
      if (ar.succeeded()) {
        runStep(i + 1, null);
      } else {
        AgentFailure f = AgentFailure.of(ar.cause());
        fail(roleOf(ar.cause(), s), f.getMessage());
      }
    });
  }

  /**
   * A gate's outcome. Approve continues (modify first merges the reviewer's changes into the
   * outputs); reject sends the step before the gate back with the feedback when the gate says
   * {@code onReject: revise} and revisions are left, else fails; an expiry fails unless the gate
   * says {@code onTimeout: approve} — never a silent continue.
   */
  private void gateDecided(int i, JsonObject gate, JsonObject d) {
    String outcome = d.getString("status");
    String by = d.getString("decidedBy");
    String feedback = d.getString("feedback");
    status = "running";
    switch (outcome) {
      case "approved" -> {
        if (d.getValue("modifications") instanceof JsonObject mods) {
          outputs.mergeIn(mods, true);
        }
        runStep(i + 1, null);
      }
      case "rejected" -> {
        int used = revisions.getOrDefault(i, 0);
        boolean canRevise = "revise".equals(gate.getString("onReject")) && i > 0
            && !template.steps().get(i - 1).isGate() && used < gate.getInteger("maxRevisions", 2);
        if (canRevise) {
          revisions.put(i, used + 1);
          runStep(i - 1, feedback == null || feedback.isEmpty() ? "Rejected by " + by : feedback);
        } else {
          fail(null, "rejected by " + by + (feedback == null || feedback.isEmpty() ? "" : ": " + feedback)
              + (used > 0 ? " (after " + used + " revision" + (used == 1 ? "" : "s") + ")" : ""));
        }
      }
      case "expired" -> {
        if ("approve".equals(gate.getString("onTimeout"))) {
          runStep(i + 1, null);
        } else {
          fail(null, "the approval '" + gate.getString("title") + "' expired after "
              + gate.getValue("timeoutMinutes") + " minutes without a decision");
        }
      }
      default -> fail(null, "unknown approval outcome '" + outcome + "'");
    }
  }

  private static String roleOf(Throwable t, Template.Step s) {
    return t instanceof StepFailure sf ? sf.role : s.agents().get(0).role();
  }

  /** A failure of one agent of a step, naming the role (for workflow_failed). */
  private static final class StepFailure extends AgentFailure {
    final String role;

    StepFailure(String role, AgentFailure f) {
      super(f.getMessage(), false, f.suggestedActions);
      this.role = role;
    }
  }

  private Future<Agent.Result> runAgent(Template.AgentStep a, int position, int attempt, String feedback) {
    Promise<Agent.Result> done = Promise.promise();
    Agent agent = env.agents().apply(a.role());
    long t0 = System.currentTimeMillis();
    long deadline = t0 + a.timeoutSeconds() * 1000L;
    String content = a.task() != null ? a.task() : input.getString("content", "");
    Agent.Task task = new Agent.Task(Json.newId(), id, a.role(), attempt, content,
        input.getJsonArray("attachments", new JsonArray()), outputs.copy(), feedback, deadline);
    emit("agent_started", new JsonObject().put("agentRole", a.role()).put("agentName", nameOf(a.role()))
        .put("position", position).put("totalAgents", order.size()).put("attempt", attempt)
        .put("estimatedCompletionTime", Instant.ofEpochMilli(t0 + (long) (a.estimatedTime() * 60_000)).toString())
        .put("inputs", new JsonObject().put("content", content).put("attachments", task.attachments())
            .put("previousOutputs", new JsonArray(List.copyOf(outputs.fieldNames()))).put("feedback", feedback)));
    double[] shown = {0};
    Agent.Run run;
    try {
      run = agent.start(task, p -> {
        if (finished || done.future().isComplete()) {
          return;
        }
        shown[0] = Math.max(shown[0], Math.min(1.0, Math.max(0.0, p.progress())));
        emitProgress(a.role(), shown[0], p.currentTask(), p.partialOutput(), p.thinkingProcess());
      });
    } catch (RuntimeException e) {
      LOG.error("workflow {}: the {} agent could not start", id, a.role(), e);
      run = Agent.Run.of(Future.failedFuture(new AgentFailure("the " + a.role() + " agent could not start: " + e, false,
          List.of("check the agent's configuration"))), reason -> { });
    }
    Agent.Run started = run;
    running.put(position, started);
    boolean[] timedOut = {false};
    long timer = env.vertx().setTimer(Math.max(1, deadline - System.currentTimeMillis()), tid -> {
      timedOut[0] = true;
      started.cancel("missed its deadline of " + a.timeoutSeconds() + " s");
    });
    started.result().onComplete(ar -> {
      env.vertx().cancelTimer(timer);
      running.remove(position);
      metrics.agentRuns.increment(ar.succeeded() ? "succeeded" : "failed");
      metrics.agentSeconds.observe((System.currentTimeMillis() - t0) / 1000.0);
      if (finished) {
        done.tryFail(AgentFailure.cancelled("workflow ended"));
        return;
      }
      if (ar.succeeded()) {
        Agent.Result r = ar.result();
        if (shown[0] < 1.0) {
          emitProgress(a.role(), 1.0, "Done", null, null);
        }
        // A revision replaces its agent's outputs; two agents of one role keep both.
        String key = outputKeys.computeIfAbsent(position,
            p -> outputs.containsKey(a.role()) ? a.role() + "_" + p : a.role());
        outputs.put(key, r.outputs());
        if (r.qualityScore() != null) {
          quality.put(key, r.qualityScore());
        }
        cost.merge(a.role(), r.cost(), Double::sum);
        emit("agent_completed", new JsonObject().put("agentRole", a.role()).put("position", position)
            .put("duration", System.currentTimeMillis() - t0).put("outputs", r.outputs())
            .put("qualityScore", r.qualityScore()).put("nextAgent", nextAgent()));
        done.complete(r);
        return;
      }
      AgentFailure f = timedOut[0]
          ? new AgentFailure("the " + a.role() + " agent missed its deadline of " + a.timeoutSeconds() + " s", true,
              List.of("retry", "raise timeoutSeconds for this step"))
          : AgentFailure.of(ar.cause());
      boolean retry = f.retryable && attempt < a.maxAttempts();
      emit("error", new JsonObject().put("code", "INTERNAL_ERROR").put("error", f.getMessage())
          .put("agentRole", a.role()).put("recoverable", retry)
          .put("suggestedActions", new JsonArray(retry ? List.of("retrying automatically") : f.suggestedActions))
          .put("details", new JsonObject().put("reason", "agent_failed").put("attempt", attempt)
              .put("maxAttempts", a.maxAttempts())));
      if (!retry) {
        done.fail(new StepFailure(a.role(), f));
        return;
      }
      timers.add(env.vertx().setTimer(Math.max(1, a.retryDelayMs()), tid -> {
        if (!finished) {
          runAgent(a, position, attempt + 1, feedback).onComplete(done);
        }
      }));
    });
    return done.future();
  }

  private void emitProgress(String role, double progress, String currentTask, String partial, String thinking) {
    emit("agent_progress", new JsonObject().put("agentRole", role).put("progress", progress)
        .put("currentTask", currentTask).put("partialOutput", partial).put("thinkingProcess", thinking));
  }

  private String nextAgent() {
    if (step + 1 >= template.steps().size()) {
      return null;
    }
    Template.Step next = template.steps().get(step + 1);
    return next.isGate() ? "approval" : String.join(",", next.agents().stream().map(Template.AgentStep::role).toList());
  }

  private String nameOf(String role) {
    return role.substring(0, 1).toUpperCase() + role.substring(1) + " agent";
  }

  // ---------------------------------------------------------------- endings

  private void complete() {
    finish("completed", null).onSuccess(ok -> {
      double q = quality.values().stream().mapToDouble(Double::doubleValue).average().orElse(0);
      JsonObject costs = new JsonObject();
      cost.forEach(costs::put);
      emit("workflow_completed", new JsonObject().put("totalDuration", System.currentTimeMillis() - startedAt)
          .put("finalOutputs", outputs.copy()).put("qualityScore", q).put("costBreakdown", costs));
    });
  }

  private void fail(String role, String reason) {
    boolean gateOpen = atGate;
    finish("failed", reason).compose(ok -> withdrawGate(gateOpen, reason)).onSuccess(ok -> emit("workflow_failed",
        new JsonObject().put("agentRole", role).put("error", reason).put("status", "failed")));
  }

  /**
   * Before the terminal event of a run that ends at a gate: its approval is withdrawn, so
   * {@code approval_resolved (cancelled)} comes first and a later decision is a CONFLICT.
   */
  private Future<Boolean> withdrawGate(boolean gateOpen, String reason) {
    return gateOpen ? env.gates().withdraw(id, reason).map(true) : Future.succeededFuture(true);
  }

  /** Stops at once: running agents are told to stop, and {@code cancelled} is emitted. */
  Future<Boolean> cancel(String by) {
    if (finished) {
      return Future.succeededFuture(false);
    }
    boolean gateOpen = atGate;
    return finish("cancelled", "cancelled by " + by).compose(ok -> withdrawGate(gateOpen, "cancelled by " + by))
        .map(ok -> {
          emit("cancelled", new JsonObject().put("success", true).put("cancelledBy", by));
          return true;
        });
  }

  /** Ends the run: stops agents and timers, saves the final status; then the caller emits. */
  private Future<Boolean> finish(String finalStatus, String error) {
    finished = true;
    metrics.workflows.increment(finalStatus);
    metrics.workflowsRunning.decrementAndGet();
    status = finalStatus;
    timers.forEach(env.vertx()::cancelTimer);
    new ArrayList<>(running.values()).forEach(r -> r.cancel("workflow " + finalStatus));
    running.clear();
    return save(error).compose(owned -> owned ? Future.succeededFuture(true)
        : Future.failedFuture(new IllegalStateException("lease lost")));
  }

  private Future<Boolean> save() {
    return save(null);
  }

  /** Saves status, step and outputs, one statement after the other so they land in order. */
  private Future<Boolean> save(String error) {
    String st = status;
    int at = step;
    JsonObject out = outputs.copy();
    saving = saving.transform(prev -> env.store().update(id, st, at, out, error, env.instanceId()))
        .onSuccess(owned -> {
          if (!owned && !finished) {
            LOG.warn("workflow {}: another orchestrator holds its lease now; stopping here", id);
            finished = true;
            new ArrayList<>(running.values()).forEach(r -> r.cancel("lease lost"));
          }
        })
        .onFailure(e -> LOG.error("workflow {}: could not save its state", id, e));
    return saving;
  }

  private void emit(String type, JsonObject fields) {
    env.emitter().emit(id, sessionId, type, fields);
  }
}
