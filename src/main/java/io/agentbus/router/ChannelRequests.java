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

/**
 * Listing the channels the caller may see (with each one's last seq and the caller's unread count)
 * and creating them: public, or private with members (PROTOCOL §7.1; the creator is a member).
 */
final class ChannelRequests {

  private final Pool pool;
  private final StreamStore streams;
  private final Channels channels;
  private final Reads reads;
  private final Memberships memberships;

  ChannelRequests(Pool pool, StreamStore streams, Channels channels, Reads reads, Memberships memberships) {
    this.pool = pool;
    this.streams = streams;
    this.channels = channels;
    this.reads = reads;
    this.memberships = memberships;
  }


  Future<JsonObject> list(Message<Object> msg) {
    Principal who = Principal.of(msg);
    return pool.preparedQuery(RouterQueries.CHANNELS_FOR).execute(Tuple.of(who.userId())).compose(rows -> {
      List<Channel> all = new ArrayList<>();
      Map<String, String> peers = new java.util.HashMap<>();
      rows.forEach(r -> {
        Channel c = Channel.of(r);
        all.add(c);
        if (Channel.DM.equals(c.kind()) && c.dmAgent() == null && r.getString("peer") != null) {
          peers.put(c.name(), r.getString("peer"));
        }
      });
      Future<Map<String, Long>> seqs = streams.lastSeqs(all.stream().map(c -> StreamName.channel(c.name())).toList());
      return Future.all(seqs, reads.unread(who)).map(both -> {
        Map<String, long[]> unread = both.resultAt(1);
        JsonArray list = new JsonArray();
        for (Channel c : all) {
          long[] u = unread.getOrDefault(c.name(), new long[] {0, 0});
          JsonObject j = c.toJson().put("lastSeq", seqs.result().getOrDefault(StreamName.channel(c.name()), 0L))
              .put("lastReadSeq", u[0]).put("unread", u[1]);
          if (peers.containsKey(c.name())) {
            j.put("with", peers.get(c.name())); // the other person of a DM, as this caller sees it
          }
          list.add(j);
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
    if (name.startsWith(Memberships.DM_PREFIX)) {
      throw AppException.invalid("names starting '" + Memberships.DM_PREFIX + "' are direct messages' (POST /api/dms)");
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
    Object priv = in.getValue("private", Boolean.FALSE);
    if (!(priv instanceof Boolean)) {
      throw AppException.invalid("'private' must be true or false");
    }
    JsonArray asked = Json.optStringArray(in, "members", Memberships.MAX_MEMBERS, 64);
    if (!(Boolean) priv && !asked.isEmpty()) {
      throw AppException.invalid("'members' is for a private channel ('private': true)");
    }
    String[] roles = writeRoles == null ? null : writeRoles.stream().map(String::valueOf).toArray(String[]::new);
    Tuple t = Tuple.tuple().addValue(name).addValue(description == null ? "" : description).addValue(roles)
        .addValue(who.userId()).addValue((Boolean) priv ? Channel.PRIVATE : Channel.PUBLIC).addValue(null);
    List<String> members = new ArrayList<>(List.of(who.userId()));
    asked.forEach(m -> {
      if (!members.contains((String) m)) {
        members.add((String) m);
      }
    });
    // Members must be known users (signed in at least once); then the channel and its members in one transaction.
    Future<Void> known = members.size() == 1 ? Future.succeededFuture() : memberships.requireKnown(members.subList(1, members.size()));
    return known.compose(v -> pool.withTransaction(conn -> conn.preparedQuery(RouterQueries.CREATE_CHANNEL).execute(t)
        .compose(rows -> {
          if (rows.size() == 0) {
            return Future.failedFuture(new AppException(ErrorCode.CONFLICT, "channel '" + name + "' already exists"));
          }
          Channel c = Channel.of(rows.iterator().next());
          if (c.isPublic()) {
            return Future.succeededFuture(c);
          }
          return conn.preparedQuery(RouterQueries.ADD_MEMBER).executeBatch(members.stream()
              .map(m -> Tuple.of(name, m, who.userId())).toList()).map(c);
        })))
        .map(c -> {
          channels.remember(c);
          memberships.changed(name, c.isPublic() ? null : members);
          JsonObject j = c.toJson().put("lastSeq", 0L);
          return c.isPublic() ? j : j.put("members", new JsonArray(members));
        });
  }

  /**
   * {channel, title?, description?, archived?}: by the channel's creator or an admin (a DM has none
   * of these). The name is the stream's key and never changes: renaming sets the title people see
   * ("" restores the name). An archived channel stays readable and searchable and takes no new
   * messages. Those who see the channel are told ({@code channels_changed}).
   */
  Future<JsonObject> update(Message<Object> msg) {
    Principal who = Principal.of(msg);
    JsonObject in = Services.body(msg);
    String name = Reads.channelName(in);
    String title = Json.optString(in, "title", 80);
    if (title != null && (title.strip().length() != title.length() || title.chars().anyMatch(Character::isISOControl))) {
      throw AppException.invalid("'title' must be trimmed, without control characters (\"\" restores the name)");
    }
    String description = Json.optString(in, "description", 500);
    Object archived = in.getValue("archived");
    if (archived != null && !(archived instanceof Boolean)) {
      throw AppException.invalid("'archived' must be true or false");
    }
    if (title == null && description == null && archived == null) {
      throw AppException.invalid("nothing to change: give 'title', 'description' or 'archived'");
    }
    return channels.visible(name, who).compose(c -> {
      if (Channel.DM.equals(c.kind())) {
        return Future.failedFuture(AppException.invalid("a DM has no title, description or archive"));
      }
      if (!who.has("admin") && !who.userId().equals(c.createdBy())) {
        return Future.failedFuture(AppException.forbidden("only the creator of '" + name + "' or an admin changes it"));
      }
      return pool.preparedQuery(RouterQueries.UPDATE_CHANNEL).execute(Tuple.of(name, title, description, archived))
          .map(rows -> Channel.of(rows.iterator().next()));
    }).compose(c -> {
      channels.remember(c);
      Future<List<String>> told = c.isPublic() ? Future.succeededFuture(null) : memberships.memberIds(name);
      return told.map(ids -> {
        memberships.changed(name, ids);
        return c.toJson();
      });
    });
  }
}
