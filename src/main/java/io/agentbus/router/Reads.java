package io.agentbus.router;

import io.agentbus.bus.AppException;
import io.agentbus.bus.Json;
import io.agentbus.bus.Names;
import io.agentbus.bus.Principal;
import io.agentbus.bus.Services;
import io.agentbus.stream.StreamName;
import io.agentbus.stream.StreamStore;
import io.agentbus.bus.Addresses;
import io.agentbus.bus.Requests;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;

import java.util.Map;

/**
 * What users read of the chat (PROTOCOL §3, §7): history pages of a channel or a thread, pins,
 * ranked search, and read markers with the unread counts they give.
 */
final class Reads {

  /** Unread messages are counted up to this; past it a client shows "10000+". */
  static final int UNREAD_CAP = 10_000;
  static final int SEARCH_MAX = 50;
  static final int SEARCH_DEFAULT = 20;
  static final int QUERY_MAX = 200;

  private final Vertx vertx;
  private final Pool pool;
  /** Searches only ({@link io.agentbus.db.Database#searchPool}). */
  private final Pool searchPool;
  private final StreamStore streams;
  private final Channels channels;
  private final int historyDefault;
  private final int historyMax;

  Reads(Vertx vertx, Pool pool, Pool searchPool, StreamStore streams, Channels channels, int historyDefault, int historyMax) {
    this.vertx = vertx;
    this.pool = pool;
    this.searchPool = searchPool;
    this.streams = streams;
    this.channels = channels;
    this.historyDefault = historyDefault;
    this.historyMax = historyMax;
  }

  static String channelName(JsonObject body) {
    String name = Json.requireString(body, "channel", 64);
    if (!Names.isChannel(name)) {
      throw AppException.invalid("'channel' must match [a-z0-9][a-z0-9_-]{0,63}");
    }
    return name;
  }

  /**
   * {channel, before?, after?, limit?, threadId?, topLevel?}: the {@code limit} messages before seq
   * {@code before} (or the first {@code limit} after seq {@code after}), oldest first. With
   * {@code threadId}: that thread's replies (and its root as {@code root}); with
   * {@code topLevel: true}: no thread replies.
   */
  Future<JsonObject> history(Message<Object> msg) {
    Principal who = Principal.of(msg);
    JsonObject in = Services.body(msg);
    String name = channelName(in);
    Long before = Json.optLong(in, "before", 1, Long.MAX_VALUE);
    Long after = Json.optLong(in, "after", 0, Long.MAX_VALUE);
    Long askedLimit = Json.optLong(in, "limit", 1, historyMax);
    String threadId = Json.optString(in, "threadId", MessageChanges.ID_MAX);
    Object topLevel = in.getValue("topLevel", Boolean.FALSE);
    if (!(topLevel instanceof Boolean)) {
      throw AppException.invalid("'topLevel' must be true or false");
    }
    long limit = askedLimit == null ? historyDefault : askedLimit;
    long below = before == null ? Long.MAX_VALUE : before;
    if (after != null && (before != null || threadId != null)) {
      throw AppException.invalid("'after' pages a channel forward: not with 'before' or 'threadId'");
    }
    return channels.visible(name, who).compose(ch -> {
      if (after != null) {
        String sql = (Boolean) topLevel ? MessageQueries.PAGE_AFTER_TOP_LEVEL : MessageQueries.PAGE_AFTER;
        return page(sql, Tuple.of(name, after, limit + 1), limit, who, false)
            .map(page -> page.put("channel", name)).compose(this::markRemovedAttachments);
      }
      if (threadId == null) {
        String sql = (Boolean) topLevel ? MessageQueries.PAGE_TOP_LEVEL : MessageQueries.PAGE;
        return page(sql, Tuple.of(name, below, limit + 1), limit, who, true)
            .map(page -> page.put("channel", name)).compose(this::markRemovedAttachments);
      }
      return pool.preparedQuery(MessageQueries.ONE).execute(Tuple.of(threadId)).compose(rows -> {
        if (rows.size() == 0 || !name.equals(new JsonObject(rows.iterator().next().getString("frame"))
            .getString("channel"))) {
          return Future.failedFuture(AppException.notFound("no message '" + threadId + "' in '" + name + "'"));
        }
        return MessageView.withReactions(pool, rows, who.userId()).compose(root ->
            page(MessageQueries.THREAD_PAGE, Tuple.of(threadId, below, limit + 1), limit, who, true)
                .map(page -> page.put("channel", name).put("threadId", threadId).put("root", root.get(0)))
                .compose(this::markRemovedAttachments));
      });
    });
  }

  /**
   * A page of up to {@code limit} (the query asks one more, to tell {@code hasMore}), answered
   * oldest first: {@code newestFirst} when the query reads backwards from a seq ({@code before}).
   */
  private Future<JsonObject> page(String sql, Tuple args, long limit, Principal who, boolean newestFirst) {
    return pool.preparedQuery(sql).execute(args)
        .compose(rows -> MessageView.withReactions(pool, rows, who.userId()))
        .map(views -> {
          boolean hasMore = views.size() > limit;
          List<JsonObject> kept = new ArrayList<>(views.subList(0, (int) Math.min(views.size(), limit)));
          if (newestFirst) {
            Collections.reverse(kept);
          }
          JsonArray messages = new JsonArray(kept);
          return new JsonObject().put("messages", messages).put("hasMore", hasMore);
        });
  }

  /** {channel}: its pinned messages, the latest pin first. */
  Future<JsonObject> pins(Message<Object> msg) {
    Principal who = Principal.of(msg);
    String name = channelName(Services.body(msg));
    return channels.visible(name, who)
        .compose(ch -> pool.preparedQuery(MessageQueries.PINS).execute(Tuple.of(name)))
        .compose(rows -> MessageView.withReactions(pool, rows, who.userId()))
        .map(views -> new JsonObject().put("channel", name).put("pins", new JsonArray(views)));
  }

