package io.agentbus.bus;

import java.util.Locale;

/**
 * Every slash command typed in chat (seed 001), parsed in one place and routed to the verticle
 * that owns it: the router answers {@code /help} and {@code /whoami} itself and forwards the rest,
 * {@code {command, args, channel}}, to the owner's command address, which answers a
 * {@code command_result} ({@link CommandResult}). A command is never posted as a message.
 */
public enum SlashCommand {
  HELP("/help [command]", "this list, or how to use one command", null),
  WHOAMI("/whoami", "who you are signed in as", null),
  STATUS("/status", "the workflows of this session", Addresses.WORKFLOW_COMMAND),
  STATE("/state", "this session's mode, epic, sprint and running workflows", Addresses.WORKFLOW_COMMAND),
  ASSIGN("/assign <role> \"<task>\"", "give one agent a task", Addresses.WORKFLOW_COMMAND),
  PARALLEL("/parallel \"<task>\" \"<task>\" …", "run tasks at once (start one with @role to pick the agent)",
      Addresses.WORKFLOW_COMMAND),
  CANCEL("/cancel [workflowId]", "stop the running workflow (or the one named)", Addresses.WORKFLOW_COMMAND),
  PAUSE("/pause [workflowId]", "hold the workflow once its running step is done", Addresses.WORKFLOW_COMMAND),
  RESUME("/resume [workflowId]", "continue a paused workflow", Addresses.WORKFLOW_COMMAND),
  APPROVE("/approve [approvalId] [feedback]", "pass an approval gate (without an id: the one waiting in this session)",
      Addresses.APPROVAL_COMMAND),
  REJECT("/reject [approvalId] [reason]", "reject it, the agent may revise (without an id: the one waiting here)",
      Addresses.APPROVAL_COMMAND),
  MODE("/mode [strict|rapid|flow|expert|learning]", "show or set how workflows run here: strict adds a review "
      + "gate after every agent step, rapid skips gates not marked required, flow runs templates as written",
      Addresses.WORKFLOW_COMMAND),
  EPIC("/epic create \"<title>\" \"<description>\" | list | close", "an epic files the workflows started while it is "
      + "open", Addresses.WORKFLOW_COMMAND),
  SPRINT("/sprint plan <minutes> | start | pause [reason] | resume | end", "a time box for this session's workflows; "
      + "pause and resume act on all of them, end cancels what still runs and reports", Addresses.WORKFLOW_COMMAND);

  /** As typed after the slash, lower case. */
  public final String word;
  public final String usage;
  public final String description;
  /** Where it is answered; null: by the router itself. */
  public final String address;

  SlashCommand(String usage, String description, String address) {
    this.word = name().toLowerCase(Locale.ROOT);
    this.usage = usage;
    this.description = description;
    this.address = address;
  }

  /** A parsed command line: the command (null when unknown), the word as typed and the rest. */
  public record Line(SlashCommand command, String word, String args) {}

  /** Parses chat content that starts with {@code /}: the first word names the command. */
  public static Line parse(String content) {
    String[] parts = content.substring(1).split("\\s+", 2);
    String word = parts[0].toLowerCase(Locale.ROOT);
    String args = parts.length > 1 ? parts[1].trim() : "";
    for (SlashCommand c : values()) {
      if (c.word.equals(word)) {
        return new Line(c, word, args);
      }
    }
    return new Line(null, word, args);
  }

  /** The {@code /help} text: every command with its usage, and mentions. */
  public static String help() {
    StringBuilder sb = new StringBuilder();
    for (SlashCommand c : values()) {
      sb.append(c.usage).append("  ").append(c.description).append('\n');
    }
    return sb.append("@<role> …  in a message: that agent answers in the channel").toString();
  }

  /** {@code /help <command>}: that command's usage and what it does; null when there is no such command. */
  public static String help(String command) {
    String word = command.startsWith("/") ? command.substring(1) : command;
    for (SlashCommand c : values()) {
      if (c.word.equals(word.toLowerCase(Locale.ROOT))) {
        return c.usage + "\n" + c.description;
      }
    }
    return null;
  }

  /** Every command with its usage, for clients that autocomplete: [{command, usage, description}]. */
  public static io.vertx.core.json.JsonArray list() {
    io.vertx.core.json.JsonArray out = new io.vertx.core.json.JsonArray();
    for (SlashCommand c : values()) {
      out.add(new io.vertx.core.json.JsonObject().put("command", c.word).put("usage", c.usage)
          .put("description", c.description));
    }
    return out;
  }
}
