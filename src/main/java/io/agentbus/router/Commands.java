package io.agentbus.router;

import io.agentbus.bus.CommandResult;
import io.agentbus.bus.Principal;
import io.vertx.core.json.JsonObject;

/**
 * Slash commands typed in chat. Those about the caller are answered here; the {@link #WORKFLOW}
 * commands are the orchestrator's (the router forwards them). A command is never posted as a
 * message.
 */
final class Commands {

  /** Commands the orchestrator answers. */
  static final java.util.Set<String> WORKFLOW = java.util.Set.of("status", "cancel", "assign", "parallel");

  private Commands() {}

  static JsonObject run(String command, Principal who) {
    switch (command) {
      case "help":
        return CommandResult.ok(command, String.join("\n",
            "/help  this list",
            "/whoami  who you are signed in as",
            "/status  the workflows of this session",
            "/cancel [workflowId]  stop the running workflow (or the one named)",
            "/assign <role> \"<task>\"  give one agent a task",
            "/parallel \"<task>\" \"<task>\" …  run tasks at once (start one with @role to pick the agent)",
            "/approve <approvalId> [feedback]  pass an approval gate",
            "/reject <approvalId> [reason]  reject it (the agent may revise)",
            "@<role> …  in a message: that agent answers in the channel"), null);
      case "whoami":
        return CommandResult.ok(command, who.userId() + " " + who.roles(), null);
      default:
        return CommandResult.failed(command, "unknown command /" + command + " (try /help)");
    }
  }
}
