package io.agentbus.auth;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.NoSuchKeyIdException;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.oauth2.OAuth2Auth;
import io.vertx.ext.auth.oauth2.OAuth2AuthorizationURL;
import io.vertx.ext.auth.oauth2.OAuth2FlowType;
import io.vertx.ext.auth.oauth2.OAuth2Options;
import io.vertx.ext.auth.oauth2.Oauth2Credentials;
import io.vertx.ext.auth.oauth2.providers.OpenIDConnectAuth;
import java.net.URI;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An identity provider, through {@code vertx-auth-oauth2}: its OpenID Connect discovery (or a bare
 * JWKS URL), its signing keys and their rotation, the authorization code flow with PKCE and the
 * refresh grant. Keys: re-read every {@link #KEYS_MAX_AGE_SECONDS} by the library, and at once when
 * a token names a key id that is not loaded (the library says so with {@link NoSuchKeyIdException}) (at most once per {@link #REFETCH_MIN_MS}, so tokens
 * with made-up key ids cannot make every node hammer the provider); the token waits for that read
 * and is checked again.
 *
 * <p>Tokens are verified by a second provider instance with no userinfo or introspection endpoint:
 * the library falls back to those for a token it cannot verify locally, which would hand any
 * bearer string a client sends to the provider (and cost a call per bad token).
 */
public final class IdentityProvider {

  private static final Logger LOG = LoggerFactory.getLogger(IdentityProvider.class);
  static final long KEYS_MAX_AGE_SECONDS = 600;
  static final long REFETCH_MIN_MS = 5_000;

  private final OAuth2Auth flows;
  private final OAuth2Auth verifier;
  private final String issuer;
  private final AtomicReference<Future<Void>> lastRefetch = new AtomicReference<>(Future.succeededFuture());
  private volatile long lastRefetchAt;

  private IdentityProvider(OAuth2Auth flows, OAuth2Auth verifier, String issuer) {
    this.flows = flows;
    this.verifier = verifier;
    this.issuer = issuer;
  }

  /** The provider at {@code issuer}, discovered; {@code checks} carries the audience rule, if any. */
  public static Future<IdentityProvider> discover(Vertx vertx, String issuer, String clientId, String clientSecret,
      JWTOptions checks) {
    OAuth2Options opts = new OAuth2Options().setSite(issuer).setClientId(clientId)
        .setJWTOptions(new JWTOptions(checks));
    opts.setJwkMaxAgeInSeconds(KEYS_MAX_AGE_SECONDS);
    if (!clientSecret.isEmpty()) {
      opts.setClientSecret(clientSecret);
    }
    return OpenIDConnectAuth.discover(vertx, opts).compose(flows -> {
      OAuth2Options verifying = new OAuth2Options(opts).setUserInfoPath(null).setIntrospectionPath(null);
      OAuth2Auth verifier = OAuth2Auth.create(vertx, verifying);
      return verifier.jWKSet().map(v -> new IdentityProvider(flows, verifier, opts.getJWTOptions().getIssuer()));
    });
  }

  /** Token verification only, for a provider that publishes keys but no discovery document. */
  public static Future<IdentityProvider> jwks(Vertx vertx, String jwksUrl, String clientId, JWTOptions checks) {
    URI u = URI.create(jwksUrl);
    String site = u.getScheme() + "://" + u.getRawAuthority();
    OAuth2Options opts = new OAuth2Options().setSite(site).setJwkPath(jwksUrl.substring(site.length()))
        .setClientId(clientId)
        .setJWTOptions(new JWTOptions(checks));
    opts.setJwkMaxAgeInSeconds(KEYS_MAX_AGE_SECONDS);
    OAuth2Auth verifier = OAuth2Auth.create(vertx, opts);
    return verifier.jWKSet().map(v -> new IdentityProvider(null, verifier, checks.getIssuer()));
  }

  /** The issuer tokens of this provider carry (null when only keys were configured). */
  public String issuer() {
    return issuer;
  }

  /** True when browsers can sign in through it (discovered, not only keys). */
  public boolean canSignIn() {
    return flows != null;
  }

  /** The claims of a valid token signed by this provider; an unknown key id waits for the keys once. */
  public Future<JsonObject> verify(String token) {
    return check(token).recover(err -> {
      if (!(err instanceof NoSuchKeyIdException)) {
        return Future.failedFuture(err);
      }
      // A key id the loaded keys do not have (the provider rotated): read them now, then check once more.
      refetchKeys();
      return lastRefetch.get().compose(v -> check(token));
    });
  }

  private Future<JsonObject> check(String token) {
    return verifier.authenticate(new TokenCredentials(token)).compose(user -> {
      JsonObject claims = user.attributes().getJsonObject("accessToken");
      return claims != null ? Future.succeededFuture(claims) : Future.failedFuture("not a signed JWT");
    });
  }

  /** Re-reads the keys unless that was done within {@link #REFETCH_MIN_MS}. */
  private void refetchKeys() {
    long now = System.currentTimeMillis();
    synchronized (this) {
      if (now - lastRefetchAt < REFETCH_MIN_MS) {
        return;
      }
      Promise<Void> done = Promise.promise();
      lastRefetch.set(done.future());
      lastRefetchAt = now;
      verifier.jWKSet().onComplete(ar -> {
        if (ar.failed()) {
          LOG.warn("Could not re-read the identity provider's keys: {}", ar.cause().getMessage());
        }
        done.complete();
      });
    }
  }

  /** Where to send a browser to sign in (authorization code with PKCE S256, state and nonce). */
  public String authorizeUrl(String redirectUri, List<String> scopes, String state, String challenge, String nonce) {
    return flows.authorizeURL(new OAuth2AuthorizationURL().setRedirectUri(redirectUri).setScopes(scopes)
        .setState(state).setCodeChallenge(challenge).setCodeChallengeMethod("S256")
        .putAdditionalParameter("nonce", nonce));
  }

  /** The provider's answer to a returned code: the user, ID token claims under {@code idToken}. */
  public Future<User> exchange(String code, String verifier, String redirectUri) {
    return flows.authenticate(new Oauth2Credentials().setFlow(OAuth2FlowType.AUTH_CODE).setCode(code)
        .setCodeVerifier(verifier).setRedirectUri(redirectUri));
  }

  /** New tokens for a refresh token; fails when the provider refuses it (the user was signed out there). */
  public Future<User> refresh(String refreshToken) {
    return flows.refresh(User.create(new JsonObject().put("refresh_token", refreshToken)));
  }

  /** The provider's end-session URL for an ID token (null when it has none). */
  public String endSessionUrl(String idToken, String returnTo) {
    if (idToken == null) {
      return null;
    }
    try {
      return flows.endSessionURL(User.create(new JsonObject().put("id_token", idToken)),
          new JsonObject().put("post_logout_redirect_uri", returnTo));
    } catch (RuntimeException e) {
      return null; // the provider has no end_session_endpoint
    }
  }
}
