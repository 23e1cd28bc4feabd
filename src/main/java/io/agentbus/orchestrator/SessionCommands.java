package io.agentbus.orchestrator;

import io.agentbus.bus.AppException;
import io.agentbus.bus.CommandResult;
import io.agentbus.bus.Principal;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * The session slash commands (PROTOCOL §7): /mode, /epic, /sprint and /state, over
 * {@link Sessions}. A sprint's pause, resume and end act on its workflows wherever they run,
 * through the orchestrator's control path, as /pause, /resume and /cancel do.
 */
final class SessionCommands {

  private static final int MAX_SPRINT_MINUTES = 24 * 60;
  private final Workflows workflows;
  private final Sessions sessions;
  private final WorkflowStore store;

  SessionCommands(Workflows workflows, Sessions sessions, WorkflowStore store) {
    this.workflows = workflows;
    this.sessions = sessions;
    this.store = store;
  }

  Future<JsonObject> mode(Principal who, String session, String args) {
    if (args.isEmpty()) {
      return sessions.mode(session).map(m -> CommandResult.ok("mode", "Mode: " + m + " (one of "
          + String.join(", ", Modes.ALL) + ")", new JsonObject().put("mode", m)));
    }
    String mode = args.toLowerCase(java.util.Locale.ROOT);
    if (!Modes.ALL.contains(mode)) {
      throw AppException.invalid("usage: /mode [" + String.join("|", Modes.ALL) + "]");
    }
    return sessions.setMode(session, mode).map(v -> CommandResult.ok("mode", "Mode set to " + mode
        + ": it applies to workflows started from now on", new JsonObject().put("mode", mode)));
  }

  Future<JsonObject> epic(Principal who, String session, String args) {
    List<String> words = CommandWords.split(args);
    String sub = words.isEmpty() ? "" : words.get(0);
    return switch (sub) {
      case "create" -> {
        if (words.size() < 2 || words.size() > 3 || words.get(1).isBlank()) {
          throw AppException.invalid("usage: /epic create \"<title>\" \"<description>\"");
        }
        String title = words.get(1);
        String description = words.size() > 2 ? words.get(2) : "";
        if (title.length() > 200 || description.length() > 2000) {
          throw AppException.invalid("an epic's title is at most 200 characters, its description 2000");
        }
        yield sessions.createEpic(session, title, description, who.userId()).map(e -> CommandResult.ok("epic",
            "Epic \"" + title + "\" is open: workflows started here are filed under it", e));
      }
      case "list" -> sessions.epics(session).map(list -> {
        StringBuilder sb = new StringBuilder(list.isEmpty() ? "No epics in this session." : "");
        list.forEach(x -> {
          JsonObject e = (JsonObject) x;
          sb.append(sb.length() == 0 ? "" : "\n").append(e.getString("status")).append("  ")
              .append(e.getString("title")).append("  ").append(e.getString("epicId"));
        });
        return CommandResult.ok("epic", sb.toString(), list);
      });
      case "close" -> sessions.closeEpic(session).map(e -> CommandResult.ok("epic", "Epic \"" + e.getString("title")
          + "\" closed", e));
      default -> throw AppException.invalid("usage: /epic create \"<title>\" \"<description>\" | list | close");
    };
  }

  Future<JsonObject> sprint(Principal who, String session, String args) {
    String[] words = args.split("\\s+", 2);
    String sub = words[0];
    String rest = words.length > 1 ? words[1].trim() : "";
    return switch (sub) {
      case "plan" -> {
        int minutes;
        try {
          minutes = Integer.parseInt(rest);
        } catch (NumberFormatException e) {
          throw AppException.invalid("usage: /sprint plan <minutes>");
        }
        if (minutes < 1 || minutes > MAX_SPRINT_MINUTES) {
          throw AppException.invalid("a sprint lasts 1 to " + MAX_SPRINT_MINUTES + " minutes");
        }
        yield sessions.planSprint(session, minutes, who.userId()).map(s -> CommandResult.ok("sprint",
            "Sprint of " + minutes + " minutes planned: /sprint start to begin", s));
      }
      case "start" -> sessions.moveSprint(session, new String[] {"planned"}, "running", null)
          .map(s -> CommandResult.ok("sprint", "Sprint started: it ends at " + s.getString("endsAt")
              + "; workflows started now belong to it", s));
      case "pause" -> sessions.moveSprint(session, new String[] {"running"}, "paused", rest.isEmpty() ? null : rest)
          .compose(s -> onWorkflows(who, session, s, "pause").map(n -> CommandResult.ok("sprint",
              "Sprint paused" + (rest.isEmpty() ? "" : " (" + rest + ")") + ": " + n + " workflow(s) hold after "
                  + "their running step", s)));
      case "resume" -> sessions.moveSprint(session, new String[] {"paused"}, "running", null)
          .compose(s -> onWorkflows(who, session, s, "resume").map(n -> CommandResult.ok("sprint",
              "Sprint resumed: " + n + " workflow(s) continue", s)));
      case "end" -> sessions.moveSprint(session, new String[] {"planned", "running", "paused"}, "ended", null)
          .compose(s -> onWorkflows(who, session, s, "cancel")
              .compose(n -> sessions.sprintWorkflows(session, s.getString("sprintId")))
              .map(list -> CommandResult.ok("sprint", report(list), s.put("workflows", list))));
      default -> throw AppException.invalid("usage: /sprint plan <minutes> | start | pause [reason] | resume | end");
    };
  }

