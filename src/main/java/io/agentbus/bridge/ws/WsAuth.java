package io.agentbus.bridge.ws;

import io.agentbus.auth.DevLogin;
import io.agentbus.bus.Addresses;
import io.agentbus.bus.AppException;
import io.agentbus.bus.ErrorCode;
import io.agentbus.bus.Principal;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;
import java.util.UUID;

/**
 * Authentication of one {@code /ws} connection and the session it joins (PROTOCOL §3): a token on
 * the URL or in an {@code auth} frame (or, in dev, a user id), within {@code authTimeoutMs}; then
 * the router claims the session for the user. Frames that arrive while this settles are held
 * (bounded) and handled in order afterwards, instead of being refused. A connection lives as
 * long as its token: at the token's {@code exp} it is closed with 4401 unless an {@code auth} frame
 * with a fresh token of the same user arrived first, which swaps the credentials (roles included)
 * without a reconnect — subscriptions, session and outbox stay.
 */
final class WsAuth {

  private static final int MAX_HELD = 32;

  private final WsConnection c;
  private final String requestedSession;
  /** {@code ?sessionSeq=}: a reconnecting client's last seq of its session stream, resumed from there. */
  private final Long resumeSessionFrom;
  private final ArrayDeque<String> held = new ArrayDeque<>(0);
  private boolean authenticating;
  private long timer = -1;
  /** Fires at the token's expiry (-1: none set; dev login has no token). */
  private long expiryTimer = -1;
  /** The token being verified, whose {@code exp} bounds the connection once it is established. */
  private String pendingToken;

  WsAuth(WsConnection c, String requestedSession, String sessionSeq) {
    this.c = c;
    this.requestedSession = requestedSession;
    Long from = null;
    try {
      from = sessionSeq == null ? null : Long.valueOf(sessionSeq);
    } catch (NumberFormatException e) {
      // not a number: followed live, as without it
    }
    this.resumeSessionFrom = from != null && from >= 0 ? from : null;
  }

  /** At connect: verify a URL token, or give the client {@code authTimeoutMs} to send an auth frame. */
  void begin(String urlToken) {
    int timeoutMs = c.bc.limits().authTimeoutMs();
    if (urlToken == null) {
      timer = c.bc.vertx().setTimer(timeoutMs, id -> {
        if (c.principal == null && !c.closed) {
          c.sendError(null, ErrorCode.NOT_AUTHENTICATED, "no authentication within " + timeoutMs + " ms");
          c.close(CloseCodes.NOT_AUTHENTICATED, "authentication timeout");
        }
      });
      return;
    }
    authenticating = true;
    pendingToken = urlToken;
    c.bc.tokens().verify(urlToken).onComplete(ar -> {
      if (ar.succeeded()) {
        establish(ar.result(), null);
      } else {
        authenticating = false;
        held.clear();
        c.sendError(null, ErrorCode.NOT_AUTHENTICATED, "invalid or expired token");
        c.close(CloseCodes.NOT_AUTHENTICATED, "invalid token");
      }
    });
  }

  /** True when {@code text} was held (or refused) because authentication is still settling. */
  boolean hold(String text) {
    if (!authenticating) {
      return false;
    }
    if (held.size() < MAX_HELD) {
      held.add(text);
    } else {
      c.refuse(text, ErrorCode.RATE_LIMITED, "too many frames before authentication finished; resend after auth_response");
    }
    return true;
  }

  void onAuthFrame(JsonObject f, Object id) {
    if (authenticating) {
      throw new AppException(ErrorCode.CONFLICT, "authentication is in progress");
    }
    if (c.principal != null) {
      renew(f, id);
      return;
    }
    Object token = f.getValue("token");
    Future<Principal> who;
    if (token instanceof String t) {
      pendingToken = t;
      who = c.bc.tokens().verify(t);
    } else if (token == null && c.bc.cfg().devLogin() && f.getValue("userId") instanceof String) {
      who = Future.succeededFuture(DevLogin.principal(f.getValue("userId"), f.getValue("role")));
    } else {
      throw AppException.invalid(c.bc.cfg().devLogin() ? "'token' (or, in dev, 'userId') is required" : "'token' is required");
    }
    authenticating = true;
    who.onComplete(ar -> {
      if (ar.succeeded()) {
        establish(ar.result(), id);
      } else {
        refuse(id, AppException.from(ar.cause()));
        settled();
      }
    });
  }

  private void refuse(Object id, AppException e) {
    c.send(WsConnection.reply("auth_response", id).put("success", false).put("error", e.getMessage()));
    c.sendError(id, e.code, e.getMessage());
  }

