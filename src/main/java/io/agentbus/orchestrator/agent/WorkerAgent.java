package io.agentbus.orchestrator.agent;

import io.agentbus.bus.Addresses;
import io.agentbus.bus.Requests;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Plays a role with external worker processes (docs/workflows.md, Agent workers). Workers of a role listen on
 * {@link Addresses#agentRole}: a /ws connection holding role {@code agent} that sent
 * {@code agent_register}, or any process consuming that address on the clustered bus.
 *
 * <p>A task is offered there as a request; the event bus picks one listener (round robin across
 * nodes), and a worker already at its capacity refuses, so the offer is repeated every
 * {@link #RETRY_OFFER_MS} until a free one accepts or the step's deadline passes. Only the worker
 * decides whether it is free, so two orchestrators can never both give it a task. It then reports
 * progress, result or failure to this orchestrator's address ({@link Addresses#orchestratorTasks});
 * its bridge reports {@code lost} when its connection closes. Each attempt has its own task id, so
 * a late report of an abandoned attempt is ignored.
 */
final class WorkerAgent implements Agent {

  static final long RETRY_OFFER_MS = 250;

  /** The tasks of one orchestrator instance that workers are running, by task id. */
  static final class Tasks {
    private final String address;
    private final Map<String, Consumer<JsonObject>> byTask = new HashMap<>();
    /** A running task's way to a human decision (its run's gates), by task id. */
    private final Map<String, Function<JsonObject, Future<JsonObject>>> approvals = new HashMap<>();
    private final MessageConsumer<JsonObject> consumer;

    Tasks(Vertx vertx, String instanceId) {
      this.address = Addresses.orchestratorTasks(instanceId);
      this.consumer = vertx.eventBus().consumer(address, m -> {
        String taskId = m.body().getString("taskId", "");
        if ("approval".equals(m.body().getString("kind"))) {
          // Answered with the decision, once there is one (the worker waits for it).
          Function<JsonObject, Future<JsonObject>> ask = approvals.get(taskId);
          if (ask == null) {
            m.fail(404, "no task '" + taskId + "' may ask for an approval here");
            return;
          }
          ask.apply(m.body().getJsonObject("gate", new JsonObject())).onComplete(ar -> {
            if (ar.succeeded()) {
              m.reply(ar.result());
            } else {
              m.fail(409, String.valueOf(ar.cause().getMessage()));
            }
          });
          return;
        }
        Consumer<JsonObject> h = byTask.get(taskId);
        if (h != null) {
          h.accept(m.body());
        }
        // Answered either way: the worker's side learns this orchestrator is alive (a report that
        // gets no answer because the orchestrator's node died cancels the task at the worker).
        if (m.replyAddress() != null) {
          m.reply(new JsonObject().put("taken", h != null));
        }
      });
    }

    Future<Void> ready() {
      return consumer.completion();
    }
  }

  private final Vertx vertx;
  private final AgentSpec spec;
  private final Tasks tasks;
  /** Who plays the role when no worker serves it (the role's configured kind), or null: wait for one. */
  private final Agent fallback;
  /** Which roles a worker served at the last look (only consulted with a fallback). */
  private final java.util.function.Predicate<String> servedNow;

  WorkerAgent(Vertx vertx, AgentSpec spec, Tasks tasks, Agent fallback, java.util.function.Predicate<String> servedNow) {
    this.vertx = vertx;
    this.spec = spec;
    this.tasks = tasks;
    this.fallback = fallback;
    this.servedNow = servedNow;
  }

  /** How long a probe waits for a worker's answer. */
  static final long PROBE_MS = 2_000;

  /**
   * Whether any worker in the cluster serves {@code role} now: a probe on its address, which every
   * registered worker answers whatever its load (no worker: the bus has no handler for it).
   */
  public static Future<Boolean> served(Vertx vertx, String role) {
    return vertx.eventBus().request(Addresses.agentRole(role), new JsonObject().put("probe", true),
            new DeliveryOptions().setSendTimeout(PROBE_MS))
        .map(m -> true).otherwise(false);
  }

  @Override
  public Run start(Task task, Consumer<Progress> progress) {
    return start(task, progress, null);
  }

  @Override
  public Run start(Task task, Consumer<Progress> progress, Function<JsonObject, Future<JsonObject>> approvals) {
    if (fallback != null && !servedNow.test(spec.role())) {
      // No worker served the role at the last look (WorkerRoles): its configured kind plays it,
      // without a cluster lookup on the way (which a partition can hold up).
      return fallback.start(task, progress);
    }
    Promise<Result> promise = Promise.promise();
    if (approvals != null) {
      tasks.approvals.put(task.taskId(), approvals);
    }
    String[] control = new String[1];
    boolean[] stopped = new boolean[1];
    tasks.byTask.put(task.taskId(), event -> {
      switch (event.getString("kind", "")) {
        case "progress" -> progress.accept(new Progress(number(event, "progress"),
            event.getString("currentTask"), event.getString("partialOutput"), event.getString("thinkingProcess")));
        case "result" -> promise.tryComplete(new Result(event.getJsonObject("outputs", new JsonObject()),
            event.getDouble("qualityScore"), number(event, "cost")));
        case "failed" -> promise.tryFail(new AgentFailure(event.getString("error", "the worker failed"),
            event.getBoolean("recoverable", true), List.of("retry", "check the worker's logs")));
        case "lost" -> promise.tryFail(new AgentFailure("the " + spec.role() + " worker disconnected", true,
            List.of("the task is offered to another worker")));
        default -> { }
      }
    });
    promise.future().onComplete(ar -> {
      tasks.byTask.remove(task.taskId());
      tasks.approvals.remove(task.taskId());
    });
    JsonObject offer = task.toJson().put("replyAddress", tasks.address);
    Run[] delegated = new Run[1];
    offer(task, offer, promise, control, stopped, progress, new String[1], delegated);
    return Run.of(promise.future(), reason -> {
      stopped[0] = true;
      if (delegated[0] != null) {
        delegated[0].cancel(reason);
      }
      if (promise.tryFail(AgentFailure.cancelled(reason)) && control[0] != null) {
        vertx.eventBus().send(control[0], new JsonObject().put("type", "cancel").put("taskId", task.taskId())
            .put("reason", reason));
      }
    });
  }

  /** A number field, 0 when absent or null. */
  private static double number(JsonObject o, String key) {
    Object v = o.getValue(key);
    return v instanceof Number n ? n.doubleValue() : 0;
  }

  /**
   * Offers the task until a worker takes it. While none does, the step says why in its progress
   * ({@code waiting for a code worker (none registered)}), once per change of reason, instead of
   * sitting at "starting".
   */
  private void offer(Task task, JsonObject offer, Promise<Result> promise, String[] control, boolean[] stopped,
      Consumer<Progress> progress, String[] waitingFor, Run[] delegated) {
    if (stopped[0] || promise.future().isComplete()) {
      return;
    }
    vertx.eventBus().<JsonObject>request(Addresses.agentRole(spec.role()), offer,
        new DeliveryOptions().setSendTimeout(Requests.WORKER_OFFER_MS)).onComplete(ar -> {
          if (ar.succeeded()) {
            control[0] = ar.result().body().getString("control");
            if (stopped[0] && control[0] != null) {
              vertx.eventBus().send(control[0], new JsonObject().put("type", "cancel").put("taskId", task.taskId())
                  .put("reason", "cancelled"));
            }
            return;
          }
          // No worker registered, all busy, or no answer: offer again until the deadline.
          if (!(ar.cause() instanceof ReplyException) || System.currentTimeMillis() >= task.deadlineMillis()) {
            promise.tryFail(new AgentFailure("no " + spec.role() + " worker took the task: " + ar.cause().getMessage(),
                true, List.of("start a worker for role " + spec.role())));
            return;
          }
          ReplyException re = (ReplyException) ar.cause();
          if (fallback != null && waitingFor[0] == null && re.failureType() != ReplyFailure.RECIPIENT_FAILURE) {
            // The worker seen at the last look is gone (no handler) or cannot be reached: the
            // configured kind plays the role. A busy worker (RECIPIENT_FAILURE) is waited for.
            delegated[0] = fallback.start(task, progress);
            delegated[0].result().onComplete(promise);
            return;
          }
          String why = "waiting for a " + spec.role() + " worker (" + switch (re.failureType()) {
            case NO_HANDLERS -> "none registered";
            case TIMEOUT -> "none answered";
            default -> "all busy";
          } + ")";
          if (!why.equals(waitingFor[0])) {
            waitingFor[0] = why;
            progress.accept(new Progress(0, why, null, null));
          }
          vertx.setTimer(RETRY_OFFER_MS, id -> offer(task, offer, promise, control, stopped, progress, waitingFor,
              delegated));
        });
  }
}
