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
  /** Tokens of an external identity provider (RS256 and the like, keys from its JWKS), or null. */
  private volatile JWTAuth external;
  private Future<Void> ready = Future.succeededFuture();
  private final int ttlSeconds;
  private final JWTOptions checks;
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
    checks = new JWTOptions();
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

  /** The service as configured ({@code auth.*}); with {@code auth.jwksUrl}, {@link #ready} once its keys are read. */
  public static TokenService of(Vertx vertx, io.agentbus.config.Sections.Auth cfg) {
    TokenService t = new TokenService(vertx, cfg.jwtSecret(), cfg.tokenTtlSeconds(), cfg.issuer(), cfg.audience(),
        cfg.rolesClaim());
    String jwks = cfg.jwksUrl();
    if (!jwks.isEmpty()) {
      t.ready = t.loadJwks(vertx, jwks);
      // Identity providers rotate keys: read them again now and then (a failed read keeps the last ones).
      vertx.setPeriodic(JWKS_REFRESH_MS, id -> t.loadJwks(vertx, jwks));
    }
    return t;
  }

  static final long JWKS_REFRESH_MS = 10 * 60_000L;

  /** Completes once the service can verify every kind of token it is configured for. */
  public Future<Void> ready() {
    return ready;
  }

  /**
   * Reads an identity provider's public keys (a JWKS document, {@code {"keys":[…]}}) from
   * {@code url}: tokens signed with them (RS256, ES256 …) are accepted beside this cluster's own
   * HS256 tokens, with the same issuer, audience and roles-claim rules.
   */
  Future<Void> loadJwks(Vertx vertx, String url) {
    java.net.URI u = java.net.URI.create(url);
    io.vertx.core.http.HttpClient http = vertx.createHttpClient(new io.vertx.core.http.HttpClientOptions()
        .setSsl("https".equals(u.getScheme())).setConnectTimeout(5_000));
    int port = u.getPort() > 0 ? u.getPort() : "https".equals(u.getScheme()) ? 443 : 80;
    String path = u.getRawPath() == null || u.getRawPath().isEmpty() ? "/" : u.getRawPath()
        + (u.getRawQuery() == null ? "" : "?" + u.getRawQuery());
    return http.request(new io.vertx.core.http.RequestOptions().setHost(u.getHost()).setPort(port).setURI(path)
            .setMethod(io.vertx.core.http.HttpMethod.GET).setTimeout(10_000))
        .compose(req -> req.send().compose(resp -> resp.statusCode() == 200 ? resp.body()
            : Future.failedFuture("JWKS " + url + " answered " + resp.statusCode())))
        .map(body -> {
          JsonArray keys = new JsonObject(body.toString()).getJsonArray("keys", new JsonArray());
          List<JsonObject> jwks = new ArrayList<>();
          keys.forEach(k -> jwks.add((JsonObject) k));
          if (jwks.isEmpty()) {
            throw new IllegalStateException("JWKS " + url + " has no keys");
          }
          external = JWTAuth.create(vertx, new JWTAuthOptions().setJWTOptions(checks).setJwks(jwks));
          return (Void) null;
        })
        .eventually(() -> http.close());
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
    JWTAuth ext = external;
    return jwt.authenticate(new TokenCredentials(token))
        .recover(err -> ext != null ? ext.authenticate(new TokenCredentials(token)) : Future.failedFuture(err))
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
