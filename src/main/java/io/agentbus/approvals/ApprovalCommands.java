package io.agentbus.approvals;

import io.agentbus.bus.AppException;
import io.agentbus.bus.CommandResult;
import io.agentbus.bus.Json;
import io.agentbus.bus.Principal;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import java.util.function.BiFunction;
import java.util.regex.Pattern;

/**
 * {@code /approve [approvalId] [feedback]} and {@code /reject [approvalId] [reason]} typed in chat.
 * With an id they decide that gate; without one (the UI never shows ids, and people type
 * "/approve looks good") they decide the one gate waiting in the caller's session that the caller
 * may decide, and when several wait they list them instead of guessing. The decision itself is the
 * same exactly-once one as every other transport's.
 */
final class ApprovalCommands {

  /** An approval id as {@link Json#newId()} makes them: a first word like this names the gate. */
  private static final Pattern ID = Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

  private final ApprovalStore store;
  private final BiFunction<Principal, JsonObject, Future<JsonObject>> decide;

  ApprovalCommands(ApprovalStore store, BiFunction<Principal, JsonObject, Future<JsonObject>> decide) {
    this.store = store;
    this.decide = decide;
  }

  Future<JsonObject> run(Principal who, JsonObject in) {
    String command = Json.requireString(in, "command", 32);
    String args = in.getString("args", "").trim();
    String[] first = args.split("\\s+", 2);
    if (ID.matcher(first[0]).matches()) {
      return decideOne(who, command, first[0], first.length > 1 ? first[1] : null, null);
    }
    String text = args.isEmpty() ? null : args;
    return store.pending(who.sessionId()).compose(all -> {
      List<JsonObject> mine = all.stream()
          .filter(a -> ApprovalsVerticle.mayDecide(who, a.getString("requiredBy"), a.getString("ownerId"))).toList();
      if (mine.isEmpty()) {
        return Future.succeededFuture(CommandResult.failed(command, "No approval is waiting for you "
            + (who.sessionId() == null ? "" : "in this session ") + "(/" + command + " <approvalId> decides a named one)."));
      }
      if (mine.size() > 1) {
        StringBuilder out = new StringBuilder(mine.size() + " approvals are waiting; name one:\n");
        for (JsonObject a : mine) {
          out.append('/').append(command).append(' ').append(a.getString("approvalId")).append("  “")
              .append(a.getString("title")).append("”, waiting ").append(age(a.getString("requestedAt"))).append('\n');
        }
        return Future.succeededFuture(CommandResult.failed(command, out.toString().strip())
            .put("data", new JsonObject().put("pending", new JsonArray(mine.stream().map(ApprovalCommands::brief).toList()))));
      }
      return decideOne(who, command, mine.get(0).getString("approvalId"), text, mine.get(0).getString("title"));
    });
  }

  private Future<JsonObject> decideOne(Principal who, String command, String id, String text, String title) {
    JsonObject ask = new JsonObject().put("approvalId", id).put("action", command).put("feedback", text);
    Future<JsonObject> decided;
    try {
      decided = decide.apply(who, ask);
    } catch (AppException e) {
      decided = Future.failedFuture(e);
    }
    String what = title == null ? id : "“" + title + "”";
    return decided
        .map(r -> CommandResult.ok(command, ("approve".equals(command) ? "Approved " : "Rejected ") + what, r))
        .recover(err -> Future.succeededFuture(CommandResult.failed(command, AppException.from(err))));
  }

  private static JsonObject brief(JsonObject a) {
    return new JsonObject().put("approvalId", a.getString("approvalId")).put("workflowId", a.getString("workflowId"))
        .put("title", a.getString("title")).put("requestedAt", a.getString("requestedAt"));
  }

  /** "40 s", "3 min", "2 h" since {@code iso}. */
  static String age(String iso) {
    return io.agentbus.bus.Ages.since(iso, Instant.now());
  }
}
