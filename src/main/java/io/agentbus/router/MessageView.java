package io.agentbus.router;

import io.agentbus.stream.StreamName;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A message as history, pins and search show it (PROTOCOL §7): the {@code message} event as first
 * stored, with its stream and seq, and its current state over it — the content after edits
 * ({@code editedAt}), a tombstone once deleted ({@code deleted: true}, no content, no
 * reactions), {@code reactions} ({@code counts} and the caller's own, {@code mine}),
 * {@code threadSummary} (on messages that are not replies) and {@code pinned}.
 */
final class MessageView {

  private MessageView() {}

  /** The thread summary of a root, as {@code thread_updated} and history carry it. */
  static JsonObject threadSummary(int replies, OffsetDateTime lastReplyAt, String[] participants) {
    return new JsonObject().put("replies", replies).put("lastReplyAt", time(lastReplyAt))
        .put("participants", new JsonArray(participants == null ? List.of() : List.of(participants)));
  }

  /** An empty reactions field (a new message's). */
  static JsonObject noReactions() {
    return new JsonObject().put("counts", new JsonObject()).put("mine", new JsonArray());
  }

  static String time(OffsetDateTime t) {
    return t == null ? null : t.toInstant().toString();
  }

  /** One row of {@link MessageQueries#COLUMNS}, without its reactions. */
  static JsonObject of(Row r) {
    JsonObject m = new JsonObject(r.getString("frame"));
    String channel = m.getString("channel");
    JsonObject out = new JsonObject().put("stream", StreamName.channel(channel)).put("seq", r.getLong("seq"));
    m.forEach(e -> out.put(e.getKey(), e.getValue()));
    boolean deleted = r.getOffsetDateTime("deleted_at") != null;
    out.put("editedAt", time(r.getOffsetDateTime("edited_at")));
    if (r.getString("edited_by") != null) {
      out.put("editedBy", r.getString("edited_by"));
    }
    if (r.getString("mentions") != null) {
      out.put("mentions", new JsonArray(r.getString("mentions")));
    }
    out.put("deleted", deleted);
    if (deleted) {
      out.remove("content");
      out.put("attachments", new JsonArray());
      out.put("deletedAt", time(r.getOffsetDateTime("deleted_at"))).put("deletedBy", r.getString("deleted_by"));
    } else {
      out.put("content", r.getString("content"));
    }
    if (r.getString("status") != null) {
      out.put("status", r.getString("status")); // an agent's answer: streaming, complete or failed
    }
    out.put("pinned", r.getBoolean("pinned"));
    if (r.getBoolean("pinned")) {
      out.put("pinnedBy", r.getString("pinned_by")).put("pinnedAt", time(r.getOffsetDateTime("pinned_at")));
    }
    out.put("threadSummary", r.getString("thread_id") != null ? null
        : threadSummary(r.getInteger("reply_count"), r.getOffsetDateTime("last_reply_at"),
            r.getArrayOfStrings("participants")));
    out.put("reactions", noReactions());
    return out;
  }

  /** The rows as views, with their reactions as {@code userId} sees them. */
  static Future<List<JsonObject>> withReactions(SqlClient db, RowSet<Row> rows, String userId) {
    List<JsonObject> views = new ArrayList<>(rows.size());
    Map<String, JsonObject> byId = new HashMap<>();
    for (Row r : rows) {
      JsonObject v = of(r);
      views.add(v);
      if (!v.getBoolean("deleted")) {
        byId.put(v.getString("messageId"), v);
      }
    }
    if (byId.isEmpty()) {
      return Future.succeededFuture(views);
    }
    return db.preparedQuery(MessageQueries.PAGE_REACTIONS)
        .execute(Tuple.of(byId.keySet().toArray(new String[0]), userId))
        .map(reactions -> {
          for (Row r : reactions) {
            JsonObject rx = byId.get(r.getString(0)).getJsonObject("reactions");
            rx.getJsonObject("counts").put(r.getString(1), r.getLong(2));
            if (r.getBoolean(3)) {
              rx.getJsonArray("mine").add(r.getString(1));
            }
          }
          return views;
        });
  }
}
