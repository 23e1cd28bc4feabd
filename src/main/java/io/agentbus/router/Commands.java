package io.agentbus.router;

import io.agentbus.core.Principal;
import io.vertx.core.json.JsonObject;

/**
 * Slash commands typed in chat. The workflow commands (/status, /cancel, /assign, /parallel,
 * /approve, /reject) arrive with the orchestrator and HITL verticles; until then they answer
 * that they are not available on this deployment rather than posting the text as a message.
 */
final class Commands {

  private Commands() {}

  static JsonObject run(String content, Principal who) {
    String command = content.split("\\s+", 2)[0].substring(1).toLowerCase();
    JsonObject result = new JsonObject().put("type", "command_result").put("command", command);
    switch (command) {
      case "help":
        return result.put("ok", true).put("output", "Commands: /help, /whoami");
      case "whoami":
        return result.put("ok", true).put("output", who.userId() + " " + who.roles());
      default:
        return result.put("ok", false).put("output", "unknown command /" + command + " (try /help)");
    }
  }
}
