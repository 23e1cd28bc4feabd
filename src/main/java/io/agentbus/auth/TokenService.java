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
  private final String issuer;
  private final String audience;
  private final String[] rolesClaim;

  public TokenService(Vertx vertx, String secret, int ttlSeconds) {
    this(vertx, secret, ttlSeconds, "", "", "roles");
  }

  /**
   * @param issuer required {@code iss} (empty: not checked), and the one put in issued tokens
   * @param audience required {@code aud} (empty: not checked), and the one put in issued tokens
   * @param rolesClaim where the roles are, a dot path ({@code roles}; Keycloak: {@code realm_access.roles})
   */
  public TokenService(Vertx vertx, String secret, int ttlSeconds, String issuer, String audience, String rolesClaim) {
    JWTOptions checks = new JWTOptions();
    if (!issuer.isEmpty()) {
      checks.setIssuer(issuer);
    }
    if (!audience.isEmpty()) {
      checks.setAudience(List.of(audience));
    }
    this.jwt = JWTAuth.create(vertx, new JWTAuthOptions().setJWTOptions(checks)
        .addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(secret)));
    this.ttlSeconds = ttlSeconds;
    this.issuer = issuer;
    this.audience = audience;
    this.rolesClaim = rolesClaim.split("\\.");
  }

  /** The service as configured ({@code auth.*}). */
  public static TokenService of(Vertx vertx, io.agentbus.config.AgentbusConfig cfg) {
    return new TokenService(vertx, cfg.string(io.agentbus.config.ConfigKeys.JWT_SECRET),
        cfg.integer(io.agentbus.config.ConfigKeys.TOKEN_TTL_SECONDS), cfg.string(io.agentbus.config.ConfigKeys.JWT_ISSUER),
        cfg.string(io.agentbus.config.ConfigKeys.JWT_AUDIENCE), cfg.string(io.agentbus.config.ConfigKeys.JWT_ROLES_CLAIM));
  }

  /** A token for {@code userId}; role {@code user} is always included. */
  public JsonObject issue(String userId, List<String> roles) {
    LinkedHashSet<String> all = new LinkedHashSet<>();
    all.add("user");
    all.addAll(roles);
    Instant expires = Instant.now().plusSeconds(ttlSeconds);
    JWTOptions opts = new JWTOptions().setAlgorithm("HS256").setExpiresInSeconds(ttlSeconds);
    if (!issuer.isEmpty()) {
      opts.setIssuer(issuer);
    }
    if (!audience.isEmpty()) {
      opts.setAudience(List.of(audience));
    }
    JsonObject claims = new JsonObject().put("sub", userId);
    JsonObject at = claims;
    for (int i = 0; i < rolesClaim.length - 1; i++) {
      JsonObject next = new JsonObject();
      at.put(rolesClaim[i], next);
      at = next;
    }
    at.put(rolesClaim[rolesClaim.length - 1], new JsonArray(new ArrayList<>(all)));
    String token = jwt.generateToken(claims, opts);
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
          Object r = p;
          for (String part : rolesClaim) {
            r = r instanceof JsonObject o ? o.getValue(part) : null;
          }
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
