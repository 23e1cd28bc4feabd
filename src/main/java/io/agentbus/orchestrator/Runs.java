package io.agentbus.orchestrator;

import io.agentbus.bus.Addresses;
import io.agentbus.bus.AppException;
import io.agentbus.bus.Json;
import io.agentbus.bus.Principal;
import io.agentbus.bus.Requests;
import io.agentbus.stream.StreamName;
import io.agentbus.stream.WorkflowEvents;
import io.agentbus.uploads.Attachments;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The workflow runs one orchestrator instance holds, and their leases: starting a workflow here,
 * continuing one taken over ({@link Takeover}), renewing every run's lease by its epoch, stopping a
 * run whose lease lapsed before anyone can take it, and handing all of them over at shutdown
 * (package docs: one run per workflow). Acting on a workflow goes through {@link WorkflowControl},
 * here or at the instance that holds it.
 *
 * <p>Not thread-safe: the orchestrator verticle's context.
 */
final class Runs implements Workflows {

  private static final Logger LOG = LoggerFactory.getLogger(Runs.class);

  private final Vertx vertx;
  private final WorkflowStore store;
  private final Sessions sessions;
  private final ApprovalGates gates;
  private final RunEnv env;
  private final String instanceId;
  private final int leaseSeconds;
  private final Map<String, WorkflowRun> runs = new HashMap<>();
  private final WorkflowControl control;
  private boolean renewFailing;

  Runs(Vertx vertx, WorkflowStore store, WorkflowEvents emitter, Sessions sessions, ApprovalGates gates,
      RunEnv env, int leaseSeconds) {
    this.vertx = vertx;
    this.store = store;
    this.sessions = sessions;
    this.gates = gates;
    this.env = env;
    this.instanceId = env.instanceId();
    this.leaseSeconds = leaseSeconds;
    this.control = new WorkflowControl(vertx, store, runs, instanceId, gates, emitter);
  }

  /** The requests about a workflow this instance holds (its control address). */
  WorkflowControl control() {
    return control;
  }

  /** True when this instance runs {@code workflowId} now. */
  boolean holds(String workflowId) {
    return runs.containsKey(workflowId);
  }

  /** The workflows this instance runs now: a takeover sweep never takes one of them. */
  Set<String> held() {
    return runs.keySet();
  }

  private long leaseNanos() {
    return leaseSeconds * 1_000_000_000L;
  }

  @Override
  public Future<JsonObject> act(Principal who, String workflowId, String action) {
    return control.act(who, workflowId, action);
  }

  @Override
  public Future<JsonObject> start(Principal who, String session, Template t, JsonObject input, String given) {
    if (given == null) {
      return startNew(who, session, t, input, Json.newId());
    }
    // A start repeated under the same id (an HTTP Idempotency-Key whose first answer was lost with
    // its node): the workflow it made is the answer, whatever step it reached.
    return store.get(given).compose(row -> row == null ? startNew(who, session, t, input, given)
        : who.userId().equals(row.getString("ownerId")) ? Future.succeededFuture(new JsonObject()
            .put("workflowId", given).put("workflowName", row.getString("name"))
            .put("sessionId", row.getString("sessionId")).put("stream", StreamName.workflow(given)))
        : Future.failedFuture(AppException.forbidden("workflow '" + given + "' belongs to another user")));
  }

  private Future<JsonObject> startNew(Principal who, String session, Template t, JsonObject input, String id) {
    return vertx.eventBus().request(Addresses.SESSION_CLAIM, new JsonObject().put("sessionId", session),
            Requests.as(who))
        // The workflow's files, checked and attached: its agents get their processed content and text.
        .compose(claimed -> Attachments.attach(vertx, Requests.as(who), input.getJsonArray("attachments", new JsonArray()),
            "workflow", id))
        .compose(files -> sessions.context(session).map(ctx -> {
          input.put("attachments", files).put("mode", ctx.getString("mode")).put("epicId", ctx.getString("epicId"))
              .put("sprintId", ctx.getString("sprintId"));
          return Modes.apply(t, ctx.getString("mode"));
        }))
        .compose(applied -> {
          long sent = System.nanoTime();
          // The run's trace begins here, under the request that starts it; stored with the workflow.
          io.opentelemetry.api.trace.Span span = RunTrace.begin(env.tracing(), t.name(), id, input, instanceId);
          return RunTrace.ending(span, store.insert(id, t.name(), session, who.userId(), input, applied.toJson(),
                  instanceId, leaseSeconds))
              .map(v -> new WorkflowRun(env, id, 1, sent + leaseNanos(), session, who.userId(), applied, input,
                  new RunState()));
        })
        .map(run -> {
          runs.put(id, run);
          run.start();
          LOG.info("workflow {} ({}) started for {} in session {}", id, t.name(), who.userId(), session);
          return new JsonObject().put("workflowId", id).put("workflowName", t.name()).put("sessionId", session)
              .put("stream", StreamName.workflow(id));
        });
  }

