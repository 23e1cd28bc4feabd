package io.agentbus.orchestrator.agent;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.json.JsonObject;

/**
 * Makes the agent of a role from its {@link AgentSpec}, with what the kinds share within one
 * orchestrator instance: the worker task table (one consumer for every worker report) and one HTTP
 * client for the openai kind.
 */
public final class Agents {

  private final Vertx vertx;
  private final WorkerAgent.Tasks workerTasks;
  private final HttpClient http;
  private final JsonObject openAiDefaults;
  private final WorkerRoles workerRoles;
  private final io.agentbus.tracing.Tracing tracing;

  /** @param openAiDefaults {baseUrl, model, apiKey} used where a role's settings name none */
  public Agents(Vertx vertx, String instanceId, JsonObject openAiDefaults, io.agentbus.tracing.Tracing tracing) {
    this.vertx = vertx;
    this.tracing = tracing;
    this.workerTasks = new WorkerAgent.Tasks(vertx, instanceId);
    this.http = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true));
    this.openAiDefaults = openAiDefaults;
    this.workerRoles = new WorkerRoles(vertx);
  }

  /**
   * The agent of one role; a bad setting throws here, so the node stops at start naming it. A
   * worker registered for the role plays it whatever its configured kind (no restart needed: the
   * roles are looked at every {@link WorkerRoles#LOOK_MS}); the configured kind plays it while none is.
   */
  public Agent make(AgentSpec spec) {
    if (!"worker".equals(spec.kind())) {
      workerRoles.watch(spec.role());
    }
    return switch (spec.kind()) {
      case "worker" -> new WorkerAgent(vertx, spec, workerTasks, null, workerRoles::served);
      case "openai" -> new WorkerAgent(vertx, spec, workerTasks, new OpenAiAgent(vertx, http, spec, openAiDefaults, tracing),
          workerRoles::served);
      default -> new WorkerAgent(vertx, spec, workerTasks, new ScriptedAgent(vertx, spec), workerRoles::served);
    };
  }

  /** Whether a worker in the cluster serves {@code role} now (a role the workflows file may not name). */
  public Future<Boolean> workerServes(String role) {
    return WorkerAgent.served(vertx, role);
  }

  /** Completes once worker reports can be received. */
  public Future<Void> ready() {
    return workerTasks.ready();
  }

  public Future<Void> close() {
    return http.close();
  }
}
