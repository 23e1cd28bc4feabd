package io.agentbus.router;

import io.agentbus.bus.Addresses;
import io.agentbus.bus.AppException;
import io.agentbus.bus.Json;
import io.agentbus.bus.Names;
import io.agentbus.bus.Principal;
import io.agentbus.bus.Requests;
import io.agentbus.bus.Services;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Who is in a private channel or DM (PROTOCOL §7.1): listing members (members only), adding and
 * removing them (the channel's creator or an admin; a member who may not is FORBIDDEN, anyone else
 * is told the channel does not exist), leaving, and opening a DM with a user or an agent role. A
 * removal is published cluster-wide ({@link Addresses#CHANNEL_MEMBER_REMOVED}) once stored, so
 * every node's bridge drops the removed user's subscriptions to it.
 */
final class Memberships {

  static final int MAX_MEMBERS = 200;
  /** Channel names a user may not take: the DMs' (their names are made from who is in them). */
  static final String DM_PREFIX = "dm-";

  private final Vertx vertx;
  private final Pool pool;
  private final Channels channels;

  Memberships(Vertx vertx, Pool pool, Channels channels) {
    this.vertx = vertx;
    this.pool = pool;
    this.channels = channels;
  }

  /** {channel}: its members, oldest first. */
  Future<JsonObject> members(Message<Object> msg) {
    Principal who = Principal.of(msg);
    String name = Reads.channelName(Services.body(msg));
    return channels.visible(name, who).compose(c -> {
      if (c.isPublic()) {
        return Future.failedFuture(AppException.invalid("channel '" + name + "' is public: everyone signed in reads it"));
      }
      return pool.preparedQuery(RouterQueries.MEMBERS).execute(Tuple.of(name)).map(rows -> {
        JsonArray list = new JsonArray();
        rows.forEach(r -> list.add(new JsonObject().put("userId", r.getString("user_id"))
            .put("displayName", r.getString("display_name") == null ? r.getString("user_id") : r.getString("display_name"))
            .put("addedBy", r.getString("added_by")).put("addedAt", MessageView.time(r.getOffsetDateTime("added_at")))));
        return new JsonObject().put("channel", name).put("members", list).put("createdBy", c.createdBy());
      });
    });
  }

  /** {channel, userId}: adds a known user to a private channel. */
  Future<JsonObject> add(Message<Object> msg) {
    Principal who = Principal.of(msg);
    JsonObject in = Services.body(msg);
    String name = Reads.channelName(in);
    String user = userId(in);
    return manageable(name, who)
        .compose(c -> requireKnown(List.of(user)))
        .compose(v -> pool.preparedQuery(RouterQueries.ADD_MEMBER).execute(Tuple.of(name, user, who.userId())))
        .map(rows -> {
          if (rows.rowCount() > 0) {
            changed(name, List.of(user));
          }
          return new JsonObject().put("channel", name).put("userId", user).put("added", rows.rowCount() > 0);
        });
  }

  /** {channel, userId}: removes a member (any member may remove themselves: that is leaving). */
  Future<JsonObject> remove(Message<Object> msg) {
    Principal who = Principal.of(msg);
    JsonObject in = Services.body(msg);
    String name = Reads.channelName(in);
    String user = userId(in);
    Future<Channel> allowed = user.equals(who.userId()) ? channels.visible(name, who) : manageable(name, who);
    return allowed.compose(c -> drop(name, user));
  }

  /** {channel}: the caller leaves it. */
  Future<JsonObject> leave(Message<Object> msg) {
    Principal who = Principal.of(msg);
    String name = Reads.channelName(Services.body(msg));
    return channels.visible(name, who).compose(c -> c.isPublic()
        ? Future.failedFuture(AppException.invalid("channel '" + name + "' is public: there is nothing to leave"))
        : drop(name, who.userId()));
  }

  private Future<JsonObject> drop(String name, String user) {
    return pool.preparedQuery(RouterQueries.REMOVE_MEMBER).execute(Tuple.of(name, user)).map(rows -> {
      boolean removed = rows.size() > 0;
      if (removed) {
        vertx.eventBus().publish(Addresses.CHANNEL_MEMBER_REMOVED, new JsonObject().put("channel", name).put("userId", user));
      }
      return new JsonObject().put("channel", name).put("userId", user).put("removed", removed);
    });
  }

  /**
   * A private channel {@code who} may change the members of: its creator or an admin. An admin
   * need not be a member; anyone else who is not is told there is no such channel.
   */
  private Future<Channel> manageable(String name, Principal who) {
    return channels.get(name).compose(c -> c.isPublic()
        ? (Future<Channel>) Future.<Channel>failedFuture(AppException.invalid("channel '" + name + "' is public: it has no members"))
        : who.has("admin") ? Future.succeededFuture(c)
        : channels.isMember(name, who.userId()).compose(in -> !in ? Future.failedFuture(Channels.notFound(name))
            : Channel.DM.equals(c.kind()) ? Future.failedFuture(AppException.forbidden("a DM's members are the two in it"))
            : !c.createdBy().equals(who.userId())
            ? Future.failedFuture(AppException.forbidden("only the creator of '" + name + "' or an admin changes its members"))
            : Future.succeededFuture(c)));
  }

  /**
   * {with: userId | "@role"}: the DM of the caller and that user (the same channel from either
   * side) or of the caller and that agent role, made on first use. A user must have signed in
   * before; a role must be one the orchestrator can give tasks to now.
   */
  Future<JsonObject> dm(Message<Object> msg) {
    Principal who = Principal.of(msg);
    String with = Json.requireString(Services.body(msg), "with", 65);
    boolean agent = with.startsWith("@");
    String other = agent ? with.substring(1) : with;
    if (agent ? !Names.isAgentRole(other) : !Names.isUserId(other)) {
      throw AppException.invalid("'with' must be a user id or @ and an agent role");
    }
    if (!agent && other.equals(who.userId())) {
      throw AppException.invalid("a DM is with someone else");
    }
    String name = agent ? dmName(who.userId(), "@" + other) : who.userId().compareTo(other) < 0
        ? dmName(who.userId(), other) : dmName(other, who.userId());
    Future<Void> exists = agent ? roleServed(other) : requireKnown(List.of(other));
    List<String> members = agent ? List.of(who.userId()) : List.of(who.userId(), other);
    return exists.compose(v -> pool.withTransaction(conn -> conn.preparedQuery(RouterQueries.CREATE_CHANNEL)
            .execute(Tuple.tuple().addValue(name).addValue("").addValue(null).addValue(who.userId()).addValue(Channel.DM)
                .addValue(agent ? other : null))
            .compose(x -> conn.preparedQuery(RouterQueries.ADD_MEMBER)
                .executeBatch(members.stream().map(m -> Tuple.of(name, m, who.userId())).toList()))))
        .map(x -> {
          changed(name, members);
          return new JsonObject().put("channel", name).put("type", "dm").put("with", with);
        });
  }

  /** Tells {@code users}' pages (null: everyone's) that their channel list changed ({@link Addresses#CHANNELS_CHANGED}). */
  void changed(String channel, List<String> users) {
    vertx.eventBus().publish(Addresses.CHANNELS_CHANGED, new JsonObject().put("channel", channel)
        .put("users", users == null ? null : new JsonArray(users)));
  }

  /** A DM's name from who is in it (sorted for two users): stable, and no user id leaks into it. */
  static String dmName(String a, String b) {
    try {
      byte[] h = MessageDigest.getInstance("SHA-256").digest((a + "\n" + b).getBytes(StandardCharsets.UTF_8));
      return DM_PREFIX + HexFormat.of().formatHex(h, 0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Succeeds when every one of {@code users} has signed in at least once; else NOT_FOUND naming the first who has not. */
  Future<Void> requireKnown(List<String> users) {
    for (String u : users) {
      if (!Names.isUserId(u)) {
        return Future.failedFuture(AppException.invalid("'" + u + "' is not a user id"));
      }
    }
    return known(users.toArray(String[]::new))
        .compose(known -> users.stream().filter(u -> !known.contains(u)).findFirst()
              .<Future<Void>>map(u -> Future.failedFuture(AppException.notFound("no user '" + u + "' (a user is known once they have signed in)")))
              .orElse(Future.succeededFuture()));
  }

  /** {names}: which of them are users who have signed in (claimed a session) or posted. */
  Future<JsonObject> knownUsers(Message<Object> msg) {
    JsonArray names = Json.optStringArray(Services.body(msg), "names", 50, 64);
    return known(names.stream().map(String::valueOf).toArray(String[]::new))
        .map(known -> new JsonObject().put("known", new JsonArray(new ArrayList<>(known))));
  }

  /** Which of {@code users} are known: signed in (claimed a session) or posted at least once. */
  private Future<java.util.Set<String>> known(String[] users) {
    return pool.preparedQuery(RouterQueries.KNOWN_USERS).execute(Tuple.tuple().addValue(users).addValue(users).addValue(users))
        .map(rows -> {
          java.util.Set<String> known = new java.util.LinkedHashSet<>();
          rows.forEach(r -> known.add(r.getString(0)));
          return known;
        });
  }

  /** The user ids of a private channel's (or DM's) members. */
  Future<List<String>> memberIds(String channel) {
    return pool.preparedQuery(RouterQueries.MEMBER_IDS).execute(Tuple.of(channel)).map(rows -> {
      List<String> ids = new ArrayList<>();
      rows.forEach(r -> ids.add(r.getString(0)));
      return ids;
    });
  }

  private Future<Void> roleServed(String role) {
    return vertx.eventBus().<JsonObject>request(Addresses.AGENT_ROLE_SERVED, new JsonObject().put("role", role), Requests.control())
        .compose(m -> m.body().getBoolean("served", false) ? Future.<Void>succeededFuture()
            : Future.failedFuture(AppException.notFound("no agent '@" + role + "'")));
  }

  private static String userId(JsonObject in) {
    String u = Json.requireString(in, "userId", 64);
    if (!Names.isUserId(u)) {
      throw AppException.invalid("'userId' must match " + Names.USER_ID.pattern());
    }
    return u;
  }
}
