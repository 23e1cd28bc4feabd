package io.agentbus.stream;

import io.agentbus.bus.Json;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.Map;

/**
 * Who is typing in each followed channel on this node, from the ephemeral {@code typing} events
 * every node receives (never stored, never ordered). A change is sent to the channel's live
 * subscribers as {@code typing_update} (not to the user who changed); a user who stops sending
 * typing events drops out after {@link #TTL_MS}.
 *
 * <p>Not thread-safe: the hub's context.
 */
final class Typing {

  static final long TTL_MS = 6_000;

  private final Vertx vertx;

  Typing(Vertx vertx) {
    this.vertx = vertx;
  }

  /** An ephemeral event of {@code kind} for a followed stream. */
  void onEvent(StreamState st, String kind, String body) {
    if (!"typing".equals(kind)) {
      return;
    }
    JsonObject e = new JsonObject(body);
    String user = e.getString("userId");
    boolean changed = Boolean.TRUE.equals(e.getBoolean("typing"))
        ? st.typing.put(user, System.currentTimeMillis() + TTL_MS) == null
        : st.typing.remove(user) != null;
    if (changed) {
      update(st, e.getString("channel"), user);
    }
  }

  /** Drops users whose typing has expired. */
  void sweep(Collection<StreamState> streams) {
    long now = System.currentTimeMillis();
    for (StreamState st : streams) {
      for (Iterator<Map.Entry<String, Long>> it = st.typing.entrySet().iterator(); it.hasNext(); ) {
        Map.Entry<String, Long> e = it.next();
        if (e.getValue() < now) {
          it.remove();
          update(st, StreamName.idOf(st.stream), e.getKey());
        }
      }
    }
  }

  private void update(StreamState st, String channel, String changedUser) {
    JsonObject update = new JsonObject().put("type", "typing_update").put("channel", channel)
        .put("users", new JsonArray(new ArrayList<>(st.typing.keySet()))).put("timestamp", Json.now());
    Frame frame = new Frame(update.encode());
    for (StreamState.Sub sub : st.subs.values()) {
      if (sub.live && !changedUser.equals(sub.sink.userId())) {
        sub.sink.write(frame);
      }
    }
    if (st.bridgeRefs > 0) {
      vertx.eventBus().publish(StreamName.browserAddress(st.stream), update, new DeliveryOptions().setLocalOnly(true));
    }
  }
}
