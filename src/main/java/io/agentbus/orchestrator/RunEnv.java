package io.agentbus.orchestrator;

import io.agentbus.metrics.Metrics;
import io.agentbus.orchestrator.agent.Agent;
import io.agentbus.stream.WorkflowEvents;
import io.vertx.core.Vertx;
import java.util.function.Function;

/**
 * What every run of one orchestrator instance shares: where it writes, its agents (and how each
 * role is played), its gates, how long steps take ({@link Durations}), its metrics.
 */
record RunEnv(Vertx vertx, WorkflowStore store, WorkflowEvents emitter, Function<String, Agent> agents,
    Function<String, String> agentNames, Function<String, String> agentKinds, String instanceId, Gates gates,
    Durations durations, Metrics metrics, io.agentbus.tracing.Tracing tracing) {}
