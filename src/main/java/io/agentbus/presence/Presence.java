package io.agentbus.presence;

import io.agentbus.bus.Addresses;
import io.agentbus.bus.ClusterMembers;
import io.agentbus.bus.Json;
import io.agentbus.stream.StreamHub;
import io.agentbus.stream.StreamName;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.eventbus.MessageConsumer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The node's presence (see the package documentation): one per node, on its hub's context;
 * the bridge's connections call {@link #join} and {@link #leave} from any event loop.
 */
public final class Presence {

  /** How often each node sends its whole table. */
  static final long ANNOUNCE_MS = 4_000;

  private final Vertx vertx;
  /** The hub's context, from {@link #start}. */
  private volatile Context context;
  private MessageConsumer<JsonObject> consumer;
  private long timer = -1;
  private final StreamHub hub;
  private final String node;
  private final PresenceTable table = new PresenceTable();

  /** The node's presence; made by the node ({@code NodeParts}), started with its hub. */
  public Presence(Vertx vertx, StreamHub hub, String nodeId) {
    this.vertx = vertx;
    this.hub = hub;
    this.node = nodeId;
  }

  /** Starts on the hub's context once the hub runs ({@link StreamHub#startOn}); a second call does nothing. */
  public synchronized void start() {
    if (context != null) {
      return;
    }
    Context ctx = hub.context();
    context = ctx;
    ctx.runOnContext(v -> {
      consumer = vertx.eventBus().<JsonObject>consumer(Addresses.PRESENCE, this::onMessage);
      consumer.completion().onSuccess(x -> vertx.eventBus().publish(Addresses.PRESENCE, new JsonObject()
          .put("node", node).put("op", "hello")));
      timer = vertx.setPeriodic(ANNOUNCE_MS, id -> {
        announce();
        long now = System.currentTimeMillis();
        table.staleNodes(now).forEach(this::dropNode);
      });
    });
    ClusterMembers.onLeft(vertx, left -> ctx.runOnContext(v -> dropNode(left)));
  }

  /** Stops announcing and listening (the node's bridges have stopped). */
  public synchronized void close() {
    Context ctx = context;
    if (ctx != null) {
      ctx.runOnContext(v -> {
        vertx.cancelTimer(timer);
        if (consumer != null) {
          consumer.unregister();
        }
      });
    }
  }

  /** A connection of {@code user} now follows the channel. */
  public void join(String channel, String user) {
    context.runOnContext(v -> {
      long now = System.currentTimeMillis();
      Map<String, Long> before = table.online(channel);
      if (table.joinLocal(channel, user, now)) {
        vertx.eventBus().publish(Addresses.PRESENCE, new JsonObject().put("node", node).put("op", "join")
            .put("channel", channel).put("user", user).put("since", table.localSince(channel, user)));
        changed(channel, before);
      }
    });
  }

  /** A connection of {@code user} stopped following the channel (unsubscribed or closed). */
  public void leave(String channel, String user) {
    context.runOnContext(v -> {
      Map<String, Long> before = table.online(channel);
      if (table.leaveLocal(channel, user)) {
        vertx.eventBus().publish(Addresses.PRESENCE, new JsonObject().put("node", node).put("op", "leave")
            .put("channel", channel).put("user", user));
        changed(channel, before);
      }
    });
  }

  /** Who is online in the channel: {channel, online:[{userId, since}]}. Call on any thread. */
  public io.vertx.core.Future<JsonObject> online(String channel) {
    io.vertx.core.Promise<JsonObject> p = io.vertx.core.Promise.promise();
    context.runOnContext(v -> {
      JsonArray online = new JsonArray();
      table.online(channel).forEach((u, since) -> online.add(new JsonObject().put("userId", u)
          .put("since", Instant.ofEpochMilli(since).toString())));
      p.complete(new JsonObject().put("channel", channel).put("online", online));
    });
    return p.future();
  }

  private void announce() {
    JsonObject full = new JsonObject();
    table.localTable().forEach((ch, users) -> {
      JsonObject u = new JsonObject();
      users.forEach(u::put);
      full.put(ch, u);
    });
    vertx.eventBus().publish(Addresses.PRESENCE, new JsonObject().put("node", node).put("op", "full").put("full", full));
  }

  private void onMessage(Message<JsonObject> m) {
    JsonObject b = m.body();
    String from = b.getString("node");
    if (from == null || from.equals(node)) {
      return; // our own: already applied
    }
    long now = System.currentTimeMillis();
    String op = b.getString("op", "");
    switch (op) {
      case "hello" -> announce(); // a node joined: it learns everyone's table now, not in a few seconds
      case "join", "leave" -> {
        String channel = b.getString("channel");
        String user = b.getString("user");
        if (channel == null || user == null) {
          return;
        }
        Map<String, Long> before = table.online(channel);
        if (op.equals("join")) {
          table.remoteJoin(from, channel, user, b.getLong("since", now), now);
        } else {
          table.remoteLeave(from, channel, user);
        }
        changed(channel, before);
      }
      case "full" -> {
        Map<String, Map<String, Long>> full = new HashMap<>();
        b.getJsonObject("full", new JsonObject()).forEach(e -> {
          Map<String, Long> users = new HashMap<>();
          if (e.getValue() instanceof JsonObject u) {
            u.forEach(x -> users.put(x.getKey(), ((Number) x.getValue()).longValue()));
          }
          full.put(e.getKey(), users);
        });
        java.util.Set<String> touched = new java.util.HashSet<>(full.keySet());
        touched.addAll(table.channelsOf(from));
        Map<String, Map<String, Long>> before = snapshot(touched, table);
        Set<String> channels = table.remoteFull(from, full, now);
        channels.forEach(ch -> changed(ch, before.get(ch)));
      }
      default -> { }
    }
  }

  /** Before a full table replaces a node's, the online sets of channels it may touch. */
  private static Map<String, Map<String, Long>> snapshot(Collection<String> channels, PresenceTable t) {
    Map<String, Map<String, Long>> out = new HashMap<>();
    for (String ch : channels) {
      out.put(ch, t.online(ch));
    }
    return out;
  }

  private void dropNode(String gone) {
    if (gone.equals(node)) {
      return;
    }
    Map<String, Map<String, Long>> before = new HashMap<>();
    // Known only after the drop; read the sets first for every channel the node may have had.
    for (String ch : table.channelsOf(gone)) {
      before.put(ch, table.online(ch));
    }
    for (String ch : table.dropNode(gone)) {
      changed(ch, before.get(ch));
    }
  }

  /** Tells this node's subscribers of the channel who joined and left, when anyone did. */
  private void changed(String channel, Map<String, Long> before) {
    Map<String, Long> after = table.online(channel);
    List<String> joined = new ArrayList<>();
    List<String> left = new ArrayList<>();
    after.keySet().forEach(u -> {
      if (!before.containsKey(u)) {
        joined.add(u);
      }
    });
    before.keySet().forEach(u -> {
      if (!after.containsKey(u)) {
        left.add(u);
      }
    });
    if (joined.isEmpty() && left.isEmpty()) {
      return;
    }
    JsonObject update = new JsonObject().put("type", "presence_update").put("channel", channel)
        .put("joined", new JsonArray(joined)).put("left", new JsonArray(left))
        .put("online", new JsonArray(new ArrayList<>(after.keySet()))).put("timestamp", Json.now());
    hub.pushLocal(StreamName.channel(channel), update.encode());
  }
}