  /**
   * A workflow taken over (by the claim sent at {@code sent}, {@link System#nanoTime}) continues
   * here as a new run. A run of it this instance still had is stopped first: two never run together.
   */
  void resume(JsonObject row, Template t, RunState state, long sent) {
    String id = row.getString("workflowId");
    WorkflowRun old = runs.remove(id);
    if (old != null && !old.finished()) {
      old.lapse("taken over again by this instance");
    }
    WorkflowRun run = new WorkflowRun(env, id, row.getLong("leaseEpoch"), sent + leaseNanos(), row.getString("sessionId"),
        row.getString("ownerId"), t, row.getJsonObject("input"), state);
    runs.put(id, run);
    run.resume(row.getInteger("currentStep"), "paused".equals(row.getString("status")));
  }

  /**
   * Renews the lease of every run held here, each by its epoch. A run whose lease could not be
   * renewed because it ran out or changed hands stops now; one the database could not be asked
   * about keeps its deadline and stops when that passes ({@link #stopLapsed}).
   */
  void renewLeases() {
    runs.values().removeIf(r -> r.abandoned() || r.settled());
    // Gates of workflows that ended (cancelled, failed) while waiting will never be taken.
    gates.forgetEnded(runs::containsKey);
    if (runs.isEmpty()) {
      return;
    }
    Map<String, Long> epochs = new HashMap<>();
    runs.forEach((id, run) -> epochs.put(id, run.epoch));
    long sent = System.nanoTime();
    store.renew(instanceId, leaseSeconds, epochs).onComplete(ar -> {
      if (ar.failed() && !renewFailing) { // once per outage, not at every renewal
        LOG.warn("could not renew workflow leases (retried at every renewal): {}", ar.cause().toString());
      } else if (ar.succeeded() && renewFailing) {
        LOG.info("workflow leases renewed again");
      }
      renewFailing = ar.failed();
      if (ar.failed()) {
        return;
      }
      epochs.forEach((id, epoch) -> {
        WorkflowRun run = runs.get(id);
        if (run == null || run.epoch != epoch) {
          return;
        }
        if (ar.result().contains(id)) {
          run.leaseDeadline = Math.max(run.leaseDeadline, sent + leaseNanos());
        } else if (!run.finished()) {
          runs.remove(id);
          run.lapse("its lease ran out or another run holds it");
        }
        // A run that ended by itself keeps writing its ending (its row may already be terminal, so
        // not renewed): if the workflow was taken meanwhile, its epoch fences those writes out.
      });
    });
  }

  /**
   * Stops every run whose lease may have run out: it must not run beside the one that takes it
   * over. A run that already ended only finishes recording its end (fenced like every write).
   */
  void stopLapsed() {
    long now = System.nanoTime();
    runs.values().removeIf(run -> {
      if (now - run.leaseDeadline < 0 || run.finished() && !run.abandoned()) {
        return false;
      }
      if (!run.abandoned()) {
        run.lapse("its lease ran out before it could be renewed");
      }
      return true;
    });
  }

  /**
   * A shutdown hands the workflows over (PROTOCOL §10): the runs here stop (their agents are told
   * to), then their leases end at once, so a surviving node's next takeover sweep (within a
   * second) continues them — the step that was running runs again there as its next attempt.
   */
  Future<Void> handOver() {
    runs.values().forEach(WorkflowRun::handOver);
    return store.releaseLeases(instanceId)
        .onSuccess(n -> {
          if (n > 0) {
            LOG.info("shutting down: {} workflow lease(s) released for the other nodes", n);
          }
        })
        .<Void>mapEmpty()
        .otherwise((Void) null);
  }
}
