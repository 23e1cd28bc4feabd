package io.agentbus.orchestrator;

import io.agentbus.bus.AppException;
import io.agentbus.bus.CommandResult;
import io.agentbus.bus.Json;
import io.agentbus.bus.Principal;
import io.agentbus.bus.Services;
import io.agentbus.bus.SlashCommand;
import io.vertx.core.Future;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * The workflow slash commands typed in chat ({@link SlashCommand}: status, cancel, pause, resume,
 * assign, parallel; the session's own — mode, epic, sprint, state — are {@link SessionCommands}). The router forwards them here; the answer is a {@code command_result} for the sender
 * only.
 */
final class WorkflowCommands {

  private static final int STATUS_LIMIT = 10;
  private final Workflows workflows;
  private final SessionCommands session;
  private final WorkflowStore store;
  private final Catalog catalog;
  /** Whether a role can be given a task now: the file's, or one a worker serves ({@link RoleAgents#served}). */
  private final java.util.function.Function<String, Future<Boolean>> served;
  private final int maxContent;
  /** Posts a message through the router ({@link #card}). */
  private final java.util.function.Consumer<JsonObject> post;

  WorkflowCommands(Workflows workflows, SessionCommands session, WorkflowStore store, Catalog catalog,
      java.util.function.Function<String, Future<Boolean>> served, int maxContent,
      java.util.function.Consumer<JsonObject> post) {
    this.post = post;
    this.workflows = workflows;
    this.session = session;
    this.store = store;
    this.catalog = catalog;
    this.served = served;
    this.maxContent = maxContent;
  }

  Future<JsonObject> handle(Message<Object> msg) {
    Principal who = Principal.of(msg);
    JsonObject in = Services.body(msg);
    String command = Json.requireString(in, "command", 32);
    String args = in.getString("args", "").trim();
    SlashCommand.Line line = SlashCommand.parse("/" + command);
    Future<JsonObject> result = line.command() == null ? Future.failedFuture(unknown(command)) : switch (line.command()) {
      case STATUS -> status(who);
      case CANCEL -> workflows.act(who, args.isEmpty() ? null : args, "cancel").map(r -> ok(command,
          r.getBoolean("success") ? "Cancelled workflow " + r.getString("workflowId")
              : "Workflow " + r.getString("workflowId") + " had already ended (" + r.getString("status") + ")", r));
      case PAUSE -> workflows.act(who, args.isEmpty() ? null : args, "pause").map(r -> ok(command,
          !r.getBoolean("success") ? "Workflow " + r.getString("workflowId") + " cannot be paused ("
              + r.getString("status") + ")"
              : r.getBoolean("pending", false) ? "Workflow " + r.getString("workflowId")
                  + " will pause once its running step is done" : "Workflow " + r.getString("workflowId")
                  + " is paused", r));
      case RESUME -> workflows.act(who, args.isEmpty() ? null : args, "resume").map(r -> ok(command,
          r.getBoolean("success") ? "Workflow " + r.getString("workflowId") + " continues"
              : "Workflow " + r.getString("workflowId") + " is not paused (" + r.getString("status") + ")", r));
      case ASSIGN -> assign(who, args, Json.optStringArray(in, "attachments", 20, 64), in.getString("channel"));
      case PARALLEL -> parallel(who, args, Json.optStringArray(in, "attachments", 20, 64), in.getString("channel"));
      case MODE -> session.mode(who, requireSession(who), args);
      case EPIC -> session.epic(who, requireSession(who), args);
      case SPRINT -> session.sprint(who, requireSession(who), args);
      case STATE -> session.state(who, requireSession(who));
      default -> throw unknown(command);
    };
    // Mistakes in a command are answered as a failed command_result, not as a protocol error.
    return result.recover(err -> Future.succeededFuture(CommandResult.failed(command, AppException.from(err))));
  }

  private static AppException unknown(String command) {
    return AppException.notFound("unknown workflow command /" + command);
  }

  private static JsonObject ok(String command, String output, Object data) {
    return CommandResult.ok(command, output, data);
  }

  private Future<JsonObject> status(Principal who) {
    String session = requireSession(who);
    return store.bySession(session, STATUS_LIMIT).map(list -> {
      if (list.isEmpty()) {
        return ok("status", "No workflows in this session yet.", new JsonArray());
      }
      StringBuilder sb = new StringBuilder();
      JsonArray data = new JsonArray();
      for (Object x : list) {
        JsonObject w = (JsonObject) x;
        sb.append(sb.length() == 0 ? "" : "\n").append(StatusLine.of(w, java.time.Instant.now()));
        data.add(new JsonObject().put("workflowId", w.getString("workflowId")).put("name", w.getString("name"))
            .put("status", w.getString("status")).put("currentStep", w.getInteger("currentStep"))
            .put("totalSteps", w.getInteger("totalSteps")));
      }
      return ok("status", sb.toString(), data);
    });
  }

  /** {@code files}: file ids sent with the command; the agents get each one's processed content and text. */
  private Future<JsonObject> assign(Principal who, String args, JsonArray files, String channel) {
    List<String> words = CommandWords.split(args);
    if (words.size() != 2) {
      throw AppException.invalid("usage: /assign <role> \"<task>\"");
    }
    String role = words.get(0).startsWith("@") ? words.get(0).substring(1) : words.get(0);
    String task = checkTask(words.get(1));
    String session = requireSession(who);
    Template t = catalog.adHoc("assign", List.<String[]>of(new String[] {role, task}));
    return checkRoles(List.of(role)).compose(v -> workflows.start(who, session, t, new JsonObject().put("content", task)
        .put("attachments", files).put("channel", channel)))
        .map(r -> card(who, channel, task, r))
        .map(r -> ok("assign", "Assigned to " + role + ": “" + task + "”", r));
  }

  private Future<JsonObject> parallel(Principal who, String args, JsonArray files, String channel) {
    List<String> tasks = CommandWords.split(args);
    if (tasks.size() < 2) {
      throw AppException.invalid("usage: /parallel \"<task>\" \"<task>\" … (a task may start with @role)");
    }
    if (tasks.size() > 10) {
      throw AppException.invalid("at most 10 tasks at once");
    }
    List<String[]> pairs = new ArrayList<>();
    for (String t : tasks) {
      String role = catalog.defaultRole();
      String task = t.trim();
      if (task.startsWith("@")) {
        int sp = task.indexOf(' ');
        role = sp < 0 ? task.substring(1) : task.substring(1, sp);
        task = sp < 0 ? "" : task.substring(sp + 1).trim();
      }
      pairs.add(new String[] {role, checkTask(task)});
    }
    String session = requireSession(who);
    Template t = catalog.adHoc("parallel", pairs);
    return checkRoles(pairs.stream().map(p -> p[0]).distinct().toList())
        .compose(v -> workflows.start(who, session, t, new JsonObject().put("content", String.join("\n", tasks))
            .put("attachments", files).put("channel", channel)))
        .map(r -> card(who, channel, String.join(" · ", tasks), r))
        .map(r -> ok("parallel", "Running " + pairs.size() + " tasks at once", r));
  }

  /**
   * A run started from a channel shows there as a card (the web UI draws the workflow live in place
   * of the message): a message naming the workflow, titled by its request, posted once it started.
   * Whoever reads the channel may then follow the workflow ({@code OrchestratorVerticle.readCheck}).
   */
  private JsonObject card(Principal who, String channel, String request, JsonObject started) {
    if (channel != null) {
      post.accept(new JsonObject().put("channel", channel).put("authorId", who.userId())
          .put("authorType", "system").put("content", request).put("workflowId", started.getString("workflowId")));
    }
    return started;
  }

  /** Fails NOT_FOUND naming the first role that is neither the file's nor served by a worker now. */
  private Future<Void> checkRoles(List<String> roles) {
    List<Future<Boolean>> asked = roles.stream().map(served).toList();
    return Future.join(asked).transform(x -> {
      for (int i = 0; i < roles.size(); i++) {
        if (!Boolean.TRUE.equals(asked.get(i).result())) {
          return Future.failedFuture(AppException.notFound("no agent role '" + roles.get(i) + "' (roles: "
              + String.join(", ", catalog.roles()) + ", or any a worker serves)"));
        }
      }
      return Future.succeededFuture();
    });
  }

  private String checkTask(String task) {
    if (task.isBlank()) {
      throw AppException.invalid("a task must not be empty");
    }
    if (task.length() > maxContent) {
      throw AppException.invalid("a task may be at most " + maxContent + " characters");
    }
    return task;
  }

  private static String requireSession(Principal who) {
    if (who.sessionId() == null) {
      throw AppException.invalid("this command needs a session: use it from a /ws connection");
    }
    return who.sessionId();
  }

}
