package io.agentbus.bus;

import io.vertx.core.json.JsonObject;

/**
 * The {@code command_result} frame (PROTOCOL §3) that answers a slash command, built in one place
 * for the router's commands and the orchestrator's.
 */
public final class CommandResult {

  private CommandResult() {}

  /** A command that succeeded; {@code data} (details for clients) is left out when null. */
  public static JsonObject ok(String command, String output, Object data) {
    JsonObject f = frame(command, true, output);
    return data == null ? f : f.put("data", data);
  }

  public static JsonObject failed(String command, String output) {
    return frame(command, false, output);
  }

  /** A command that failed with a coded error: the output is the error's message. */
  public static JsonObject failed(String command, AppException e) {
    return failed(command, e.getMessage()).put("code", e.code.name());
  }

  private static JsonObject frame(String command, boolean ok, String output) {
    return new JsonObject().put("type", "command_result").put("command", command).put("ok", ok).put("output", output);
  }
}
