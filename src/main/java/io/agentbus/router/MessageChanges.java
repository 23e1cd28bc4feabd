package io.agentbus.router;

import io.agentbus.bus.AppException;
import io.agentbus.bus.Json;
import io.agentbus.bus.Principal;
import io.agentbus.bus.Services;
import io.agentbus.stream.StreamName;
import io.agentbus.stream.StreamWriter;
import io.agentbus.stream.StreamWriter.Append;
import io.vertx.core.Future;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;

/**
 * Changes to messages (PROTOCOL §7): thread replies, edits, deletes, reactions and pins. Each is
 * one transaction that locks the message's row, checks the caller's right and the message's
 * state, changes the row and appends the change's event to the channel's stream
 * ({@link StreamWriter#appendWith}); a refusal rolls it all back, so nothing is stored.
 */
final class MessageChanges {

  static final int ID_MAX = 128;
  /** Distinct emoji one message may carry. */
  static final int MAX_EMOJI_PER_MESSAGE = 50;

  private final Pool pool;
  private final StreamWriter writer;
  private final Channels channels;
  private final int maxContent;

  MessageChanges(Pool pool, StreamWriter writer, Channels channels, int maxContent) {
    this.pool = pool;
    this.writer = writer;
    this.channels = channels;
    this.maxContent = maxContent;
  }

  /** A locked message row. */
  private record Locked(String channel, String threadId, String authorId, boolean deleted, boolean pinned) {}

  /**
   * The channel a message is in, as {@code who} may see it: NOT_FOUND when there is no such message
   * (or not in {@code channel}, when given), and the channel's own refusal when {@code who} may not
   * read it (a private channel they are not in is NOT_FOUND as well).
   */
  Future<Channel> channelOf(String messageId, String channel, Principal who) {
    return channelOf(messageId, channel).compose(name -> channels.visible(name, who));
  }

  /** The channel a message is in; NOT_FOUND when there is no such message (or not in {@code channel}, when given). */
  private Future<String> channelOf(String messageId, String channel) {
    return pool.preparedQuery(MessageQueries.CHANNEL_OF).execute(Tuple.of(messageId)).compose(rows -> {
      if (rows.size() == 0 || channel != null && !channel.equals(rows.iterator().next().getString(0))) {
        return Future.failedFuture(AppException.notFound("no message '" + messageId + "'"
            + (channel == null ? "" : " in '" + channel + "'")));
      }
      return Future.succeededFuture(rows.iterator().next().getString(0));
    });
  }

  private static Future<Locked> lock(SqlConnection conn, String messageId) {
    return conn.preparedQuery(MessageQueries.LOCK).execute(Tuple.of(messageId)).compose(rows -> {
      if (rows.size() == 0) {
        return Future.failedFuture(AppException.notFound("no message '" + messageId + "'"));
      }
      Row r = rows.iterator().next();
      return Future.succeededFuture(new Locked(r.getString(0), r.getString(1), r.getString(2),
          r.getOffsetDateTime(3) != null, r.getBoolean(4)));
    });
  }

  private static Future<Locked> lockStanding(SqlConnection conn, String messageId) {
    return lock(conn, messageId).compose(m -> m.deleted
        ? Future.failedFuture(AppException.notFound("message '" + messageId + "' was deleted"))
        : Future.succeededFuture(m));
  }

  private static JsonObject event(String type, String messageId, String channel) {
    return new JsonObject().put("type", type).put("messageId", messageId).put("channel", channel);
  }

  private static Append append(JsonObject event) {
    return new Append(event.getString("type"), event.put("timestamp", Json.now()).encode());
  }

  private static String messageId(JsonObject in) {
    return Json.requireString(in, "messageId", ID_MAX);
  }

  private static String optChannel(JsonObject in) {
    return in.getValue("channel") == null ? null : Reads.channelName(in);
  }

  // ---- thread replies ----

  /**
   * Posts {@code message} (a {@code message} frame with {@code threadId}) as a reply in its root's
   * thread, with the root's new summary as {@code thread_updated}. A reply to a reply goes to the
   * same thread. Answers {messageId, stream, seq}.
   */
  Future<JsonObject> reply(JsonObject message) {
    String stream = StreamName.channel(message.getString("channel"));
    String[] root = {message.getString("threadId")};
    return writer.appendWith(stream, replyWork(message, root)).map(seqs -> replyAck(message, seqs, root[0]));
  }

