package io.agentbus.bridge.ws;

import io.agentbus.bus.Addresses;
import io.agentbus.bus.AppException;
import io.agentbus.bus.Json;
import io.agentbus.stream.StreamName;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.HashSet;
import java.util.Set;

/**
 * The streams one {@code /ws} connection follows (PROTOCOL §3 subscribe/unsubscribe), bounded per
 * connection. Who may follow a stream is the router's rule ({@link Addresses#SUBSCRIBE_CHECK}); the
 * ordering, replay and live switch are the node's hub's.
 */
final class WsStreams {

  private final WsConnection c;
  private final Set<String> streams = new HashSet<>();

  WsStreams(WsConnection c) {
    this.c = c;
  }

  void onSubscribe(JsonObject f, Object id) {
    String stream = StreamName.fromRequest(f);
    Long lastSeq = Json.optLong(f, "lastSeq", 0, Long.MAX_VALUE);
    int max = c.bc.limits().maxSubscriptions();
    if (!streams.contains(stream) && streams.size() >= max) {
      throw AppException.invalid("at most " + max + " subscriptions per connection");
    }
    c.bc.vertx().eventBus().request(Addresses.SUBSCRIBE_CHECK, new JsonObject().put("stream", stream),
        c.bc.toRouter(c.principal.withSession(c.sessionId))).onComplete(check -> {
          if (check.failed()) {
            c.sendError(id, check.cause());
            return;
          }
          if (c.closed) {
            return;
          }
          boolean added = streams.add(stream);
          c.bc.hub().subscribe(stream, c, lastSeq, seq -> WsConnection.reply("subscribed", id).put("stream", stream)
                  .put("seq", seq).put("timestamp", Json.now()).encode())
              .onSuccess(seq -> {
                if (added && !c.closed) {
                  presence(stream, true);
                }
              })
              .onFailure(err -> {
                streams.remove(stream);
                c.sendError(id, err);
              });
        });
  }

  void onUnsubscribe(JsonObject f, Object id) {
    String stream = StreamName.fromRequest(f);
    if (streams.remove(stream)) {
      presence(stream, false);
    }
    c.bc.hub().unsubscribe(stream, c)
        .onComplete(ar -> c.send(WsConnection.reply("unsubscribed", id).put("stream", stream)));
  }

  /**
   * Follows the connection's session stream (workflow events, uploads) from now on. Not done for
   * every connection: a following costs the node a stream in its hub, and most connections only
   * chat. Done before a request that starts a workflow is sent, so none of its events is missed.
   */
  Future<Void> followSession() {
    return followSession(null);
  }

  /** The same, replaying everything after {@code lastSeq} first (null: live from now). */
  Future<Void> followSession(Long lastSeq) {
    String stream = StreamName.session(c.sessionId);
    if (!streams.add(stream)) {
      return Future.succeededFuture();
    }
    return c.bc.hub().subscribe(stream, c, lastSeq, null).<Void>mapEmpty().onFailure(e -> streams.remove(stream));
  }

  /**
   * The caller was removed from (or left) the private channel {@code stream} (PROTOCOL §7.1): it is
   * followed no more, and the client is told so, {@code unsubscribed {stream, reason: "removed"}}.
   */
  void revoke(String stream) {
    if (!streams.remove(stream)) {
      return;
    }
    // Out of the hub first, so not even the presence change of their own leaving reaches them.
    c.bc.hub().unsubscribe(stream, c).onComplete(ar -> {
      presence(stream, false);
      c.send(new JsonObject().put("type", "unsubscribed").put("stream", stream).put("reason", "removed"));
    });
  }

  /** Following a channel is being present in it (PROTOCOL §7). */
  private void presence(String stream, boolean joined) {
    StreamName name = StreamName.parse(stream);
    if (name != null && name.kind() == StreamName.Kind.CHANNEL) {
      if (joined) {
        c.bc.presence().join(name.id(), c.principal.userId());
      } else {
        c.bc.presence().leave(name.id(), c.principal.userId());
      }
    }
  }

  void closed() {
    streams.forEach(s -> presence(s, false));
    if (!streams.isEmpty()) {
      c.bc.hub().unsubscribeAll(c);
    }
  }
}
