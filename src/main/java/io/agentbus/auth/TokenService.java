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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Issues and verifies the tokens of PROTOCOL §2: this cluster's HS256 JWTs (HMAC only: safe on an
 * event loop), and, with an identity provider ({@code auth.oidc.issuer} or {@code auth.jwksUrl}),
 * the provider's own tokens, whose claims become an identity through {@link RoleMapping}. With
 * {@link BrowserSessions}, a token of a signed-out browser session or of a user an operator
 * revoked is refused, and a browser session's token past its {@code exp} still holds while the
 * session was renewed (its connections are renewed without a reconnect).
 */
public final class TokenService {

  private static final Logger LOG = LoggerFactory.getLogger(TokenService.class);
  public static final List<String> KNOWN_ROLES = List.of("user", "approver", "agent", "admin");
  static final long PROVIDER_RETRY_MS = 15_000;

  private final JWTAuth jwt;
  /** The same keys and checks but {@code exp}: a browser session's token is then held to its session. */
  private final JWTAuth jwtAnyAge;
  /** Notes carry no issuer or audience: they are this cluster's to itself. */
  private final JWTAuth jwtNotes;
  /** The identity provider whose tokens are accepted too (null until discovered, or none). */
  private volatile IdentityProvider provider;
  private Future<Void> ready = Future.succeededFuture();
  private final int ttlSeconds;
  private final JWTOptions checks;
  private final String issuer;
  private final String audience;
  private final String[] rolesClaim;
  private RoleMapping mapping;
  private BrowserSessions sessions;

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
    PubSecKeyOptions key = new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(secret);
    this.jwt = JWTAuth.create(vertx, new JWTAuthOptions().setJWTOptions(checks).addPubSecKey(key));
    this.jwtAnyAge = JWTAuth.create(vertx, new JWTAuthOptions()
        .setJWTOptions(new JWTOptions(checks).setIgnoreExpiration(true)).addPubSecKey(key));
    this.jwtNotes = JWTAuth.create(vertx, new JWTAuthOptions().addPubSecKey(key));
    this.ttlSeconds = ttlSeconds;
    this.issuer = issuer;
    this.audience = audience;
    this.rolesClaim = rolesClaim.split("\\.");
    this.mapping = new RoleMapping("sub", rolesClaim, "");
  }

  /**
   * The service as configured ({@code auth.*}); with an identity provider, {@link #ready} once its
   * first discovery was tried (a provider that does not answer is tried again every
   * {@link #PROVIDER_RETRY_MS}: the node serves its own tokens meanwhile).
   */
  public static TokenService of(Vertx vertx, io.agentbus.config.Sections.Auth cfg, BrowserSessions sessions) {
    TokenService t = new TokenService(vertx, cfg.jwtSecret(), cfg.tokenTtlSeconds(), cfg.issuer(), cfg.audience(),
        cfg.rolesClaim());
    t.mapping = new RoleMapping(cfg.userClaim(), cfg.rolesClaim(), cfg.roleMap());
    t.sessions = sessions;
    if (cfg.oidc().enabled() || !cfg.jwksUrl().isEmpty()) {
      // Our issuer and audience rules hold for its tokens too (discovery puts the provider's own issuer in).
      JWTOptions theirs = new JWTOptions(t.checks);
      java.util.function.Supplier<Future<IdentityProvider>> find = () -> cfg.oidc().enabled()
          ? IdentityProvider.discover(vertx, cfg.oidc().issuer(), cfg.oidc().clientId(), cfg.oidc().clientSecret(), theirs)
          : IdentityProvider.jwks(vertx, cfg.jwksUrl(), cfg.oidc().clientId(), theirs);
      t.ready = t.findProvider(vertx, find);
    }
    return t;
  }

  private Future<Void> findProvider(Vertx vertx, java.util.function.Supplier<Future<IdentityProvider>> find) {
    return find.get().map(p -> {
      provider = p;
      return (Void) null;
    }).recover(err -> {
      LOG.warn("The identity provider did not answer ({}): its tokens and sign-in wait; trying again every {} s",
          err.getMessage(), PROVIDER_RETRY_MS / 1000);
      vertx.setTimer(PROVIDER_RETRY_MS, id -> findProvider(vertx, find));
      return Future.succeededFuture();
    });
  }

  /** Completes once the service can verify every kind of token it is configured for (or has said why not). */
  public Future<Void> ready() {
    return ready;
  }

  /** This service, {@link #ready} only once {@code also} is done too. */
  public TokenService readyAfter(Future<Void> also) {
    ready = also;
    return this;
  }

  /** The identity provider, once discovered (null: none configured, or not reached yet). */
  public IdentityProvider provider() {
    return provider;
  }

  /** How a provider's claims become a user and roles. */
  public RoleMapping mapping() {
    return mapping;
  }

  /** The browser sessions this service checks tokens against (null in tools without a database). */
  public BrowserSessions sessions() {
    return sessions;
  }

  /** A token for {@code userId}; role {@code user} is always included. */
  public JsonObject issue(String userId, List<String> roles) {
    return issue(userId, roles, null, ttlSeconds);
  }

  /** A token of browser session {@code sid} (null: none) that lives {@code seconds}. */
  public JsonObject issue(String userId, List<String> roles, String sid, int seconds) {
    LinkedHashSet<String> all = new LinkedHashSet<>();
    all.add("user");
    all.addAll(roles);
    Instant expires = Instant.now().plusSeconds(seconds);
    JWTOptions opts = new JWTOptions().setAlgorithm("HS256").setExpiresInSeconds(seconds);
    if (!issuer.isEmpty()) {
      opts.setIssuer(issuer);
    }
    if (!audience.isEmpty()) {
      opts.setAudience(List.of(audience));
    }
    JsonObject claims = new JsonObject().put("sub", userId);
    if (sid != null) {
      claims.put("sid", sid);
    }
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

  /**
   * A signed note the browser keeps for this cluster (a sign-in in flight: its state, nonce and
   * PKCE verifier): HS256 like every token here, {@code typ} set so it never passes as one.
   */
  public String note(String typ, JsonObject content, int seconds) {
    return jwt.generateToken(content.copy().put("typ", typ), new JWTOptions().setAlgorithm("HS256")
        .setExpiresInSeconds(seconds));
  }

  /** The content of a note of kind {@code typ} that this cluster signed and that has not expired. */
  public Future<JsonObject> readNote(String typ, String note) {
    if (note == null || note.isEmpty() || note.length() > 8192) {
      return Future.failedFuture(refused("no sign-in in progress"));
    }
    return jwtNotes.authenticate(new TokenCredentials(note)).map(TokenService::claimsOf).compose(c -> typ.equals(c.getString("typ"))
        ? Future.succeededFuture(c) : Future.failedFuture(refused("no sign-in in progress")));
  }

  /**
   * The session claims of a browser session's token, whatever its age (a tab that slept past it
   * may still renew): signature, issuer and audience checked, and a {@code sid} present.
   */
  public Future<JsonObject> sessionClaims(String token) {
    if (token == null || token.isEmpty() || token.length() > 8192) {
      return Future.failedFuture(refused("not signed in"));
    }
    return jwtAnyAge.authenticate(new TokenCredentials(token)).map(TokenService::claimsOf)
        .recover(err -> Future.failedFuture(refused("not signed in")))
        .compose(c -> c.getString("sid") != null ? Future.succeededFuture(c) : Future.failedFuture(refused("not a browser session")));
  }

  /** The principal of a valid token; fails with NOT_AUTHENTICATED otherwise. */
  public Future<Principal> verify(String token) {
    return claims(token).compose(this::principal);
  }

  /**
   * The verified claims of a token, with {@code provider: true} when the identity provider signed
   * it; fails with NOT_AUTHENTICATED for anything not valid now (expired, signed out, revoked).
   */
  public Future<JsonObject> claims(String token) {
    if (token == null || token.isBlank() || token.length() > 8192) {
      return Future.failedFuture(refused("a valid token is required"));
    }
    IdentityProvider idp = provider;
    return jwt.authenticate(new TokenCredentials(token)).map(TokenService::claimsOf)
        .recover(err -> renewedSession(token))
        .recover(err -> idp != null ? idp.verify(token).map(c -> c.copy().put("provider", true))
            : Future.failedFuture(err))
        .recover(err -> Future.failedFuture(refused("invalid or expired token")))
        .compose(c -> {
          if (!c.getBoolean("provider", false) && c.getValue("typ") != null) {
            return Future.failedFuture(refused("not an access token"));
          }
          if (sessions != null && sessions.revoked(c.getString("sid"))) {
            return Future.failedFuture(refused("signed out"));
          }
          if (sessions != null && c.getValue("iat") instanceof Number iat && sessions.revoked(mapping.userIdOr(c), iat.longValue())) {
            return Future.failedFuture(refused("revoked: sign in again"));
          }
          return Future.succeededFuture(c);
        });
  }

  /** A browser session's own token past its {@code exp}: good while the session's latest renewal is. */
  private Future<JsonObject> renewedSession(String token) {
    if (sessions == null) {
      return Future.failedFuture("expired");
    }
    return jwtAnyAge.authenticate(new TokenCredentials(token)).map(TokenService::claimsOf).compose(c -> {
      String sid = c.getString("sid");
      if (sid == null) {
        return Future.failedFuture("expired");
      }
      return sessions.renewedUntil(sid).compose(until -> until > System.currentTimeMillis()
          ? Future.succeededFuture(c.copy().put("renewedUntil", until)) : Future.failedFuture("expired"));
    });
  }

  private Future<Principal> principal(JsonObject p) {
    boolean theirs = p.getBoolean("provider", false);
    String sub = theirs ? mapping.userId(p) : p.getString("sub");
    if (!Names.isUserId(sub)) {
      return Future.failedFuture(refused("token has no valid subject" + (theirs ? " (claim " + mapping.userClaim() + ")" : "")));
    }
    if (theirs) {
      return Future.succeededFuture(new Principal(sub, mapping.roles(p), null));
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
  }

  /** All of a verified JWT's claims: the library keeps {@code iat} and {@code exp} beside the principal, not in it. */
  private static JsonObject claimsOf(io.vertx.ext.auth.User u) {
    JsonObject all = u.attributes().getJsonObject("accessToken");
    if (all != null) {
      return all;
    }
    JsonObject c = u.principal().copy();
    for (String k : List.of("iat", "exp", "nbf")) {
      if (!c.containsKey(k) && u.attributes().containsKey(k)) {
        c.put(k, u.attributes().getValue(k));
      }
    }
    return c;
  }

  private static AppException refused(String why) {
    return new AppException(ErrorCode.NOT_AUTHENTICATED, why);
  }
}
