package io.agentbus.bridge.sse;

import io.agentbus.bridge.BridgeContext;
import io.agentbus.bridge.http.HttpApi;
import io.agentbus.bus.Addresses;
import io.agentbus.bus.AppException;
import io.agentbus.bus.ErrorCode;
import io.agentbus.bus.Principal;
import io.agentbus.stream.Frame;
import io.agentbus.stream.Sink;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** The SSE transport: one response per followed stream (see the package documentation). */
public final class SseEndpoint {

  private final BridgeContext bc;
  private final EventStreams streams;
  /** The stream reads open now (this bridge instance's event loop only). */
  private final java.util.Set<Following> following = new java.util.HashSet<>();

  public SseEndpoint(BridgeContext bc, EventStreams streams) {
    this.bc = bc;
    this.streams = streams;
  }

  /** Whether the request asks for an event stream rather than a JSON page. */
  public static boolean wanted(RoutingContext ctx) {
    String accept = ctx.request().getHeader("Accept");
    return accept != null && accept.toLowerCase(java.util.Locale.ROOT).contains("text/event-stream");
  }

  /** Serves {@code GET /api/streams/:stream/events} as SSE for an authenticated caller. */
  public void serve(RoutingContext ctx) {
    Principal who = HttpApi.principal(ctx);
    String stream = ctx.pathParam("stream");
    Long from;
    try {
      from = startAfter(ctx);
    } catch (AppException e) {
      HttpApi.fail(ctx, e.code, e.getMessage());
      return;
    }
    bc.vertx().eventBus().<JsonObject>request(Addresses.SUBSCRIBE_CHECK, new JsonObject().put("stream", stream),
        bc.toRouter(who)).onComplete(check -> {
          if (check.failed()) {
            AppException e = AppException.from(check.cause());
            HttpApi.fail(ctx, e.code, e.getMessage());
            return;
          }
          follow(ctx.response(), who, HttpApi.token(ctx), stream, from);
        });
  }

  /** {@code Last-Event-ID} (a reconnecting EventSource), else {@code ?after=}, else null: live only. */
  private static Long startAfter(RoutingContext ctx) {
    String last = ctx.request().getHeader("Last-Event-ID");
    String after = ctx.request().getParam("after");
    String v = last != null && !last.isBlank() ? last.trim() : after;
    if (v == null) {
      return null;
    }
    try {
      long seq = Long.parseLong(v);
      if (seq < 0) {
        throw new NumberFormatException();
      }
      return seq;
    } catch (NumberFormatException e) {
      throw new AppException(ErrorCode.INVALID_MESSAGE, (last != null ? "Last-Event-ID" : "'after'")
          + " must be a seq (a whole number, 0 or more)");
    }
  }

  private void follow(HttpServerResponse resp, Principal who, String token, String stream, Long from) {
    if (resp.closed()) {
      return;
    }
    Sink sink = new Sink() {
      @Override
      public String userId() {
        return who.userId();
      }

      @Override
      public boolean write(Frame frame) {
        if (resp.closed() || resp.ended()) {
          return false;
        }
        if (resp.writeQueueFull()) {
          // A reader this far behind catches up by resuming from its last id, as a 4008'd socket does.
          bc.metrics().sendQueueOverflows.increment();
          resp.end();
          return false;
        }
        resp.write(event(frame.text()));
        bc.metrics().deliveries.increment();
        return true;
      }
    };
    Following f = new Following(resp, who.userId(), token, stream, sink);
    following.add(f);
    streams.open(resp, () -> {
      following.remove(f);
      bc.hub().unsubscribe(stream, sink);
    });
    // The stream is open (and the headers out) before the replay's first event is written.
    resp.write(": following " + stream + "\n\n");
    bc.hub().subscribe(stream, sink, from, null).onFailure(err -> {
      if (!resp.ended()) {
        AppException e = AppException.from(err);
        resp.write("event: error\ndata: " + new JsonObject().put("code", e.code.name()).put("message", e.getMessage())
            .encode() + "\n\n");
        resp.end();
      }
    });
  }

  /** An open stream read: whose, of what, and its sink in the hub. */
  private record Following(HttpServerResponse resp, String userId, String token, String stream, Sink sink) {}

  /**
   * {@code userId} is no longer in the channel {@code stream} (§7.1): their reads of it end, the
   * last event saying so ({@code unsubscribed {stream, reason: "removed"}}).
   */
  public void revoke(String stream, String userId) {
    for (Following f : java.util.List.copyOf(following)) {
      if (f.userId.equals(userId) && f.stream.equals(stream) && !f.resp.ended()) {
        bc.hub().unsubscribe(stream, f.sink);
        f.resp.end(EventStreams.event(null, new JsonObject().put("type", "unsubscribed").put("stream", stream)
            .put("reason", "removed").encode()));
      }
    }
  }

  /** An identity was signed out (a browser session, or a user an operator revoked): its stream reads end. */
  public void signOut(JsonObject revocation) {
    for (Following f : java.util.List.copyOf(following)) {
      if (io.agentbus.auth.BrowserSessions.covers(revocation, f.userId, f.token) && !f.resp.ended()) {
        bc.hub().unsubscribe(f.stream, f.sink);
        f.resp.end(EventStreams.event(null, new JsonObject().put("type", "error").put("code", "NOT_AUTHENTICATED")
            .put("error", "signed out").encode()));
      }
    }
  }

  /** One SSE event: {@code id:} the seq of a stored event (none for an ephemeral one), {@code data:} the frame. */
  static Buffer event(String text) {
    long seq = Frame.seqOf(text);
    // A frame is one line of JSON (no raw newlines inside), so one data line carries it.
    return Buffer.buffer(EventStreams.event(seq >= 0 ? String.valueOf(seq) : null, text));
  }


}
