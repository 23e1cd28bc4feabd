package io.agentbus.router;

import io.agentbus.bus.AppException;
import io.agentbus.bus.Principal;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.util.HashMap;
import java.util.Map;

/**
 * The channels a router instance has seen, by name. A miss goes to the database, so a channel
 * created on another node is found; a channel is never dropped and its name never changes, and a
 * change of title or archived state is announced cluster-wide, which drops the entry ({@link #forget}).
 * Membership of a private channel or DM is not cached: it is read on every check, so a member
 * removed on one node is refused at once on every node.
 */
final class Channels {

  private final Pool pool;
  private final Map<String, Channel> seen = new HashMap<>();

  Channels(Pool pool) {
    this.pool = pool;
  }

  /** The channel, or a NOT_FOUND failure; not a reader's check (see {@link #visible}). */
  Future<Channel> get(String name) {
    Channel c = seen.get(name);
    if (c != null) {
      return Future.succeededFuture(c);
    }
    return pool.preparedQuery(RouterQueries.CHANNEL_BY_NAME).execute(Tuple.of(name)).compose(rows -> {
      if (rows.size() == 0) {
        return Future.failedFuture(notFound(name));
      }
      Channel found = Channel.of(rows.iterator().next());
      seen.put(name, found);
      return Future.succeededFuture(found);
    });
  }

  /**
   * The channel as {@code who} may see it: a public one, or a private one or DM they are a member
   * of. Anyone else is told exactly what they would be told of a channel that does not exist.
   */
  Future<Channel> visible(String name, Principal who) {
    return get(name).compose(c -> c.isPublic() ? Future.succeededFuture(c)
        : isMember(name, who.userId()).compose(in -> in ? Future.succeededFuture(c) : Future.failedFuture(notFound(name))));
  }

  Future<Boolean> isMember(String name, String userId) {
    return pool.preparedQuery(RouterQueries.IS_MEMBER).execute(Tuple.of(name, userId)).map(rows -> rows.size() > 0);
  }

  static AppException notFound(String name) {
    return AppException.notFound("no channel '" + name + "'");
  }

  /** Read again next time: it was renamed or archived (on any node: {@code Addresses.CHANNELS_CHANGED}). */
  void forget(String name) {
    seen.remove(name);
  }

  void remember(Channel c) {
    seen.put(c.name(), c);
  }
}