  /**
   * {query, channel?, limit?, before?}: ranked matches, best first. {@code before} is the cursor
   * of the last result of the previous page ({@code nextBefore}); a bare number is taken as a rank.
   */
  Future<JsonObject> search(Message<Object> msg) {
    Principal who = Principal.of(msg);
    JsonObject in = Services.body(msg);
    Object q = in.getValue("query", in.getValue("q"));
    if (!(q instanceof String query) || query.isBlank()) {
      throw AppException.invalid("'query' is required: 1 to " + QUERY_MAX + " characters");
    }
    if (query.length() > QUERY_MAX) {
      throw AppException.invalid("'query' is longer than " + QUERY_MAX + " characters");
    }
    String channel = in.getValue("channel") == null ? null : channelName(in);
    Long askedLimit = Json.optLong(in, "limit", 1, SEARCH_MAX);
    long limit = askedLimit == null ? SEARCH_DEFAULT : askedLimit;
    Float rank = null;
    Long id = Long.MAX_VALUE;
    Object before = in.getValue("before");
    if (before instanceof Number n) {
      rank = n.floatValue();
    } else if (before instanceof String s) {
      String[] parts = s.split("/", 2);
      try {
        rank = Float.parseFloat(parts[0]);
        id = parts.length > 1 ? Long.parseLong(parts[1]) : Long.MAX_VALUE;
      } catch (NumberFormatException e) {
        throw AppException.invalid("'before' must be a cursor from 'nextBefore' or a rank");
      }
    } else if (before != null) {
      throw AppException.invalid("'before' must be a cursor from 'nextBefore' or a rank");
    }
    // Only what the caller may read: a named channel they see, and never a private one they are not in.
    Future<?> scope = channel == null ? Future.succeededFuture() : channels.visible(channel, who);
    Float cursorRank = rank;
    Long cursorId = rank == null ? null : id;
    return scope.compose(x -> searchPool.preparedQuery(MessageQueries.SEARCH).execute(Tuple.tuple().addValue(query)
            .addValue(channel).addValue(cursorRank).addValue(cursorId).addValue(limit + 1).addValue(who.userId())))
        .compose(rows -> {
      Map<String, Row> extra = new HashMap<>();
      rows.forEach(r -> extra.put(r.getString("message_id"), r));
      return MessageView.withReactions(pool, rows, who.userId()).map(views -> {
        JsonArray results = new JsonArray();
        String next = null;
        for (int i = 0; i < Math.min(views.size(), limit); i++) {
          JsonObject v = views.get(i);
          Row r = extra.get(v.getString("messageId"));
          float rk = r.getFloat("rank");
          next = rk + "/" + r.getLong("id");
          results.add(new JsonObject().put("message", v).put("channel", r.getString("channel")).put("rank", rk)
              .put("snippet", r.getString("snippet")).put("cursor", next));
        }
        boolean hasMore = views.size() > limit;
        return new JsonObject().put("query", query).put("results", results).put("hasMore", hasMore)
            .put("nextBefore", hasMore ? next : null);
      });
    });
  }

  /** {channel, seq}: the caller has read the channel up to seq (clamped to its last). */
  Future<JsonObject> read(Message<Object> msg) {
    Principal who = Principal.of(msg);
    JsonObject in = Services.body(msg);
    String name = channelName(in);
    Long seq = Json.optLong(in, "seq", 0, Long.MAX_VALUE);
    if (seq == null) {
      throw AppException.invalid("'seq' is required");
    }
    return channels.visible(name, who)
        .compose(ch -> streams.lastSeq(StreamName.channel(name)))
        .compose(last -> pool.preparedQuery(MessageQueries.READ).execute(Tuple.of(who.userId(), name,
            Math.min(seq, last))))
        .map(rows -> new JsonObject().put("channel", name).put("seq", rows.iterator().next().getLong(0)));
  }

  /** The caller's read seq and unread count of every channel they may see. */
  Future<Map<String, long[]>> unread(Principal who) {
    return pool.preparedQuery(MessageQueries.UNREAD).execute(Tuple.of(who.userId())).map(rows -> {
      Map<String, long[]> out = new HashMap<>();
      rows.forEach(r -> out.put(r.getString(0), new long[] {r.getLong(1), r.getLong(2)}));
      return out;
    });
  }


  /** Attachments whose file was deleted since are shown so ({@code removed: true}); asked of the uploads verticle. */
  private Future<JsonObject> markRemovedAttachments(JsonObject page) {
    List<JsonObject> atts = new ArrayList<>();
    for (Object m : page.getJsonArray("messages")) {
      for (Object a : ((JsonObject) m).getJsonArray("attachments", new JsonArray())) {
        if (a instanceof JsonObject att && att.getString("fileId") != null) {
          atts.add(att);
        }
      }
    }
    if (atts.isEmpty()) {
      return Future.succeededFuture(page);
    }
    JsonArray ids = new JsonArray(atts.stream().map(a -> a.getString("fileId")).distinct().toList());
    return vertx.eventBus().<JsonObject>request(Addresses.UPLOADS_REMOVED, new JsonObject().put("fileIds", ids),
            Requests.control())
        .map(m -> {
          JsonArray removed = m.body().getJsonArray("removed");
          atts.forEach(a -> {
            if (removed.contains(a.getString("fileId"))) {
              a.put("removed", true);
            }
          });
          return page;
        })
        .otherwise(page); // no uploads verticle answering: the page as stored
  }
}
