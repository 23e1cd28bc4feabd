package io.agentbus.presence;

import io.agentbus.bus.Addresses;
import io.agentbus.bus.AppException;
import io.agentbus.bus.Json;
import io.agentbus.bus.Names;
import io.agentbus.bus.Principal;
import io.agentbus.bus.Services;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import org.slf4j.LoggerFactory;

/**
 * {@code agentbus.chat.presence} {channel} → {online:[{userId, since}]}: answered by every node from
 * its own copy of the cluster's presence (the package explains why the copies agree), so a
 * transport asks its own node. A channel that does not exist is NOT_FOUND, as its history is.
 */
public final class PresenceService {

  /**
   * Only whether the channel exists for the caller (the router owns the tables): public, or a
   * private channel or DM they are a member of — to anyone else it does not (PROTOCOL §7.1).
   */
  private static final String CHANNEL_EXISTS = "SELECT 1 FROM channels c WHERE c.name = $1 AND (c.kind = 'public' "
      + "OR EXISTS (SELECT 1 FROM channel_members m WHERE m.channel = c.name AND m.user_id = $2))";

  private PresenceService() {}

  /** Serves presence from {@code presence} on this node. */
  public static MessageConsumer<Object> serve(Vertx vertx, Presence presence, Pool pool) {
    return Services.serve(vertx, LoggerFactory.getLogger(PresenceService.class), Addresses.CHAT_PRESENCE, m -> {
      Principal who = Principal.of(m);
      String channel = Json.requireString(Services.body(m), "channel", 64);
      if (!Names.isChannel(channel)) {
        throw AppException.invalid("'channel' must match [a-z0-9][a-z0-9_-]{0,63}");
      }
      return pool.preparedQuery(CHANNEL_EXISTS).execute(Tuple.of(channel, who.userId())).compose(rows -> rows.size() == 0
          ? Future.failedFuture(AppException.notFound("no channel '" + channel + "'"))
          : presence.online(channel));
    });
  }
}
