package io.agentbus.orchestrator;

import io.agentbus.orchestrator.agent.Agent;
import io.agentbus.orchestrator.agent.AgentFailure;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One workflow being run by its owning orchestrator: steps in order, the agents of a parallel step
 * together, each agent attempt with its deadline and the step's retry policy, every transition
 * written to the workflow's streams and row through its {@link RunLog} before the run goes on (it
 * never runs ahead of its durable record). Runs entirely on the orchestrator's event loop.
 * Terminal transitions are saved before their event is emitted, so a client that sees
 * {@code workflow_completed} and asks {@code GET /api/workflows/{id}} reads the final status.
 *
 * <p>A run taken over from a dead node ({@link #resume}) continues from its recovered
 * {@link RunState}: completed steps are not repeated; an agent that was running is run again as its
 * next attempt, announced by an {@code error} with {@code details.reason: "node_lost"}.
 */
final class WorkflowRun implements GatedRun {

  private static final Logger LOG = LoggerFactory.getLogger(WorkflowRun.class);

  final String id;
  /** Which run of the workflow this is: bumped by every start, takeover and orphan cancel (fencing). */
  final long epoch;
  /**
   * {@link System#nanoTime} after which this run's lease may have run out in PostgreSQL: measured
   * from before the claim or renewal was sent, so it passes before the database's own expiry and
   * the run stops before anyone can take it over.
   */
  long leaseDeadline;
  final String sessionId;
  final String ownerId;
  final Template template;
  final JsonObject input;
  final RunEnv env;
  final List<Template.AgentStep> order;
  final RunState state;
  final JsonObject outputs;
  final RunLog log;
  private final AgentAttempts attempts;
  private final RunTrace trace;
  final Map<Integer, Agent.Run> running = new HashMap<>();
  final List<Long> timers = new ArrayList<>();
  private String status = "running";
  int step;
  private boolean finished;
  private boolean abandoned;
  /** A gate of this run is open (its approval may be pending). */
  private boolean atGate;
  /** /pause asked for a hold: taken when the running step (or gate) is done. Who asked, or null. */
  private String pauseBy;
  /** Held between steps: the step to run on /resume, and the reviewer's feedback it was to get. */
  private String heldFeedback;
  /** @param state where the run stands: empty for a new workflow, recovered for one taken over */
  WorkflowRun(RunEnv env, String id, long epoch, long leaseDeadline, String sessionId, String ownerId, Template template,
      JsonObject input, RunState state) {
    this.env = env;
    this.id = id;
    this.epoch = epoch;
    this.leaseDeadline = leaseDeadline;
    this.sessionId = sessionId;
    this.ownerId = ownerId;
    this.template = template;
    this.input = input;
    this.order = template.agentsInOrder();
    this.state = state;
    this.outputs = state.outputs;
    this.log = new RunLog(env.vertx(), env.store(), env.emitter(), id, sessionId, env.instanceId(), epoch,
        this::abandon);
    this.trace = new RunTrace(env.tracing(), id, input, env.instanceId());
    this.attempts = new AgentAttempts(env, id, input, outputs, log, order.size(), state, this::finished, running,
        timers, () -> template.after(step), this::askMidStep, trace);
  }

  /** A worker asks a human mid-task: a gate on the running step, as any gate (withdrawn if the run ends). */
  private Future<JsonObject> askMidStep(JsonObject gate) {
    if (finished) {
      return Future.failedFuture(new IllegalStateException("the workflow ended (" + status + ")"));
    }
    atGate = true;
    return env.gates().open(this, step, gate, outputs.copy()).onComplete(ar -> atGate = false);
  }

  @Override
  public String workflowId() {
    return id;
  }

  @Override
  public String sessionId() {
    return sessionId;
  }

  @Override
  public String ownerId() {
    return ownerId;
  }

  @Override
  public String status() {
    return status;
  }

  @Override
  public boolean finished() {
    return finished;
  }

  @Override
  public RunTrace trace() {
    return trace;
  }


  void start() {
    env.metrics().workflowsStarted.increment();
    env.metrics().workflowsRunning.incrementAndGet();
    log.emit("workflow_started", RunEvents.started(env, template, order, input, trace.traceId()))
        .onSuccess(v -> runStep(0, null));
  }

  /**
   * Continues a workflow taken over from a node that died, at step {@code at}: a gate keeps
   * waiting (or acts on a decision made meanwhile), an agent step runs what had not completed,
   * a paused one stays paused (holding no agent) until /resume.
   */
  void resume(int at, boolean paused) {
    env.metrics().workflowsRunning.incrementAndGet();
    step = at;
    if (paused) {
      status = "paused";
      return;
    }
    if (at >= template.steps().size()) {
      complete();
      return;
    }
    Template.Step s = template.steps().get(at);
    if (s.isGate()) {
      status = "waiting_approval";
      atGate = true;
      env.gates().resume(this, at, s.gate(), outputs.copy()).onComplete(ar -> gateOutcome(at, s.gate(), ar));
      return;
    }
    status = "running";
    runAgents(at, state.feedback, true);
  }

  /** This node is shutting down: stop at once, writing nothing more; another node continues it. */
  void handOver() {
    abandon("this node is shutting down");
  }

  /**
   * This run's lease ran out (or was not renewed: the database was unreachable, or another run
   * took it): stop at once and write nothing more, before anyone can take the workflow over. The
   * workflow's record stays as stored; whoever takes it next continues from there.
   */
  void lapse(String why) {
    LOG.warn("workflow {}: stopping this run ({}); the run that takes it over continues from its record", id, why);
    abandon(why);
  }

  /** Another orchestrator took this workflow over: stop at once, writing nothing more. */
  private void abandon() {
    abandon("another orchestrator took the workflow over");
  }

  private void abandon(String why) {
    if (!finished) {
      finished = true;
      env.metrics().workflowsRunning.decrementAndGet();
    }
    abandoned = true;
    log.close();
    trace.stop(why);
    stopWork(why);
  }

  /** Stopped without an ending of its own (lease lost or lapsed, node stopping): another run continues it. */
  boolean abandoned() {
    return abandoned;
  }

  /** Ended or abandoned, and nothing it wrote is still waiting for the database. */
  boolean settled() {
    return finished && log.settled();
  }

  /** Stops retry timers and tells running agents to stop. */
  private void stopWork(String reason) {
    timers.forEach(env.vertx()::cancelTimer);
    new ArrayList<>(running.values()).forEach(r -> r.cancel(reason));
    running.clear();
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
    if (pauseBy != null) {
      hold(i, feedback);
      return;
    }
    Template.Step s = template.steps().get(i);
    if (s.isGate()) {
      status = "waiting_approval";
      // Saved before the gate opens: the row says it waits before anyone can decide.
      atGate = true;
      save().compose(v -> env.gates().open(this, i, s.gate(), outputs.copy()))
          .onComplete(ar -> gateOutcome(i, s.gate(), ar));
      return;
    }
    status = "running";
    save().onSuccess(v -> runAgents(i, feedback, false));
  }

  private void gateOutcome(int i, JsonObject gate, io.vertx.core.AsyncResult<JsonObject> ar) {
    if (finished) {
      return;
    }
    atGate = false;
    if (ar.failed()) {
      fail(null, "approval gate: " + ar.cause().getMessage());
      return;
    }
    gateDecided(i, gate, ar.result());
  }

  /**
   * Runs the agents of step {@code i} together. When {@code resumed}, those that completed under
   * the previous owner are not run again and those it had started run as their next attempt.
   */
  private void runAgents(int i, String feedback, boolean resumed) {
    if (finished) {
      return;
    }
    Template.Step s = template.steps().get(i);
    int base = RunState.positionBase(template, i);
    List<Future<Agent.Result>> all = new ArrayList<>();
    for (int k = 0; k < s.agents().size(); k++) {
      Template.AgentStep a = s.agents().get(k);
      int position = base + k + 1;
      Integer last = resumed ? state.lastAttempt.get(position) : null;
      if (resumed && state.doneInStep.contains(position)) {
        all.add(Future.succeededFuture());
      } else if (last != null) {
        all.add(log.emit("error", new JsonObject().put("code", "UNAVAILABLE")
                .put("error", "the node running the " + a.role() + " agent was lost; running it again here")
                .put("agentRole", a.role()).put("recoverable", true)
                .put("suggestedActions", new JsonArray().add("retrying automatically"))
                .put("details", new JsonObject().put("reason", "node_lost").put("attempt", last)
                    .put("maxAttempts", a.maxAttempts())))
            .compose(v -> attempts.step(a, position, last + 1, feedback)));
      } else {
        all.add(attempts.step(a, position, 1, feedback));
      }
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

  /** A gate's outcome: continue, revise or fail, as {@link GateRule} says. */
  private void gateDecided(int i, JsonObject gate, JsonObject d) {
    status = "running";
    GateRule.Next next = GateRule.apply(template, state, outputs, i, gate, d);
    if (next.failure() != null) {
      fail(null, next.failure());
    } else {
      runStep(next.step(), next.feedback());
    }
  }

  private static String roleOf(Throwable t, Template.Step s) {
    return t instanceof AgentAttempts.StepFailure sf ? sf.role : s.agents().get(0).role();
  }

  // ---------------------------------------------------------------- pause and resume

  /**
   * /pause: the running step (or open gate) finishes, then the run holds before the next one
   * ({@code workflow_paused}). Answers {success, status, pending}: pending while the step runs.
   */
  JsonObject pause(String by) {
    if (finished) {
      return new JsonObject().put("success", false).put("status", status);
    }
    if (!"paused".equals(status)) {
      pauseBy = by;
    }
    return new JsonObject().put("success", true).put("status", status).put("pending", !"paused".equals(status));
  }

  /** /resume: a held run continues with the step it stopped before; a pause not yet taken is called off. */
  Future<JsonObject> resumeFrom(String by) {
    if (finished) {
      return Future.succeededFuture(new JsonObject().put("success", false).put("status", status));
    }
    if (!"paused".equals(status)) {
      boolean wasPausing = pauseBy != null;
      pauseBy = null;
      return Future.succeededFuture(new JsonObject().put("success", wasPausing).put("status", status));
    }
    status = "running";
    String feedback = heldFeedback;
    heldFeedback = null;
    return save().compose(v -> log.emit("workflow_resumed", new JsonObject().put("resumedBy", by).put("step", step)))
        .map(v -> {
          runStep(step, feedback);
          return new JsonObject().put("success", true).put("status", "running");
        });
  }

  /** Holds before step {@code i}: saved as paused (no agent runs), then announced. */
  private void hold(int i, String feedback) {
    String by = pauseBy;
    pauseBy = null;
    heldFeedback = feedback;
    status = "paused";
    save().compose(v -> log.emit("workflow_paused", new JsonObject().put("pausedBy", by).put("step", i)
        .put("nextStep", i + 1).put("totalSteps", template.steps().size())));
  }

  // ---------------------------------------------------------------- endings

  private void complete() {
    finish("completed", null).compose(v -> log.emit("workflow_completed", RunEvents.completed(state, outputs)));
  }

  private void fail(String role, String reason) {
    boolean gateOpen = atGate;
    finish("failed", reason).compose(v -> withdrawGate(gateOpen, reason)).compose(v -> log.emit("workflow_failed",
        new JsonObject().put("agentRole", role).put("error", reason).put("status", "failed")));
  }

  /** Before the terminal event of a run ending at a gate: withdrawn first, so a later decision is a CONFLICT. */
  private Future<Void> withdrawGate(boolean gateOpen, String reason) {
    return gateOpen ? env.gates().withdraw(id, reason) : Future.succeededFuture();
  }

  /** Stops at once: agents told to stop, the end recorded, {@code cancelled} emitted; completes once stored. */
  Future<Boolean> cancel(String by) {
    if (finished) {
      return Future.succeededFuture(false);
    }
    boolean gateOpen = atGate;
    return finish("cancelled", "cancelled by " + by).compose(v -> withdrawGate(gateOpen, "cancelled by " + by))
        .compose(v -> log.emit("cancelled", new JsonObject().put("success", true).put("cancelledBy", by)))
        .map(true);
  }

  /** Ends the run: stops agents and timers, records the final status; then the caller emits. */
  private Future<Void> finish(String finalStatus, String error) {
    finished = true;
    trace.mark("workflow " + finalStatus, finalStatus);
    env.metrics().workflows.increment(finalStatus);
    env.metrics().workflowsRunning.decrementAndGet();
    status = finalStatus;
    stopWork("workflow " + finalStatus);
    return log.save(finalStatus, step, outputs.copy(), error);
  }

  /** Records status, step and outputs after everything logged before. */
  private Future<Void> save() {
    return log.save(status, step, outputs.copy(), null);
  }
}
