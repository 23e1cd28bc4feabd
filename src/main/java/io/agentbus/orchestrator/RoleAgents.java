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

  /** The agent of {@code role}; throws on a role whose settings are bad. */
  Agent of(String role) {
    return agents.computeIfAbsent(role, r -> kinds.make(catalog.agent(r)));
  }

  /** The configured name of a role's agent ({@code agents.<role>.name}), shown in agent_started. */
  String name(String role) {
    AgentSpec spec = catalog.agent(role);
    return spec != null && spec.name() != null && !spec.name().isBlank() ? spec.name()
        : role.substring(0, 1).toUpperCase(Locale.ROOT) + role.substring(1) + " agent";
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
