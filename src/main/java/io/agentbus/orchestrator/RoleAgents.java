package io.agentbus.orchestrator;

import io.agentbus.orchestrator.agent.Agent;
import io.agentbus.orchestrator.agent.AgentSpec;
import io.agentbus.orchestrator.agent.Agents;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The agent playing each role of the workflows file, made on first use from the role's spec by
 * its kind ({@link Agents}), and the name each is shown under. Built once the catalog is read.
 *
 * <p>Not thread-safe: the orchestrator verticle's context.
 */
final class RoleAgents {

  private final Catalog catalog;
  private final Agents kinds;
  private final Map<String, Agent> agents = new HashMap<>();

  RoleAgents(Catalog catalog, Agents kinds) {
    this.catalog = catalog;
    this.kinds = kinds;
  }

  /**
   * The agent of {@code role}; throws on a role whose settings are bad. A role the workflows file
   * does not name is a worker role (a worker registered for it: {@link #served}).
   */
  Agent of(String role) {
    return agents.computeIfAbsent(role, r -> {
      AgentSpec spec = catalog.agent(r);
      return kinds.make(spec != null ? spec : new AgentSpec(r, "worker", null, new io.vertx.core.json.JsonObject()));
    });
  }

  /** Whether {@code role} can be given a task now: a role of the file, or one a worker serves. */
  io.vertx.core.Future<Boolean> served(String role) {
    return catalog.agent(role) != null ? io.vertx.core.Future.succeededFuture(true)
        : io.agentbus.bus.Names.AGENT_ROLE.matcher(role).matches() ? kinds.workerServes(role)
        : io.vertx.core.Future.succeededFuture(false);
  }

  /** The configured name of a role's agent ({@code agents.<role>.name}), shown in agent_started. */
  String name(String role) {
    AgentSpec spec = catalog.agent(role);
    return spec != null && spec.name() != null && !spec.name().isBlank() ? spec.name()
        : role.substring(0, 1).toUpperCase(Locale.ROOT) + role.substring(1) + " agent";
  }

  /** How a role is played (scripted, worker, openai): a role the file does not name is a worker's. */
  String kind(String role) {
    AgentSpec spec = catalog.agent(role);
    return spec != null ? spec.kind() : "worker";
  }

  /** Makes every role's agent now, so a bad setting stops the node at start, naming the role. */
  void makeAll() {
    for (String role : catalog.roles()) {
      try {
        of(role);
      } catch (RuntimeException e) {
        throw new IllegalArgumentException("workflows file: agents." + role + ": bad settings (" + e.getMessage() + ")",
            e);
      }
    }
  }
}
