package io.agentbus.orchestrator.agent;

import java.util.List;

/** Why an agent run failed, as the {@code error} event reports it. */
public class AgentFailure extends RuntimeException {

  public final boolean retryable;
  public final List<String> suggestedActions;

  public AgentFailure(String message, boolean retryable, List<String> suggestedActions) {
    super(message, null, false, false);
    this.retryable = retryable;
    this.suggestedActions = suggestedActions;
  }

  public static AgentFailure of(Throwable t) {
    if (t instanceof AgentFailure f) {
      return f;
    }
    return new AgentFailure(t.getMessage() == null ? t.toString() : t.getMessage(), true,
        List.of("retry the workflow", "check the agent's logs"));
  }

  public static AgentFailure cancelled(String reason) {
    return new AgentFailure("cancelled: " + reason, false, List.of());
  }
}
