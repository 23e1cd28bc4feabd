package io.agentbus.orchestrator;

import io.agentbus.bus.Addresses;
import io.agentbus.bus.AppException;
import io.agentbus.bus.Json;
import io.agentbus.bus.Names;
import io.agentbus.bus.Principal;
import io.agentbus.bus.Requests;
import io.agentbus.bus.Services;
import io.agentbus.config.AgentbusConfig;
import io.agentbus.config.Sections;
import io.agentbus.node.NodeParts;
import io.agentbus.config.Verticle;
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
  private ApprovalGates gates;
  private final Interest interest = new Interest();
  private Catalog catalog;
  private WorkflowStore store;
  private StreamStore streams;
  private Agents agentKinds;
  private RoleAgents agents;
  private Runs runs;
  private int maxContent;

  private final NodeParts parts;

  public OrchestratorVerticle(NodeParts parts) {
    this.parts = parts;
  }

  @Override
  public Future<?> start() {
    instanceId = parts.nodeId() + ":" + Json.newId();
    AgentbusConfig cfg = parts.config();
    Sections.Orchestrator oc = cfg.orchestrator();
    int leaseSeconds = oc.leaseSeconds();
    gates = new ApprovalGates(vertx, cfg.runs(Verticle.APPROVALS));
    maxContent = cfg.limits().maxContentChars();
    JsonObject openAiDefaults = new JsonObject().put("baseUrl", oc.openaiBaseUrl())
        .put("model", oc.openaiModel()).put("apiKey", oc.openaiApiKey());
    Pool pool = parts.pool();
    store = new WorkflowStore(pool);
    streams = new StreamStore(pool);
    WorkflowEvents emitter = new WorkflowEvents(new StreamWriter(vertx, streams, interest, parts.metrics()));
    agentKinds = new Agents(vertx, instanceId, openAiDefaults, parts.tracing());
    String file = oc.workflowsFile();
    // One variable pair makes a real team: with a model key (and base URL) and no kinds of its own,
    // every scripted role of the workflows file is played by the model (docs/workflows.md).
    String kinds = oc.agentKinds().isBlank() && !oc.openaiApiKey().isBlank() ? Catalog.EVERY + "=openai" : oc.agentKinds();
    Sessions sessions = new Sessions(pool);
    AguiRuns aguiRuns = new AguiRuns(pool);
    return vertx.executeBlocking(() -> new Catalog(Catalog.readFile(file), Catalog.parseKinds(kinds)))
        .compose(c -> {
          catalog = c;
          parts.state().agentKinds(c.kindsSummary());
          agents = new RoleAgents(c, agentKinds);
          try {
            agents.makeAll();
          } catch (IllegalArgumentException e) {
            return Future.failedFuture(e);
          }
          Durations durations = new Durations(pool, agents::kind);
          durations.start(vertx);
          RunEnv env = new RunEnv(vertx, store, emitter, agents::of, agents::name, agents::kind, instanceId, gates,
              durations, parts.metrics(), parts.tracing());
          runs = new Runs(vertx, store, emitter, sessions, gates, env, leaseSeconds);
          WorkflowCommands commands = new WorkflowCommands(runs, new SessionCommands(runs, sessions, store), store, c,
              agents::served, maxContent, card -> vertx.eventBus().request(Addresses.ROUTER_POST, card, Requests.control())
                  .onFailure(e -> LOG.warn("a run's card could not be posted in {}: {}", card.getString("channel"), e.getMessage())));
          Mentioned mentioned = new Mentioned(vertx, c, agents);
          vertx.setPeriodic(leaseSeconds * 1000L / 3, id -> runs.renewLeases());
          vertx.setPeriodic(LAPSE_CHECK_MS, id -> runs.stopLapsed());
          vertx.setPeriodic(GATE_CHECK_MS, id -> gates.recheck());
          new EventRetention(pool, oc.eventsKeptSeconds()).start(vertx);
          new Takeover(vertx, store, streams, instanceId, leaseSeconds, runs::held, runs::resume).start();
          List<MessageConsumer<?>> consumers = List.of(interest.listen(vertx),
              serve(Addresses.WORKFLOW_START, this::startRequest),
              serve(Addresses.WORKFLOW_CANCEL, this::cancelRequest),
              serve(Addresses.WORKFLOW_ACT, this::actRequest),
              serve(Addresses.AGUI_RUN_CLAIM, aguiRuns::claim),
              serve(Addresses.AGUI_RUN_GET, aguiRuns::get),
              serve(Addresses.WORKFLOW_GET, this::getRequest),
              serve(Addresses.WORKFLOW_READ_CHECK, this::readCheck),
              serve(Addresses.WORKFLOW_STATUSES, this::statusesRequest),
              serve(Addresses.WORKFLOW_LIST, this::listRequest),
              serve(Addresses.SESSIONS_LIST, this::sessionsRequest),
              serve(Addresses.WORKFLOW_TEMPLATES, this::templatesRequest),
              serve(Addresses.WORKFLOW_COMMAND, commands::handle),
              serve(Addresses.orchestratorControl(instanceId), this::control),
              serve(Addresses.APPROVAL_OUTCOME, this::approvalOutcome),
              serve(Addresses.AGENT_ROLE_SERVED, m -> agents.served(io.agentbus.bus.Json.requireString(
                  Services.body(m), "role", 32)).map(served -> new JsonObject().put("served", served))),
              vertx.eventBus().<JsonObject>consumer(Addresses.AGENT_MENTION, m -> mentioned.answer(m.body())));
          return Future.all(consumers.stream().map(MessageConsumer::completion).toList()).compose(v -> agentKinds.ready())
              .compose(v -> TemplatesCheck.start(vertx, parts.state(), parts.nodeId(), file));
        });
  }

  private MessageConsumer<Object> serve(String address, Function<Message<Object>, Future<JsonObject>> handler) {
    return Services.serve(vertx, LOG, address, handler);
  }

  // ---------------------------------------------------------------- start

  private Future<JsonObject> startRequest(Message<Object> msg) {
    Principal who = Principal.of(msg);
    JsonObject in = Services.body(msg);
    String key = Json.optString(in, "requestKey", 200);
    String session = in.getValue("sessionId") != null ? Json.requireId(in, "sessionId") : who.sessionId();
    if (session == null) {
      // An HTTP caller without a session (a backend): the workflow gets a session of its own, the
      // same one again when the start is repeated under its key.
      session = key == null ? Json.newId() : derivedId("session", who, key);
    }
    String content = Json.requireText(in, "content", maxContent);
    JsonArray attachments = Json.optStringArray(in, "attachments", 20, 64);
    String name = Json.optString(in, "workflow", 64);
    Template t = catalog.template(name);
    if (t == null) {
      throw AppException.notFound("no workflow template '" + name + "' (known: "
          + String.join(", ", catalog.templateNames()) + ")");
    }
    return runs.start(who, session, t, new JsonObject().put("content", content).put("attachments", attachments),
        key == null ? null : derivedId("workflow", who, key));
  }

  /** A stable id for what a keyed request makes ({@code requestKey}: an Idempotency-Key, an AG-UI runId). */
  private static String derivedId(String what, Principal who, String key) {
    return io.agentbus.bus.Hashing.derivedId(what, who.userId(), key);
  }

  // ---------------------------------------------------------------- cancel, pause, resume over HTTP

  /** {workflowId, action}: 200 {workflowId, status}, CONFLICT when its state does not allow the action. */
  private Future<JsonObject> actRequest(Message<Object> msg) {
    Principal who = Principal.of(msg);
    JsonObject in = Services.body(msg);
    String id = Json.requireId(in, "workflowId");
    String action = Json.requireString(in, "action", 16);
    if (!List.of("cancel", "pause", "resume").contains(action)) {
      throw AppException.invalid("'action' must be cancel, pause or resume");
    }
    return runs.act(who, id, action).compose(r -> r.getBoolean("success", false)
        ? Future.succeededFuture(new JsonObject().put("workflowId", id).put("status", r.getString("status"))
            .put("pending", r.getBoolean("pending")))
        : Future.failedFuture(new AppException(io.agentbus.bus.ErrorCode.CONFLICT, "workflow '" + id + "' is "
            + r.getString("status") + ": it cannot be " + switch (action) {
              case "pause" -> "paused";
              case "resume" -> "resumed (it is not paused)";
              default -> "cancelled";
            })));
  }

  // ---------------------------------------------------------------- cancel

  private Future<JsonObject> cancelRequest(Message<Object> msg) {
    Principal who = Principal.of(msg);
    return runs.act(who, Json.optString(Services.body(msg), "workflowId", 64), "cancel");
  }

  /** Requests for the workflows this instance owns. */
  private Future<JsonObject> control(Message<Object> msg) {
    JsonObject ask = Services.body(msg);
    if (List.of("cancel", "pause", "resume").contains(ask.getString("action"))) {
      return runs.control().actHere(ask);
    }
    if ("approval".equals(ask.getString("action"))) {
      return Future.succeededFuture(gates.decided(ask, runs::holds));
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
    if (runs.holds(wf)) {
      return Future.succeededFuture(gates.decided(outcome, runs::holds));
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
      return allowed(who, row, id).compose(ok -> streams.after(StreamName.workflow(id), 0, Long.MAX_VALUE, MAX_EVENTS).map(events -> {
        JsonArray list = new JsonArray();
        events.forEach(e -> list.add(new JsonObject(e.frame())));
        return row.put("events", list);
      }));
    });
  }

  /** Statuses of workflows by id, for the approvals list (internal: no caller check). */
  private Future<JsonObject> statusesRequest(Message<Object> msg) {
    JsonArray ids = Json.optStringArray(Services.body(msg), "workflowIds", 100, 64);
    return store.statuses(ids.stream().map(String::valueOf).toArray(String[]::new))
        .map(statuses -> new JsonObject().put("statuses", statuses));
  }

  /**
   * May the caller read {workflowId} (its events, its stream)? Answers {} or fails NOT_FOUND /
   * FORBIDDEN. A run started from a channel is shown there as a card, so whoever may read that
   * channel may follow it too (asked of the router, which owns channel rights).
   */
  private Future<JsonObject> readCheck(Message<Object> msg) {
    Principal who = Principal.of(msg);
    String id = Json.requireId(Services.body(msg), "workflowId");
    return store.get(id).compose(row -> row == null ? Future.failedFuture(AppException.notFound("no workflow '" + id + "'"))
        : allowed(who, row, id).map(ok -> new JsonObject()));
  }

  /** {@link #mayRead}, or a reader of the channel the run was started from. */
  private Future<Void> allowed(Principal who, JsonObject row, String id) {
    if (mayRead(who, row)) {
      return Future.succeededFuture();
    }
    JsonObject input = row.getValue("input") instanceof JsonObject i ? i : new JsonObject();
    AppException refused = AppException.forbidden("workflow '" + id + "' belongs to another user");
    if (!(input.getValue("channel") instanceof String channel)) {
      return Future.failedFuture(refused);
    }
    return vertx.eventBus().request(Addresses.SUBSCRIBE_CHECK, new JsonObject().put("stream", StreamName.channel(channel)),
        Requests.as(who)).<Void>mapEmpty().recover(e -> Future.failedFuture(refused));
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

  /** A shutdown hands the workflows over ({@link Runs#handOver}), then closes the agent kinds. */
  @Override
  public Future<?> stop() {
    return (runs == null ? Future.<Void>succeededFuture() : runs.handOver()).compose(v -> agentKinds.close());
  }
}
