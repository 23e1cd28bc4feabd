package io.agentbus.router;

import io.agentbus.bus.AppException;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.util.HashMap;
import java.util.Map;

/**
 * The channels a router instance has seen, by name. A miss goes to the database, so a channel
 * created on another node is found; channels are never renamed or dropped, so a hit stays true.
 */
final class Channels {

  private final Pool pool;
  private final Map<String, Channel> seen = new HashMap<>();

  Channels(Pool pool) {
    this.pool = pool;
  }

  /** The channel, or a NOT_FOUND failure. */
  Future<Channel> get(String name) {
    Channel c = seen.get(name);
    if (c != null) {
      return Future.succeededFuture(c);
    }
    return pool.preparedQuery(RouterQueries.CHANNEL_BY_NAME).execute(Tuple.of(name)).compose(rows -> {
      if (rows.size() == 0) {
        return Future.failedFuture(AppException.notFound("no channel '" + name + "'"));
      }
      Channel found = Channel.of(rows.iterator().next());
      seen.put(name, found);
      return Future.succeededFuture(found);
    });
  }

  void remember(Channel c) {
    seen.put(c.name(), c);
  }
}
