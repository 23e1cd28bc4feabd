package io.agentbus.orchestrator.agent;

import io.agentbus.bus.Addresses;
import io.agentbus.bus.AppException;
import io.agentbus.bus.Json;
import io.agentbus.bus.Names;
import io.agentbus.bus.Requests;
import io.vertx.core.Future;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The worker side of the {@link WorkerAgent} protocol, for a client connection acting as an
 * external agent worker (docs/workflows.md, Agent workers; the {@code /ws} bridge holds one per worker
 * connection and only passes frames through): after
 * {@code agent_register} it takes task offers for its roles on {@link Addresses#agentRole},
 * refusing them while it is at its capacity, hands accepted ones to the worker as {@code task}
 * frames, and relays the worker's {@code task_progress}, {@code task_result} and
 * {@code task_failed} to the orchestrator that offered the task. When the connection closes, every
 * task it held is reported {@code lost}, so the orchestrator gives it to another worker at once.
 */
public final class WorkerLink {

  static final int MAX_CAPACITY = 16;
  private static final int MAX_TEXT = 64 * 1024;
  static final long REGISTER_TIMEOUT_MS = 10_000;

  private final EventBus bus;
  private final Consumer<JsonObject> toWorker;
  private final String workerId = Json.newId();
  private final List<MessageConsumer<?>> consumers = new ArrayList<>();
  /** Accepted tasks: task id → the orchestrator address reports go to. */
  private final Map<String, String> tasks = new LinkedHashMap<>();
  private final List<String> roles = new ArrayList<>();
  private int capacity;
  private boolean closed;

  public WorkerLink(EventBus bus, Consumer<JsonObject> toWorker) {
    this.bus = bus;
    this.toWorker = toWorker;
  }

  /** Registers for the roles of an {@code agent_register} frame; completes when offers can arrive. */
  public Future<JsonObject> register(JsonObject f) {
    if (!roles.isEmpty()) {
      throw AppException.invalid("this connection is already registered as a worker");
    }
    JsonArray asked = Json.optStringArray(f, "roles", 16, 32);
    if (asked.isEmpty()) {
      throw AppException.invalid("'roles' must name at least one role");
    }
    for (Object r : asked) {
      if (!Names.AGENT_ROLE.matcher((String) r).matches()) {
        throw AppException.invalid("role '" + r + "' must match " + Names.AGENT_ROLE.pattern());
      }
    }
    Long cap = Json.optLong(f, "capacity", 1, MAX_CAPACITY);
    capacity = cap == null ? 1 : cap.intValue();
    List<Future<Void>> ready = new ArrayList<>();
    for (Object r : asked) {
      roles.add((String) r);
      MessageConsumer<JsonObject> c = bus.consumer(Addresses.agentRole((String) r), this::onOffer);
      consumers.add(c);
      ready.add(c.completion());
    }
    MessageConsumer<JsonObject> control = bus.consumer(Addresses.workerControl(workerId), this::onControl);
    consumers.add(control);
    ready.add(control.completion());
    // Registrations reach the whole cluster through Hazelcast; bounded, so a worker is told rather than left waiting.
    return Future.all(ready).timeout(REGISTER_TIMEOUT_MS, java.util.concurrent.TimeUnit.MILLISECONDS)
        .map(v -> new JsonObject().put("type", "agent_registered").put("workerId", workerId)
            .put("roles", new JsonArray(roles)).put("capacity", capacity))
        .recover(err -> {
          unregister(); // no offer can have been accepted yet: the registration never completed
          return Future.failedFuture(new AppException(io.agentbus.bus.ErrorCode.INTERNAL_ERROR,
              "registration did not reach the cluster in time; send agent_register again"));
        });
  }

  public boolean registered() {
    return !roles.isEmpty();
  }

  private void onOffer(Message<JsonObject> m) {
    JsonObject offer = m.body();
    if (offer.getBoolean("probe", false)) {
      // "Does any worker serve this role?" (WorkerAgent.served): yes, whatever this one's load.
      m.reply(new JsonObject().put("workerId", workerId).put("probe", true));
      return;
    }
    String taskId = offer.getString("taskId");
    String replyTo = offer.getString("replyAddress");
    if (closed || taskId == null || replyTo == null || tasks.size() >= capacity) {
      m.fail(409, "busy");
      return;
    }
    tasks.put(taskId, replyTo);
    m.reply(new JsonObject().put("workerId", workerId).put("control", Addresses.workerControl(workerId)));
    JsonObject frame = offer.copy().put("type", "task");
    frame.remove("replyAddress");
    toWorker.accept(frame);
  }

  private void onControl(Message<JsonObject> m) {
    String taskId = m.body().getString("taskId");
    if ("cancel".equals(m.body().getString("type")) && tasks.remove(taskId) != null) {
      toWorker.accept(new JsonObject().put("type", "task_cancel").put("taskId", taskId)
          .put("reason", m.body().getString("reason")));
    }
  }

  /** A {@code task_progress}, {@code task_result} or {@code task_failed} frame from the worker. */
  public void report(String type, JsonObject f) {
    String taskId = Json.requireString(f, "taskId", 64);
    String replyTo = tasks.get(taskId);
    if (replyTo == null) {
      throw AppException.notFound("no task '" + taskId + "' is running on this connection (finished or cancelled?)");
    }
    JsonObject r = new JsonObject().put("taskId", taskId);
    switch (type) {
      case "task_progress" -> {
        Object p = f.getValue("progress");
        if (!(p instanceof Number n) || n.doubleValue() < 0 || n.doubleValue() > 1) {
          throw AppException.invalid("'progress' must be a number from 0 to 1");
        }
        r.put("kind", "progress").put("progress", n.doubleValue())
            .put("currentTask", Json.optString(f, "currentTask", 500))
            .put("partialOutput", Json.optString(f, "partialOutput", MAX_TEXT))
            .put("thinkingProcess", Json.optString(f, "thinkingProcess", MAX_TEXT));
      }
      case "task_result" -> {
        Object outputs = f.getValue("outputs");
        if (!(outputs instanceof JsonObject)) {
          throw AppException.invalid("'outputs' must be a JSON object");
        }
        Object q = f.getValue("qualityScore");
        if (q != null && !(q instanceof Number n && n.doubleValue() >= 0 && n.doubleValue() <= 1)) {
          throw AppException.invalid("'qualityScore' must be a number from 0 to 1");
        }
        Object cost = f.getValue("cost");
        if (cost != null && !(cost instanceof Number c && c.doubleValue() >= 0)) {
          throw AppException.invalid("'cost' must be a number, at least 0");
        }
        r.put("kind", "result").put("outputs", outputs).put("qualityScore", q).put("cost", cost);
        tasks.remove(taskId);
      }
      default -> {
        Object recoverable = f.getValue("recoverable");
        if (recoverable != null && !(recoverable instanceof Boolean)) {
          throw AppException.invalid("'recoverable' must be true or false");
        }
        r.put("kind", "failed").put("error", Json.optString(f, "error", 2000))
            .put("recoverable", recoverable == null || (Boolean) recoverable);
        tasks.remove(taskId);
      }
    }
    report(taskId, replyTo, r);
  }

  /**
   * Sends a report to the orchestrator that offered the task. When that orchestrator is gone (its
   * node died), the task is cancelled at the worker: the workflow's new owner runs it again as a
   * new attempt with a new task id, so no result is applied twice.
   */
  private void report(String taskId, String replyTo, JsonObject r) {
    bus.request(replyTo, r, Requests.control()).onFailure(err -> {
      if (err instanceof ReplyException re && re.failureType() != ReplyFailure.TIMEOUT && !closed) {
        if (tasks.remove(taskId) != null) { // still running here (a result or failure already ended it)
          toWorker.accept(new JsonObject().put("type", "task_cancel").put("taskId", taskId)
              .put("reason", "the orchestrator that gave this task is gone; the workflow continues elsewhere"));
        }
      }
    });
  }

  /**
   * A {@code task_approval} frame: the worker asks a human before it goes on. A gate opens on the
   * task's step (announced, decided and expired like any gate); the answer is {@code
   * approval_decided} with the outcome {status, decision, feedback, modifications, decidedBy}.
   */
  public Future<JsonObject> askApproval(JsonObject f) {
    String taskId = Json.requireString(f, "taskId", 64);
    String replyTo = tasks.get(taskId);
    if (replyTo == null) {
      throw AppException.notFound("no task '" + taskId + "' is running on this connection (finished or cancelled?)");
    }
    JsonObject gate = new JsonObject().put("title", Json.requireText(f, "title", 200))
        .put("description", Json.optString(f, "description", MAX_TEXT));
    Long minutes = Json.optLong(f, "timeoutMinutes", 1, 24 * 60);
    long waitMinutes = minutes == null ? 30 : minutes;
    gate.put("timeoutMinutes", waitMinutes);
    String requiredBy = Json.optString(f, "requiredBy", 100);
    if (requiredBy != null) {
      gate.put("requiredBy", requiredBy);
    }
    return bus.<JsonObject>request(replyTo, new JsonObject().put("taskId", taskId).put("kind", "approval")
            .put("gate", gate), new io.vertx.core.eventbus.DeliveryOptions().setSendTimeout((waitMinutes + 1) * 60_000))
        .map(m -> m.body().copy().put("type", "approval_decided").put("taskId", taskId))
        .recover(err -> Future.failedFuture(err instanceof ReplyException re && re.failureCode() == 404
            ? AppException.notFound(re.getMessage()) : new AppException(io.agentbus.bus.ErrorCode.CONFLICT,
            "the approval could not be asked: " + err.getMessage())));
  }

  /** The connection closed: stop taking offers and report every held task lost. */
  private void unregister() {
    consumers.forEach(MessageConsumer::unregister);
    consumers.clear();
    roles.clear();
  }

  /**
   * A {@code task_result} with an idempotency key: applied once (a task's result is taken once
   * anyway); a repeat — after a reconnect, on any node — is acknowledged again, {@code duplicate:
   * true}, instead of NOT_FOUND. The keys are kept in the router's idempotency table, per
   * {@code principal} ({@code toRouter} carries the caller). Answers the ack.
   */
  public Future<JsonObject> resultOnce(JsonObject f, String key, String principal,
      io.vertx.core.eventbus.DeliveryOptions toRouter) {
    JsonObject record = new JsonObject().put("principal", principal).put("key", key)
        .put("result", new JsonObject().put("taskId", f.getString("taskId")));
    JsonObject ack = new JsonObject().put("type", "ack").put("taskId", f.getString("taskId"));
    try {
      report("task_result", f);
    } catch (AppException notRunning) {
      return bus.<JsonObject>request(io.agentbus.bus.Addresses.ROUTER_IDEMPOTENT_LOOKUP, record, toRouter)
          .transform(ar -> ar.succeeded() && ar.result().body().getJsonObject("result") != null
              ? Future.succeededFuture(ack.put("duplicate", true))
              : Future.failedFuture(notRunning));
    }
    return bus.request(io.agentbus.bus.Addresses.ROUTER_IDEMPOTENT_RECORD, record, toRouter).transform(ar ->
        Future.succeededFuture(ack));
  }

  public void close() {
    closed = true;
    unregister();
    tasks.forEach((taskId, replyTo) -> bus.send(replyTo, new JsonObject().put("taskId", taskId).put("kind", "lost")));
    tasks.clear();
  }
}