  /** The reply's transaction work; {@code root[0]} ends as the thread's root. */
  java.util.function.Function<SqlConnection, Future<List<Append>>> replyWork(JsonObject message, String[] root) {
    String channel = message.getString("channel");
    return conn -> lock(conn, root[0])
        .compose(r -> {
          if (!r.channel.equals(channel)) {
            return Future.failedFuture(AppException.notFound("no message '" + root[0] + "' in '" + channel + "'"));
          }
          if (r.threadId == null) {
            return Future.succeededFuture(r);
          }
          root[0] = r.threadId;
          return lock(conn, root[0]);
        })
        .compose(r -> conn.preparedQuery(MessageQueries.THREAD_REPLY)
            .execute(Tuple.of(root[0], message.getString("authorId"))))
        .map(rows -> {
          Row s = rows.iterator().next();
          message.put("threadId", root[0]);
          JsonObject updated = event("thread_updated", root[0], channel).put("threadSummary",
              MessageView.threadSummary(s.getInteger(0), s.getOffsetDateTime(1), s.getArrayOfStrings(2)));
          return List.of(new Append("message", message.encode()), append(updated));
        });
  }

  static JsonObject replyAck(JsonObject message, List<Long> seqs, String root) {
    return new JsonObject().put("messageId", message.getString("messageId"))
        .put("stream", StreamName.channel(message.getString("channel"))).put("seq", seqs.get(0)).put("threadId", root);
  }

  // ---- edit and delete: the author or an admin ----

  Future<JsonObject> edit(Message<Object> msg) {
    Principal who = Principal.of(msg);
    JsonObject in = Services.body(msg);
    String id = messageId(in);
    String content = Json.requireText(in, "content", maxContent);
    if (content.startsWith("/")) {
      throw AppException.invalid("an edit cannot turn a message into a command");
    }
    String given = optChannel(in);
    JsonArray mentions = Mentions.of(content, new JsonArray());
    return channelOf(id, given, who).map(Channel::name).compose(channel -> {
      String stream = StreamName.channel(channel);
      JsonObject[] edited = new JsonObject[1];
      return writer.appendWith(stream, conn -> lockStanding(conn, id)
          .compose(m -> mayChange(who, m, "edit"))
          .compose(m -> conn.preparedQuery(MessageQueries.EDIT).execute(Tuple.of(id, content, who.userId(),
              mentions)))
          .map(rows -> {
            edited[0] = event("message_edited", id, channel).put("content", content)
                .put("editedAt", MessageView.time(rows.iterator().next().getOffsetDateTime(0)))
                .put("editedBy", who.userId()).put("mentions", mentions);
            return List.of(append(edited[0]));
          }))
          .map(seqs -> new JsonObject().put("messageId", id).put("channel", channel).put("stream", stream)
              .put("seq", seqs.get(0)).put("editedAt", edited[0].getString("editedAt")));
    });
  }

  Future<JsonObject> delete(Message<Object> msg) {
    Principal who = Principal.of(msg);
    JsonObject in = Services.body(msg);
    String id = messageId(in);
    String given = optChannel(in);
    return channelOf(id, given, who).map(Channel::name).compose(channel -> {
      String stream = StreamName.channel(channel);
      JsonObject[] deleted = new JsonObject[1];
      return writer.appendWith(stream, conn -> lockStanding(conn, id)
          .compose(m -> mayChange(who, m, "delete"))
          .compose(m -> conn.preparedQuery(MessageQueries.DELETE).execute(Tuple.of(id, who.userId()))
              .compose(rows -> {
                deleted[0] = event("message_deleted", id, channel)
                    .put("deletedAt", MessageView.time(rows.iterator().next().getOffsetDateTime(0)))
                    .put("deletedBy", who.userId()).put("threadId", m.threadId);
                return conn.preparedQuery(MessageQueries.DELETE_REACTIONS).execute(Tuple.of(id));
              })
              .compose(x -> {
                List<Append> events = new ArrayList<>(List.of(append(deleted[0])));
                if (m.threadId == null) {
                  return Future.succeededFuture(events);
                }
                // A reply fewer in its thread: the root's summary says so.
                return conn.preparedQuery(MessageQueries.THREAD_UNREPLY).execute(Tuple.of(m.threadId)).map(rows -> {
                  if (rows.size() > 0) {
                    Row s = rows.iterator().next();
                    events.add(append(event("thread_updated", m.threadId, channel).put("threadSummary",
                        MessageView.threadSummary(s.getInteger(0), s.getOffsetDateTime(1), s.getArrayOfStrings(2)))));
                  }
                  return events;
                });
              })))
          .map(seqs -> new JsonObject().put("messageId", id).put("channel", channel).put("stream", stream)
              .put("seq", seqs.get(0)).put("deletedAt", deleted[0].getString("deletedAt")));
    });
  }

