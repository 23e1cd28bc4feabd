package io.agentbus.orchestrator;

import io.agentbus.bus.Addresses;
import io.agentbus.bus.AppException;
import io.agentbus.bus.Json;
import io.agentbus.bus.Names;
import io.agentbus.bus.Principal;
import io.agentbus.bus.Requests;
import io.agentbus.bus.Services;
import io.agentbus.config.AgentbusConfig;
import io.agentbus.config.ConfigKeys;
import io.agentbus.config.Verticle;
import io.agentbus.db.Database;
import io.agentbus.orchestrator.agent.Agent;
import io.agentbus.orchestrator.agent.Agents;
import io.agentbus.stream.Interest;
import io.agentbus.stream.StreamName;
import io.agentbus.stream.StreamStore;
import io.agentbus.stream.StreamWriter;
import io.agentbus.stream.WorkflowEvents;
import io.agentbus.uploads.Attachments;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The orchestrator: starts workflows from templates, runs their role agents, streams every step on
 * the workflow's and session's streams, and answers status, cancel and the workflow chat commands.
 * Deployable on any subset of nodes: requests reach any instance; a workflow is run by the instance
 * that started it, which holds its lease row, and requests about it are forwarded there
 * ({@link Addresses#orchestratorControl}).
 */
public final class OrchestratorVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(OrchestratorVerticle.class);
  private static final int LIST_LIMIT = 50;
  /** At most this many events in a GET /api/workflows/{id} answer (the streams keep them all). */
  private static final int MAX_EVENTS = 5_000;
  /** How often runs are checked against their lease deadline (a lapsed run stops before it can be taken). */
  private static final long LAPSE_CHECK_MS = 100;
  /** How often a waiting gate re-reads its approval (the database is the truth for a decision). */
  static final long GATE_CHECK_MS = 2_000;

  /** {@code <node id>:<random>}: whose workflows they are when a node leaves the cluster. */
  private String instanceId;
  private final Map<String, WorkflowRun> runs = new HashMap<>();
  private final Map<String, Agent> agents = new HashMap<>();
  private ApprovalGates gates;
  private final Interest interest = new Interest();
  private Catalog catalog;
  private WorkflowStore store;
  private Sessions sessions;
  private WorkflowControl control;
  private StreamStore streams;
  private WorkflowEvents emitter;
  private Agents agentKinds;
  private int leaseSeconds;
  private boolean renewFailing;
  private int maxContent;
  private WorkflowRun.Env env;

  @Override
  public Future<?> start() {
    instanceId = io.agentbus.bus.ClusterMembers.nodeId(vertx) + ":" + Json.newId();
    AgentbusConfig cfg = new AgentbusConfig(config());
    leaseSeconds = cfg.integer(ConfigKeys.LEASE_SECONDS);
    gates = new ApprovalGates(vertx, cfg.runs(Verticle.APPROVALS));
    maxContent = cfg.integer(ConfigKeys.MAX_CONTENT_CHARS);
    JsonObject openAiDefaults = new JsonObject().put("baseUrl", cfg.string(ConfigKeys.OPENAI_BASE_URL))
        .put("model", cfg.string(ConfigKeys.OPENAI_MODEL)).put("apiKey", cfg.string(ConfigKeys.OPENAI_API_KEY));
    Pool pool = Database.pool(vertx, cfg.string(ConfigKeys.DB_URL), cfg.integer(ConfigKeys.DB_POOL_SIZE));
    store = new WorkflowStore(pool);
    streams = new StreamStore(pool);
    emitter = new WorkflowEvents(new StreamWriter(vertx, streams, interest));
    agentKinds = new Agents(vertx, instanceId, openAiDefaults);
    env = new WorkflowRun.Env(vertx, store, emitter, this::agent, this::agentName, instanceId, gates);
    String file = cfg.string(ConfigKeys.WORKFLOWS_FILE);
    String kinds = cfg.string(ConfigKeys.AGENT_KINDS);
    sessions = new Sessions(pool);
    control = new WorkflowControl(vertx, store, runs, instanceId, gates, emitter);
    WorkflowCommands commands = new WorkflowCommands(this, new SessionCommands(this, sessions));
    return vertx.executeBlocking(() -> new Catalog(Catalog.readFile(file), Catalog.parseKinds(kinds)))
        .compose(c -> {
          catalog = c;
          // Every role's agent is made now, so a bad setting stops the node at start, naming the role.
          for (String role : c.roles()) {
            try {
              agent(role);
            } catch (RuntimeException e) {
              return Future.failedFuture(new IllegalArgumentException("workflows file: agents." + role
                  + ": bad settings (" + e.getMessage() + ")", e));
            }
          }
          vertx.setPeriodic(leaseSeconds * 1000L / 3, id -> renewLeases());
          vertx.setPeriodic(LAPSE_CHECK_MS, id -> stopLapsedRuns());
          vertx.setPeriodic(GATE_CHECK_MS, id -> gates.recheck());
          new Takeover(vertx, store, streams, instanceId, leaseSeconds, this::heldRuns, this::resume).start();
          List<MessageConsumer<?>> consumers = List.of(interest.listen(vertx),
              serve(Addresses.WORKFLOW_START, this::startRequest),
              serve(Addresses.WORKFLOW_CANCEL, this::cancelRequest),
              serve(Addresses.WORKFLOW_GET, this::getRequest),
              serve(Addresses.WORKFLOW_READ_CHECK, this::readCheck),
              serve(Addresses.WORKFLOW_STATUSES, this::statusesRequest),
              serve(Addresses.WORKFLOW_LIST, this::listRequest),
              serve(Addresses.SESSIONS_LIST, this::sessionsRequest),
              serve(Addresses.WORKFLOW_TEMPLATES, this::templatesRequest),
              serve(Addresses.WORKFLOW_COMMAND, commands::handle),
              serve(Addresses.orchestratorControl(instanceId), this::control),
              serve(Addresses.APPROVAL_OUTCOME, this::approvalOutcome),
              vertx.eventBus().<JsonObject>consumer(Addresses.AGENT_MENTION, m -> new Mentioned(this).answer(m.body())));
          return Future.all(consumers.stream().map(MessageConsumer::completion).toList()).compose(v -> agentKinds.ready())
              .compose(v -> TemplatesCheck.start(vertx, file));
        });
  }

  private MessageConsumer<Object> serve(String address, Function<Message<Object>, Future<JsonObject>> handler) {
    return Services.serve(vertx, LOG, address, handler);
  }

  Catalog catalog() {
    return catalog;
  }

  int maxContent() {
    return maxContent;
  }

  io.vertx.core.Vertx vertx() {
    return vertx;
  }

  WorkflowStore store() {
    return store;
  }

  WorkflowEvents emitter() {
    return emitter;
  }

  /** The agent playing {@code role}, made on first use from the role's spec. */
  Agent agent(String role) {
    return agents.computeIfAbsent(role, r -> agentKinds.make(catalog.agent(r)));
  }

  /** The configured name of a role's agent ({@code agents.<role>.name}), shown in agent_started. */
  private String agentName(String role) {
    io.agentbus.orchestrator.agent.AgentSpec spec = catalog.agent(role);
    return spec != null && spec.name() != null && !spec.name().isBlank() ? spec.name()
        : role.substring(0, 1).toUpperCase(java.util.Locale.ROOT) + role.substring(1) + " agent";
  }

  // ---------------------------------------------------------------- start

  private Future<JsonObject> startRequest(Message<Object> msg) {
    Principal who = Principal.of(msg);
    JsonObject in = Services.body(msg);
    String session = in.getValue("sessionId") != null ? Json.requireId(in, "sessionId") : who.sessionId();
    if (session == null) {
      throw AppException.invalid("'sessionId' is required and must match " + Names.ID.pattern());
    }
    String content = Json.requireText(in, "content", maxContent);
    JsonArray attachments = Json.optStringArray(in, "attachments", 20, 64);
    String name = Json.optString(in, "workflow", 64);
    Template t = catalog.template(name);
    if (t == null) {
      throw AppException.notFound("no workflow template '" + name + "' (known: "
          + String.join(", ", catalog.templateNames()) + ")");
    }
    return startWorkflow(who, session, t, new JsonObject().put("content", content).put("attachments", attachments));
  }

  /**
   * Checks the session is the caller's (the router's session claim: claimed if new, FORBIDDEN if
   * another user's), saves the workflow and starts it here.
   */
  Future<JsonObject> startWorkflow(Principal who, String session, Template t, JsonObject input) {
    String id = Json.newId();
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
          return store.insert(id, t.name(), session, who.userId(), input, applied.toJson(), instanceId, leaseSeconds)
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

  // ---------------------------------------------------------------- cancel

  private Future<JsonObject> cancelRequest(Message<Object> msg) {
    Principal who = Principal.of(msg);
    return cancel(who, Json.optString(Services.body(msg), "workflowId", 64));
  }

  /** Cancels {@code workflowId} (or the caller's session's running workflow) wherever it runs. */
  Future<JsonObject> cancel(Principal who, String workflowId) {
    return act(who, workflowId, "cancel");
  }

  /** Cancels, pauses or resumes a workflow wherever it runs ({@link WorkflowControl#act}). */
  Future<JsonObject> act(Principal who, String workflowId, String action) {
    return control.act(who, workflowId, action);
  }

  /** Requests for the workflows this instance owns. */
  private Future<JsonObject> control(Message<Object> msg) {
    JsonObject ask = Services.body(msg);
    if (List.of("cancel", "pause", "resume").contains(ask.getString("action"))) {
      return control.actHere(ask);
    }
    if ("approval".equals(ask.getString("action"))) {
      return Future.succeededFuture(gates.decided(ask, runs::containsKey));
    }
    throw AppException.invalid("unknown control action");
  }

  /**
   * An approval's outcome, from the approvals verticle: taken here when this instance runs the
   * workflow, else forwarded to the instance that holds its lease (the workflows table says which).
   */
  private Future<JsonObject> approvalOutcome(Message<Object> msg) {
    JsonObject outcome = Services.body(msg);
    String wf = outcome.getString("workflowId");
    if (runs.containsKey(wf)) {
      return Future.succeededFuture(gates.decided(outcome, runs::containsKey));
    }
    return store.get(wf).compose(row -> {
      String owner = row == null ? null : row.getString("leaseOwner");
      if (owner == null || owner.equals(instanceId) || !Boolean.TRUE.equals(row.getBoolean("leaseLive"))) {
        return Future.succeededFuture(new JsonObject().put("taken", false));
      }
      return vertx.eventBus().<JsonObject>request(Addresses.orchestratorControl(owner), outcome, Requests.control())
          .map(Message::body);
    });
  }

  // ---------------------------------------------------------------- reads

  private Future<JsonObject> getRequest(Message<Object> msg) {
    Principal who = Principal.of(msg);
    String id = Json.requireId(Services.body(msg), "workflowId");
    return store.get(id).compose(row -> {
      if (row == null) {
        return Future.failedFuture(AppException.notFound("no workflow '" + id + "'"));
      }
      if (!mayRead(who, row)) {
        return Future.failedFuture(AppException.forbidden("workflow '" + id + "' belongs to another user"));
      }
      return streams.after(StreamName.workflow(id), 0, Long.MAX_VALUE, MAX_EVENTS).map(events -> {
        JsonArray list = new JsonArray();
        events.forEach(e -> list.add(new JsonObject(e.frame())));
        return row.put("events", list);
      });
    });
  }

  /** Statuses of workflows by id, for the approvals list (internal: no caller check). */
  private Future<JsonObject> statusesRequest(Message<Object> msg) {
    JsonArray ids = Json.optStringArray(Services.body(msg), "workflowIds", 100, 64);
    return store.statuses(ids.stream().map(String::valueOf).toArray(String[]::new))
        .map(statuses -> new JsonObject().put("statuses", statuses));
  }

  /** May the caller read {workflowId} (its events, its stream)? Answers {} or fails NOT_FOUND / FORBIDDEN. */
  private Future<JsonObject> readCheck(Message<Object> msg) {
    Principal who = Principal.of(msg);
    String id = Json.requireId(Services.body(msg), "workflowId");
    return store.get(id).compose(row -> row == null
        ? Future.failedFuture(AppException.notFound("no workflow '" + id + "'"))
        : mayRead(who, row) ? Future.succeededFuture(new JsonObject())
        : Future.failedFuture(AppException.forbidden("workflow '" + id + "' belongs to another user")));
  }

  /** The owner, approvers and admins may see a workflow (PROTOCOL §4, agentbus.workflow.*). */
  static boolean mayRead(Principal who, JsonObject row) {
    return who.isOwnerOr(row.getString("ownerId"), "approver", "admin");
  }

  private Future<JsonObject> listRequest(Message<Object> msg) {
    Principal who = Principal.of(msg);
    String session = Json.requireId(Services.body(msg), "sessionId");
    return store.bySession(session, LIST_LIMIT).compose(list -> {
      for (Object o : list) {
        if (!mayRead(who, (JsonObject) o)) {
          return Future.failedFuture(AppException.forbidden("session '" + session + "' belongs to another user"));
        }
      }
      return Future.succeededFuture(new JsonObject().put("sessionId", session).put("workflows", list));
    });
  }

  /** The caller's past sessions (the UI lists them to reopen): only their own. */
  private Future<JsonObject> sessionsRequest(Message<Object> msg) {
    Principal who = Principal.of(msg);
    return store.sessionsOf(who.userId(), LIST_LIMIT).map(list -> new JsonObject().put("sessions", list));
  }

  private Future<JsonObject> templatesRequest(Message<Object> msg) {
    Principal.of(msg);
    return Future.succeededFuture(catalog.describe());
  }

  // ---------------------------------------------------------------- leases

  private long leaseNanos() {
    return leaseSeconds * 1_000_000_000L;
  }

  /** The workflows this instance runs now: a takeover sweep never takes one of them. */
  private java.util.Set<String> heldRuns() {
    return runs.keySet();
  }

  /**
   * A workflow taken over (by the claim sent at {@code sent}, {@link System#nanoTime}) continues
   * here as a new run. A run of it this instance still had is stopped first: two never run together.
   */
  private void resume(JsonObject row, Template t, RunState state, long sent) {
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
   * about keeps its deadline and stops when that passes ({@link #stopLapsedRuns}).
   */
  private void renewLeases() {
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
  private void stopLapsedRuns() {
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
  @Override
  public Future<?> stop() {
    runs.values().forEach(WorkflowRun::handOver);
    return store.releaseLeases(instanceId)
        .onSuccess(n -> {
          if (n > 0) {
            LOG.info("shutting down: {} workflow lease(s) released for the other nodes", n);
          }
        })
        .otherwise(0)
        .compose(n -> agentKinds.close());
  }
}
