package io.agentbus.admin;

import io.agentbus.auth.TokenService;
import io.agentbus.bus.AppException;
import io.agentbus.bus.ErrorCode;
import io.vertx.core.Future;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * Who an admin call is from: {@code Authorization: Bearer <token>} carrying the configured admin
 * token (compared in constant time; actor {@code admin-token}) or a JWT whose roles hold
 * {@code admin} (actor: its user). No or a bad token is NOT_AUTHENTICATED (401), a valid JWT
 * without the role FORBIDDEN (403).
 */
final class AdminAuth {

  static final String TOKEN_ACTOR = "admin-token";
  private final byte[] adminToken;
  private final TokenService tokens;

  AdminAuth(String adminToken, TokenService tokens) {
    this.adminToken = adminToken == null || adminToken.isEmpty() ? null : adminToken.getBytes(StandardCharsets.UTF_8);
    this.tokens = tokens;
  }

  /** The actor, or a coded failure. {@code seen[0]} gets the JWT's user even when refused, for the audit. */
  Future<String> actor(String authorization, String[] seen) {
    if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return Future.failedFuture(new AppException(ErrorCode.NOT_AUTHENTICATED,
          "an admin call needs Authorization: Bearer <admin token or an admin's JWT>"));
    }
    String token = authorization.substring(7).trim();
    if (adminToken != null && MessageDigest.isEqual(adminToken, token.getBytes(StandardCharsets.UTF_8))) {
      return Future.succeededFuture(TOKEN_ACTOR);
    }
    return tokens.verify(token)
        .recover(err -> Future.failedFuture(new AppException(ErrorCode.NOT_AUTHENTICATED, "invalid or expired token")))
        .compose(p -> {
          seen[0] = p.userId();
          return p.has("admin") ? Future.succeededFuture(p.userId())
              : Future.failedFuture(AppException.forbidden("admin calls need the admin role"));
        });
  }
}