  private static Future<Locked> mayChange(Principal who, Locked m, String what) {
    return who.isOwnerOr(m.authorId, "admin") ? Future.succeededFuture(m)
        : Future.failedFuture(AppException.forbidden("only the author or an admin may " + what + " this message"));
  }

  // ---- reactions: anyone who reads the channel ----

  Future<JsonObject> reaction(Message<Object> msg) {
    Principal who = Principal.of(msg);
    JsonObject in = Services.body(msg);
    String id = messageId(in);
    String emoji = Json.requireString(in, "emoji", Emoji.MAX);
    if (!Emoji.isValid(emoji)) {
      throw AppException.invalid("'emoji' must be one emoji or a :name: of at most " + Emoji.MAX + " characters");
    }
    Object op = in.getValue("op", "add");
    if (!"add".equals(op) && !"remove".equals(op)) {
      throw AppException.invalid("'op' must be \"add\" or \"remove\"");
    }
    boolean add = "add".equals(op);
    String given = optChannel(in);
    return channelOf(id, given, who).compose(ch -> {
      String channel = ch.name();
      String stream = StreamName.channel(channel);
      JsonObject[] counts = new JsonObject[1];
      return writer.appendWith(stream, conn -> lockStanding(conn, id)
          .compose(m -> add ? conn.preparedQuery(MessageQueries.DISTINCT_EMOJI).execute(Tuple.of(id))
              .compose(n -> n.iterator().next().getLong(0) >= MAX_EMOJI_PER_MESSAGE
                  ? Future.failedFuture(AppException.invalid("a message carries at most " + MAX_EMOJI_PER_MESSAGE
                      + " different emoji"))
                  : conn.preparedQuery(MessageQueries.REACT_ADD).execute(Tuple.of(id, emoji, who.userId())))
              : conn.preparedQuery(MessageQueries.REACT_REMOVE).execute(Tuple.of(id, emoji, who.userId())))
          .compose(changed -> conn.preparedQuery(MessageQueries.COUNTS).execute(Tuple.of(id)).map(rows -> {
            counts[0] = new JsonObject();
            rows.forEach(r -> counts[0].put(r.getString(0), r.getLong(1)));
            // Adding twice (or removing what is not there) changes nothing: no event, the same counts.
            return changed.rowCount() == 0 ? List.<Append>of()
                : List.of(append(event("reaction_updated", id, channel).put("emoji", emoji)
                    .put("userId", who.userId()).put("op", op).put("counts", counts[0])));
          })))
          .map(seqs -> new JsonObject().put("messageId", id).put("channel", channel).put("emoji", emoji).put("op", op)
              .put("counts", counts[0]).put("changed", !seqs.isEmpty()).put("stream", stream)
              .put("seq", seqs.isEmpty() ? null : seqs.get(0)));
    });
  }

  // ---- pins: admins, approvers and the channel's writers ----

  Future<JsonObject> pin(Message<Object> msg) {
    Principal who = Principal.of(msg);
    JsonObject in = Services.body(msg);
    String id = messageId(in);
    Object pinned = in.getValue("pinned", Boolean.TRUE);
    if (!(pinned instanceof Boolean)) {
      throw AppException.invalid("'pinned' must be true or false");
    }
    boolean pin = (Boolean) pinned;
    String given = optChannel(in);
    return channelOf(id, given, who).compose(ch -> {
      String channel = ch.name();
      if (!who.has("admin") && !who.has("approver") && !ch.mayWrite(who)) {
        return Future.failedFuture(AppException.forbidden("pinning in '" + channel
            + "' needs the admin or approver role or the right to post there"));
      }
      String stream = StreamName.channel(channel);
      return writer.appendWith(stream, conn -> lockStanding(conn, id).compose(m -> m.pinned == pin
              ? Future.succeededFuture(List.<Append>of()) // already so: nothing to record
              : conn.preparedQuery(MessageQueries.PIN).execute(Tuple.of(id, pin, who.userId()))
                  .map(r -> List.of(append(event("message_pinned", id, channel).put("pinned", pin)
                      .put("by", who.userId()))))))
          .map(seqs -> new JsonObject().put("messageId", id).put("channel", channel).put("pinned", pin)
              .put("changed", !seqs.isEmpty()).put("stream", stream).put("seq", seqs.isEmpty() ? null : seqs.get(0)));
    });
  }
}
