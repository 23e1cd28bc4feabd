package io.agentbus.router;

import io.agentbus.core.Principal;
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

  static JsonObject run(String content, Principal who) {
    String command = content.split("\\s+", 2)[0].substring(1).toLowerCase();
    JsonObject result = new JsonObject().put("type", "command_result").put("command", command);
    switch (command) {
      case "help":
        return result.put("ok", true).put("output", String.join("\n",
            "/help  this list",
            "/whoami  who you are signed in as",
            "/status  the workflows of this session",
            "/cancel [workflowId]  stop the running workflow (or the one named)",
            "/assign <role> \"<task>\"  give one agent a task",
            "/parallel \"<task>\" \"<task>\" …  run tasks at once (start one with @role to pick the agent)",
            "/approve <approvalId> [feedback]  pass an approval gate",
            "/reject <approvalId> [reason]  reject it (the agent may revise)",
            "@<role> …  in a message: that agent answers in the channel"));
      case "whoami":
        return result.put("ok", true).put("output", who.userId() + " " + who.roles());
      default:
        return result.put("ok", false).put("output", "unknown command /" + command + " (try /help)");
    }
  }
}
