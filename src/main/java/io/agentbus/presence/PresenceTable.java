package io.agentbus.presence;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * One node's view of presence: its own connections, counted, and the other nodes' tables as they
 * last said. Pure data, no I/O, used from one thread.
 */
final class PresenceTable {

  /** A node whose full table has not arrived for this long is taken as gone. */
  static final long STALE_MS = 12_000;

  /** A user's connections to a channel on this node, and since when they have had one. */
  private static final class Local {
    int count;
    final long since;

    Local(long since) {
      this.since = since;
    }
  }

  private final Map<String, Map<String, Local>> local = new HashMap<>();
  /** node → channel → user → since. */
  private final Map<String, Map<String, Map<String, Long>>> remote = new HashMap<>();
  private final Map<String, Long> heardAt = new HashMap<>();

  /** One more local connection; true when it is the user's first on this node. */
  boolean joinLocal(String channel, String user, long now) {
    Local l = local.computeIfAbsent(channel, c -> new HashMap<>()).computeIfAbsent(user, u -> new Local(now));
    return ++l.count == 1;
  }

  /** One local connection fewer; true when it was the user's last on this node. */
  boolean leaveLocal(String channel, String user) {
    Map<String, Local> users = local.get(channel);
    Local l = users == null ? null : users.get(user);
    if (l == null) {
      return false;
    }
    if (--l.count > 0) {
      return false;
    }
    users.remove(user);
    if (users.isEmpty()) {
      local.remove(channel);
    }
    return true;
  }

  /** Since when the user has been on this node in the channel (null: not). */
  Long localSince(String channel, String user) {
    Map<String, Local> users = local.get(channel);
    Local l = users == null ? null : users.get(user);
    return l == null ? null : l.since;
  }

  /** This node's table, channel → user → since, as sent to the others. */
  Map<String, Map<String, Long>> localTable() {
    Map<String, Map<String, Long>> out = new HashMap<>();
    local.forEach((ch, users) -> {
      Map<String, Long> m = new HashMap<>();
      users.forEach((u, l) -> m.put(u, l.since));
      out.put(ch, m);
    });
    return out;
  }

  void remoteJoin(String node, String channel, String user, long since, long now) {
    remote.computeIfAbsent(node, n -> new HashMap<>()).computeIfAbsent(channel, c -> new HashMap<>())
        .put(user, since);
    heardAt.putIfAbsent(node, now);
  }

  void remoteLeave(String node, String channel, String user) {
    Map<String, Map<String, Long>> tables = remote.get(node);
    Map<String, Long> users = tables == null ? null : tables.get(channel);
    if (users != null) {
      users.remove(user);
      if (users.isEmpty()) {
        tables.remove(channel);
      }
    }
  }

  /** A node's whole table; answers the channels whose entries for that node changed. */
  Set<String> remoteFull(String node, Map<String, Map<String, Long>> table, long now) {
    heardAt.put(node, now);
    Map<String, Map<String, Long>> before = remote.put(node, table);
    Set<String> changed = new HashSet<>();
    Set<String> all = new HashSet<>(table.keySet());
    if (before != null) {
      all.addAll(before.keySet());
    }
    for (String ch : all) {
      Map<String, Long> a = before == null ? null : before.get(ch);
      Map<String, Long> b = table.get(ch);
      if (a == null || b == null ? a != b : !a.keySet().equals(b.keySet())) {
        changed.add(ch);
      }
    }
    return changed;
  }

  /** The channels a node has users in, as it last said. */
  Set<String> channelsOf(String node) {
    Map<String, Map<String, Long>> tables = remote.get(node);
    return tables == null ? Set.of() : new HashSet<>(tables.keySet());
  }

  /** Forgets a node; answers the channels it had users in. */
  Set<String> dropNode(String node) {
    heardAt.remove(node);
    Map<String, Map<String, Long>> gone = remote.remove(node);
    return gone == null ? Set.of() : new HashSet<>(gone.keySet());
  }

  /** Nodes not heard from for {@link #STALE_MS}. */
  List<String> staleNodes(long now) {
    List<String> out = new ArrayList<>();
    heardAt.forEach((node, at) -> {
      if (now - at > STALE_MS) {
        out.add(node);
      }
    });
    return out;
  }

  /** Who is online in the channel, cluster-wide as this node sees it: user → earliest since, by user. */
  Map<String, Long> online(String channel) {
    Map<String, Long> out = new TreeMap<>();
    Map<String, Local> mine = local.get(channel);
    if (mine != null) {
      mine.forEach((u, l) -> out.merge(u, l.since, Math::min));
    }
    for (Map<String, Map<String, Long>> tables : remote.values()) {
      Map<String, Long> users = tables.get(channel);
      if (users != null) {
        users.forEach((u, since) -> out.merge(u, since, Math::min));
      }
    }
    return out;
  }
}