  /** Authenticated: claim the session, then answer auth_response. */
  private void establish(Principal p, Object id) {
    String wanted = requestedSession != null ? requestedSession : UUID.randomUUID().toString();
    c.bc.vertx().eventBus().<JsonObject>request(Addresses.SESSION_CLAIM, new JsonObject().put("sessionId", wanted),
        c.bc.toRouter(p)).onComplete(ar -> {
          if (c.closed) {
            return;
          }
          if (ar.failed()) {
            AppException e = AppException.from(ar.cause());
            refuse(id, e);
            if (e.code == ErrorCode.FORBIDDEN || e.code == ErrorCode.INVALID_MESSAGE) {
              c.close(CloseCodes.FORBIDDEN, "session not yours");
            } else {
              // The session could not be claimed (the database is down, the router is not answering):
              // never left open and unauthenticated; the client reconnects and resumes later.
              c.close(CloseCodes.TRY_AGAIN_LATER, "service unavailable: reconnect shortly");
            }
            settled();
            return;
          }
          cancelTimer();
          c.sessionId = wanted;
          c.principal = p.withSession(wanted);
          c.token = pendingToken;
          armExpiry(pendingToken, WsAuth.expiryOf(pendingToken) * 1000);
          // A session that already has events (a reconnect) is followed at once, settled before
          // auth_response; a fresh one from its first workflow request (WsStreams.followSession).
          long sessionSeq = ar.result().body().getLong("lastSeq", 0L);
          Future<Void> follow = sessionSeq > 0 ? c.streams.followSession(resumeSessionFrom) : Future.succeededFuture();
          follow.onComplete(x -> {
            if (c.closed) {
              return;
            }
            c.send(WsConnection.reply("auth_response", id).put("success", true).put("userId", p.userId())
                .put("roles", new JsonArray(p.roles())).put("sessionId", wanted).put("sessionSeq", sessionSeq));
            settled();
          });
        });
  }

  /**
   * An {@code auth} frame on an authenticated connection: a fresh token of the same user replaces
   * the credentials (new roles apply to what is asked from now on) and moves the expiry. Anything
   * else — no token, an invalid one, another user's — is CONFLICT, as an auth frame on an
   * authenticated connection always was, and changes nothing: a connection stays one user's.
   */
  private void renew(JsonObject f, Object id) {
    String user = c.principal.userId();
    if (!(f.getValue("token") instanceof String t)) {
      throw new AppException(ErrorCode.CONFLICT, "already authenticated as " + user + ": only a fresh token renews it");
    }
    c.bc.tokens().verify(t).onComplete(ar -> {
      if (c.closed) {
        return;
      }
      if (ar.failed()) {
        c.sendError(id, ErrorCode.CONFLICT, "already authenticated as " + user + "; the new token was refused: "
            + AppException.from(ar.cause()).getMessage());
        return;
      }
      Principal p = ar.result();
      if (!p.userId().equals(user)) {
        c.sendError(id, ErrorCode.CONFLICT, "this connection is " + user + "'s: reconnect to sign in as " + p.userId());
        return;
      }
      c.principal = p.withSession(c.sessionId);
      c.token = t;
      armExpiry(t, expiryOf(t) * 1000);
      c.send(WsConnection.reply("auth_response", id).put("success", true).put("renewed", true).put("userId", p.userId())
          .put("roles", new JsonArray(p.roles())).put("sessionId", c.sessionId));
    });
  }

  /**
   * Closes the connection (4401) when {@code token} stops holding at {@code atMs}, unless renewed
   * first: by an auth frame, or — a browser session's token — by the session's renewal on any node
   * (checked then; the connection stays, re-armed to the renewal's end).
   */
  private void armExpiry(String token, long atMs) {
    if (expiryTimer >= 0) {
      c.bc.vertx().cancelTimer(expiryTimer);
      expiryTimer = -1;
    }
    if (atMs <= 0) {
      return;
    }
    expiryTimer = c.bc.vertx().setTimer(Math.max(1, atMs - System.currentTimeMillis()), t -> {
      expiryTimer = -1;
      if (c.closed || !token.equals(c.token)) {
        return;
      }
      c.bc.tokens().claims(token).onComplete(ar -> {
        long until = ar.succeeded() ? ar.result().getLong("renewedUntil", 0L) : 0L;
        if (c.closed || !token.equals(c.token)) {
          return;
        }
        if (until > System.currentTimeMillis()) {
          armExpiry(token, until);
        } else {
          c.sendError(null, ErrorCode.NOT_AUTHENTICATED, "the token expired: renew it with an auth frame before it does");
          c.close(CloseCodes.NOT_AUTHENTICATED, "token expired");
        }
      });
    });
  }

  /** A verified JWT's {@code exp} (seconds), or 0 when it has none (or {@code token} is null: dev login). */
  static long expiryOf(String token) {
    String[] parts = token == null ? new String[0] : token.split("\\.");
    if (parts.length < 2) {
      return 0;
    }
    try {
      JsonObject claims = new JsonObject(new String(java.util.Base64.getUrlDecoder().decode(parts[1]),
          java.nio.charset.StandardCharsets.UTF_8));
      return claims.getValue("exp") instanceof Number n ? n.longValue() : 0;
    } catch (RuntimeException e) {
      return 0;
    }
  }

  /** Authentication finished either way: handle the frames that arrived meanwhile, in order. */
  private void settled() {
    authenticating = false;
    String text;
    while (!c.closed && (text = held.poll()) != null) {
      c.onText(text);
    }
    held.clear();
  }

  private void cancelTimer() {
    if (timer >= 0) {
      c.bc.vertx().cancelTimer(timer);
      timer = -1;
    }
  }

  void closed() {
    cancelTimer();
    if (expiryTimer >= 0) {
      c.bc.vertx().cancelTimer(expiryTimer);
      expiryTimer = -1;
    }
  }
}
