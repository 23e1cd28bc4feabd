package io.agentbus.router;

import io.agentbus.bus.AppException;
import io.agentbus.bus.Json;
import io.agentbus.bus.Services;
import io.agentbus.stream.StreamName;
import io.agentbus.stream.StreamWriter;
import io.agentbus.stream.StreamWriter.Append;
import io.vertx.core.Future;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import java.util.List;
import java.util.Set;

/**
 * An agent's answer growing in its channel (PROTOCOL §7.1). The answer was posted at once as a
 * {@code message} with {@code status: "streaming"}; each update here replaces its content with the
 * text so far and appends {@code message_updated {messageId, channel, content, status}} in the same
 * transaction, so history, search and a client resuming mid-answer all read the same text, and the
 * last update ({@code complete} or {@code failed}) leaves an ordinary message. A message deleted
 * mid-answer, or already ended, takes no more updates ({@code NOT_FOUND}: the agent stops writing).
 */
final class AgentAnswers {

  static final Set<String> STATUSES = Set.of("streaming", "complete", "failed");

  private final StreamWriter writer;
  private final int maxContent;

  AgentAnswers(StreamWriter writer, int maxContent) {
    this.writer = writer;
    this.maxContent = maxContent;
  }

  /** {messageId, channel, content, status} from the orchestrator (internal only). */
  Future<JsonObject> update(Message<Object> msg) {
    JsonObject in = Services.body(msg);
    String id = Json.requireString(in, "messageId", MessageChanges.ID_MAX);
    String channel = Reads.channelName(in);
    String status = Json.requireString(in, "status", 16);
    if (!STATUSES.contains(status)) {
      throw AppException.invalid("'status' must be one of " + STATUSES);
    }
    String content = clip(in.getString("content", ""), maxContent);
    JsonObject event = new JsonObject().put("type", "message_updated").put("messageId", id).put("channel", channel)
        .put("content", content).put("status", status).put("timestamp", Json.now());
    return writer.appendWith(StreamName.channel(channel), conn -> conn.preparedQuery(MessageQueries.AGENT_UPDATE)
            .execute(Tuple.of(id, content, status, channel))
            .compose(rows -> rows.size() == 0
                ? Future.failedFuture(AppException.notFound("no answer '" + id + "' streaming in '" + channel + "'"))
                : Future.succeededFuture(List.of(new Append("message_updated", event.encode())))))
        .map(seqs -> new JsonObject().put("messageId", id).put("seq", seqs.get(0)));
  }

  /** At most {@code max} characters (a model may write more than a message may hold), marked as cut. */
  static String clip(String text, int max) {
    return text.length() <= max ? text : text.substring(0, max - 1) + "…";
  }
}
