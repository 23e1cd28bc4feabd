package io.agentbus.auth;

import io.agentbus.bus.AppException;
import io.agentbus.bus.ErrorCode;
import io.agentbus.bus.Names;
import io.agentbus.bus.Principal;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/** Issues and verifies the HS256 JWTs of PROTOCOL §2. Verification is HMAC only: safe on an event loop. */
public final class TokenService {

  public static final List<String> KNOWN_ROLES = List.of("user", "approver", "agent", "admin");

  private final JWTAuth jwt;
  private final int ttlSeconds;

  public TokenService(Vertx vertx, String secret, int ttlSeconds) {
    this.jwt = JWTAuth.create(vertx, new JWTAuthOptions()
        .addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(secret)));
    this.ttlSeconds = ttlSeconds;
  }

  /** A token for {@code userId}; role {@code user} is always included. */
  public JsonObject issue(String userId, List<String> roles) {
    LinkedHashSet<String> all = new LinkedHashSet<>();
    all.add("user");
    all.addAll(roles);
    Instant expires = Instant.now().plusSeconds(ttlSeconds);
    String token = jwt.generateToken(new JsonObject().put("sub", userId).put("roles", new JsonArray(new ArrayList<>(all))),
        new JWTOptions().setAlgorithm("HS256").setExpiresInSeconds(ttlSeconds));
    return new JsonObject().put("token", token).put("expiresAt", expires.toString())
        .put("userId", userId).put("roles", new JsonArray(new ArrayList<>(all)));
  }

  /** The principal of a valid token; fails with NOT_AUTHENTICATED otherwise. */
  public Future<Principal> verify(String token) {
    if (token == null || token.isBlank() || token.length() > 8192) {
      return Future.failedFuture(new AppException(ErrorCode.NOT_AUTHENTICATED, "a valid token is required"));
    }
    return jwt.authenticate(new TokenCredentials(token))
        .recover(err -> Future.failedFuture(new AppException(ErrorCode.NOT_AUTHENTICATED, "invalid or expired token")))
        .compose(user -> {
          JsonObject p = user.principal();
          String sub = p.getString("sub");
          if (!Names.isUserId(sub)) {
            return Future.failedFuture(new AppException(ErrorCode.NOT_AUTHENTICATED, "token has no valid subject"));
          }
          List<String> roles = new ArrayList<>();
          Object r = p.getValue("roles");
          if (r instanceof JsonArray a) {
            for (Object o : a) {
              if (o instanceof String s && !roles.contains(s)) {
                roles.add(s);
              }
            }
          }
          if (!roles.contains("user")) {
            roles.add(0, "user");
          }
          return Future.succeededFuture(new Principal(sub, List.copyOf(roles), null));
        });
  }
}
