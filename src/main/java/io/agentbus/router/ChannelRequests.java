package io.agentbus.router;

import io.agentbus.auth.TokenService;
import io.agentbus.bus.AppException;
import io.agentbus.bus.ErrorCode;
import io.agentbus.bus.Json;
import io.agentbus.bus.Names;
import io.agentbus.bus.Principal;
import io.agentbus.bus.Services;
import io.agentbus.stream.StreamName;
import io.agentbus.stream.StreamStore;
import io.vertx.core.Future;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Listing channels (with each one's last seq and the caller's unread count) and creating them. */
final class ChannelRequests {

  private final Pool pool;
  private final StreamStore streams;
  private final Channels channels;
  private final Reads reads;

  ChannelRequests(Pool pool, StreamStore streams, Channels channels, Reads reads) {
    this.pool = pool;
    this.streams = streams;
    this.channels = channels;
    this.reads = reads;
  }


  Future<JsonObject> list(Message<Object> msg) {
    Principal who = Principal.of(msg);
    return pool.query(RouterQueries.CHANNELS).execute().compose(rows -> {
      List<Channel> all = new ArrayList<>();
      rows.forEach(r -> all.add(Channel.of(r)));
      Future<Map<String, Long>> seqs = streams.lastSeqs(all.stream().map(c -> StreamName.channel(c.name())).toList());
      return Future.all(seqs, reads.unread(who)).map(both -> {
        Map<String, long[]> unread = both.resultAt(1);
        JsonArray list = new JsonArray();
        for (Channel c : all) {
          long[] u = unread.getOrDefault(c.name(), new long[] {0, 0});
          list.add(c.toJson().put("lastSeq", seqs.result().getOrDefault(StreamName.channel(c.name()), 0L))
              .put("lastReadSeq", u[0]).put("unread", u[1]));
        }
        return new JsonObject().put("channels", list);
      });
    });
  }

  Future<JsonObject> create(Message<Object> msg) {
    Principal who = Principal.of(msg);
    JsonObject in = Services.body(msg);
    String name = Json.requireString(in, "name", 64);
    if (!Names.isChannel(name)) {
      throw AppException.invalid("'name' must match [a-z0-9][a-z0-9_-]{0,63}");
    }
    String description = Json.optString(in, "description", 500);
    JsonArray writeRoles = in.containsKey("writeRoles") && in.getValue("writeRoles") != null
        ? Json.optStringArray(in, "writeRoles", 4, 16) : null;
    if (writeRoles != null) {
      if (!who.has("admin")) {
        throw AppException.forbidden("only an admin may restrict who posts in a channel");
      }
      for (Object r : writeRoles) {
        if (!TokenService.KNOWN_ROLES.contains(r)) {
          throw AppException.invalid("unknown role '" + r + "' in 'writeRoles'");
        }
      }
    }
    String[] roles = writeRoles == null ? null : writeRoles.stream().map(String::valueOf).toArray(String[]::new);
    Tuple t = Tuple.tuple().addValue(name).addValue(description == null ? "" : description).addValue(roles)
        .addValue(who.userId());
    return pool.preparedQuery(RouterQueries.CREATE_CHANNEL).execute(t).compose(rows -> {
      if (rows.size() == 0) {
        return Future.failedFuture(new AppException(ErrorCode.CONFLICT, "channel '" + name + "' already exists"));
      }
      Channel c = Channel.of(rows.iterator().next());
      channels.remember(c);
      return Future.succeededFuture(c.toJson().put("lastSeq", 0L));
    });
  }
}
