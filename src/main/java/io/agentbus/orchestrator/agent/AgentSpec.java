package io.agentbus.orchestrator.agent;

import io.vertx.core.json.JsonObject;

/**
 * One role's agent as the workflows file describes it: which kind plays it, its display name and
 * the kind's own settings (timeouts, model, script). Read by {@code orchestrator.Catalog}.
 */
public record AgentSpec(String role, String kind, String name, JsonObject settings) {}
