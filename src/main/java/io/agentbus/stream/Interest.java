package io.agentbus.stream;

import io.agentbus.bus.Addresses;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which nodes follow which streams, as their hubs announce on {@link Addresses#INTEREST}: a change
 * when a node starts or stops following a stream, and the full set every
 * {@link #ANNOUNCE_MS}. A node not heard from for {@link #EXPIRY_MS} is forgotten. Writers send an
 * event only to the nodes that follow its stream.
 *
 * <p>Delivery does not depend on this table being current: a node that misses an event (it
 * started following a moment before the writer learned so) reads it from PostgreSQL through its
 * gap fill or periodic resync. The table only decides who gets events pushed.
 *
 * <p>Not thread-safe: owned by one verticle's context.
 */
public final class Interest {

  public static final long ANNOUNCE_MS = 2_000;
  static final long EXPIRY_MS = 7_000;

  private final Map<String, Set<String>> byNode = new HashMap<>();
  private final Map<String, Long> lastSeen = new HashMap<>();
  private final Map<String, Set<String>> byStream = new HashMap<>();

  /** An announcement: {@code {node, full:[…]}} or {@code {node, add:[…]}} or {@code {node, remove:[…]}}. */
  public void onAnnouncement(JsonObject a) {
    String node = a.getString("node");
    if (node == null) {
      return;
    }
    lastSeen.put(node, System.currentTimeMillis());
    JsonArray full = a.getJsonArray("full");
    if (full != null) {
      Set<String> now = new HashSet<>();
      full.forEach(s -> now.add((String) s));
      Set<String> before = byNode.getOrDefault(node, Set.of());
      for (String s : before) {
        if (!now.contains(s)) {
          unindex(node, s);
        }
      }
      for (String s : now) {
        index(node, s);
      }
      byNode.put(node, now);
      return;
    }
    Set<String> mine = byNode.computeIfAbsent(node, n -> new HashSet<>());
    for (Object s : a.getJsonArray("add", new JsonArray())) {
      mine.add((String) s);
      index(node, (String) s);
    }
    for (Object s : a.getJsonArray("remove", new JsonArray())) {
      mine.remove((String) s);
      unindex(node, (String) s);
    }
  }

  /**
   * Keeps this table current from the announcements, for a verticle that writes streams (call on
   * its context). A node that leaves the cluster is forgotten as soon as Hazelcast removes it, so
   * writers stop sending to it at once; a node that stops announcing, after {@link #EXPIRY_MS}.
   */
  public io.vertx.core.eventbus.MessageConsumer<JsonObject> listen(io.vertx.core.Vertx vertx) {
    vertx.setPeriodic(ANNOUNCE_MS, id -> expire());
    io.vertx.core.Context context = vertx.getOrCreateContext();
    io.agentbus.bus.ClusterMembers.onLeft(vertx, nodeId -> context.runOnContext(v -> forgetNode(Addresses.nodeEvents(nodeId))));
    return vertx.eventBus().consumer(Addresses.INTEREST, m -> onAnnouncement(m.body()));
  }

  /** Forgets everything a node followed (it left the cluster). */
  public void forgetNode(String node) {
    lastSeen.remove(node);
    Set<String> streams = byNode.remove(node);
    if (streams != null) {
      for (String s : streams) {
        unindex(node, s);
      }
    }
  }

  /** The node addresses following {@code stream} (empty when nobody does). */
  public Collection<String> targets(String stream) {
    Set<String> t = byStream.get(stream);
    return t == null ? List.of() : t;
  }

  /** Forgets nodes that stopped announcing (gone, or partitioned away). */
  public void expire() {
    long now = System.currentTimeMillis();
    for (Iterator<Map.Entry<String, Long>> it = lastSeen.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<String, Long> e = it.next();
      if (now - e.getValue() > EXPIRY_MS) {
        it.remove();
        Set<String> streams = byNode.remove(e.getKey());
        if (streams != null) {
          for (String s : streams) {
            unindex(e.getKey(), s);
          }
        }
      }
    }
  }

  private void index(String node, String stream) {
    byStream.computeIfAbsent(stream, s -> new HashSet<>()).add(node);
  }

  private void unindex(String node, String stream) {
    Set<String> nodes = byStream.get(stream);
    if (nodes != null) {
      nodes.remove(node);
      if (nodes.isEmpty()) {
        byStream.remove(stream);
      }
    }
  }
}
