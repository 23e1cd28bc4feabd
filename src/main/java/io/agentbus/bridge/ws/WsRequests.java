package io.agentbus.bridge.ws;

import io.agentbus.bridge.Operation;
import io.agentbus.bus.AppException;
import io.agentbus.bus.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;

/**
 * The service operations of one {@code /ws} connection, driven by the {@link Operation} table:
 * the frame becomes the operation's request as the caller, and the service's answer (or coded
 * failure) becomes the operation's reply frame with {@code replyTo}.
 *
 * <p>{@link Operation.Flow#ORDERED} requests (chat) go one at a time: requests are spread over the
 * routers of all nodes, so two in flight at once could be committed in either order, and a user
 * expects their own messages to keep the order they typed them in.
 */
final class WsRequests {

  /** Chat writes waiting behind the one in flight. */
  static final int MAX_QUEUED = 256;

  private final WsConnection c;
  private final ArrayDeque<Runnable> ordered = new ArrayDeque<>(2); // small: most connections idle
  private boolean orderedInFlight;

  WsRequests(WsConnection c) {
    this.c = c;
  }

  void submit(Operation op, String type, JsonObject frame, Object id) {
    if (op.flow != Operation.Flow.ORDERED) {
      send(op, type, frame, id);
      return;
    }
    if (ordered.size() >= MAX_QUEUED) {
      throw new AppException(ErrorCode.RATE_LIMITED, "too many messages waiting to be stored; wait for acks");
    }
    ordered.add(() -> send(op, type, frame, id).onComplete(ar -> pump()));
    if (!orderedInFlight) {
      pump();
    }
  }

  private void pump() {
    Runnable next = ordered.poll();
    orderedInFlight = next != null;
    if (next != null) {
      next.run();
    }
  }

  /** Requests sent and not yet answered (a shutdown waits for them). */
  int inFlight;

  /** Every request accepted so far has been answered (none sent and waiting, none queued). */
  boolean idle() {
    return inFlight <= 0 && ordered.isEmpty() && !orderedInFlight;
  }

  private Future<JsonObject> send(Operation op, String type, JsonObject frame, Object id) {
    JsonObject body = op.body.apply(type, frame);
    inFlight++;
    return before(op, frame)
        .transform(x -> c.bc.vertx().eventBus().<JsonObject>request(op.address, body,
            c.bc.to(op, c.principal.withSession(c.sessionId))))
        .map(m -> m.body())
        .onSuccess(result -> {
          if (op.reply != null) {
            c.send(WsConnection.withReplyTo(op.reply.apply(result), id));
          } else if (id != null) {
            c.send(WsConnection.reply("ack", id)); // guarantee 5: a frame with an id is always answered
          }
        })
        .onFailure(err -> c.sendError(id, err))
        .onComplete(ar -> inFlight--);
  }

  /** The session stream followed first when the request may start a workflow in it ({@link Operation.Follow}). */
  private Future<Void> before(Operation op, JsonObject frame) {
    return op.follow.before(frame) ? c.streams.followSession() : Future.succeededFuture();
  }
}