  /** Acts on every workflow of the sprint that has not ended; answers how many took it. */
  private Future<Integer> onWorkflows(Principal who, String session, JsonObject sprint, String action) {
    return sessions.sprintWorkflows(session, sprint.getString("sprintId")).compose(list -> {
      List<Future<JsonObject>> acts = new ArrayList<>();
      for (Object x : list) {
        JsonObject w = (JsonObject) x;
        if (!WorkflowStore.TERMINAL.contains(w.getString("status"))) {
          acts.add(workflows.act(who, w.getString("workflowId"), action).otherwise(new JsonObject().put("success", false)));
        }
      }
      return Future.all(acts).map(all -> (int) acts.stream().filter(f -> f.result().getBoolean("success", false))
          .count());
    });
  }

  private static String report(JsonArray list) {
    java.util.Map<String, Integer> by = new java.util.TreeMap<>();
    list.forEach(x -> by.merge(((JsonObject) x).getString("status"), 1, Integer::sum));
    if (list.isEmpty()) {
      return "Sprint ended: no workflows were started in it.";
    }
    StringBuilder sb = new StringBuilder("Sprint ended: " + list.size() + " workflow(s) — ");
    by.forEach((status, n) -> sb.append(n).append(' ').append(status).append(", "));
    sb.setLength(sb.length() - 2);
    return sb.toString();
  }

  /** /state: mode, open epic, current sprint and the workflows that have not ended. */
  Future<JsonObject> state(Principal who, String session) {
    return Future.all(sessions.mode(session), sessions.openEpic(session), sessions.currentSprint(session),
        store.bySession(session, 20)).map(all -> {
          String mode = all.resultAt(0);
          JsonObject epic = all.resultAt(1);
          JsonObject sprint = all.resultAt(2);
          JsonArray live = new JsonArray();
          for (Object x : all.<JsonArray>resultAt(3)) {
            JsonObject w = (JsonObject) x;
            if (!WorkflowStore.TERMINAL.contains(w.getString("status"))) {
              live.add(new JsonObject().put("workflowId", w.getString("workflowId")).put("name", w.getString("name"))
                  .put("status", w.getString("status")).put("currentStep", w.getInteger("currentStep"))
                  .put("totalSteps", w.getInteger("totalSteps")));
            }
          }
          StringBuilder sb = new StringBuilder("Mode: ").append(mode);
          sb.append("\nEpic: ").append(epic == null ? "none" : "\"" + epic.getString("title") + "\"");
          sb.append("\nSprint: ").append(sprint == null ? "none" : sprint.getString("status")
              + (sprint.getValue("secondsLeft") == null ? "" : ", " + (sprint.getLong("secondsLeft") / 60) + " min left"));
          sb.append("\nWorkflows under way: ").append(live.isEmpty() ? "none" : "");
          live.forEach(x -> {
            JsonObject w = (JsonObject) x;
            sb.append("\n  ").append(w.getString("workflowId")).append("  ").append(w.getString("name")).append("  ")
                .append(w.getString("status")).append("  step ")
                .append(Math.min(w.getInteger("currentStep") + 1, w.getInteger("totalSteps"))).append('/')
                .append(w.getInteger("totalSteps"));
          });
          return CommandResult.ok("state", sb.toString(), new JsonObject().put("mode", mode).put("epic", epic)
              .put("sprint", sprint).put("workflows", live));
        });
  }
}
