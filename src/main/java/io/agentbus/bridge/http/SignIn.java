package io.agentbus.bridge.http;

import io.agentbus.auth.BrowserSessions;
import io.agentbus.auth.IdentityProvider;
import io.agentbus.auth.TokenService;
import io.agentbus.bridge.ws.UpgradeToken;
import io.agentbus.bus.AppException;
import io.agentbus.bus.ErrorCode;
import io.agentbus.bus.Names;
import io.agentbus.config.Sections;
import io.vertx.core.Future;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.User;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Browser single sign-on through an OpenID Connect provider (authorization code with PKCE S256):
 * {@code GET /auth/login} sends the browser to the provider with a state, a nonce and a code
 * challenge, whose verifier waits in a signed, HttpOnly cookie scoped to {@code /auth} (any node
 * can finish the flow: nothing is kept in one node's memory); {@code GET /auth/callback} checks
 * the state, trades the code (with the verifier) for the provider's tokens, checks the ID token's
 * nonce, maps its claims to a user and roles, stores a browser session and sets the session
 * cookie ({@code agentbus_token}: HttpOnly, SameSite=Lax, Secure, a short-lived token naming the
 * session) that every transport already accepts. {@code POST /auth/refresh} renews it by asking
 * the provider (a refusal signs the session out everywhere); {@code POST /auth/logout} signs out.
 */
public final class SignIn {

  private static final Logger LOG = LoggerFactory.getLogger(SignIn.class);
  static final String FLOW_COOKIE = "agentbus_signin";
  static final int FLOW_SECONDS = 600;
  private static final SecureRandom RANDOM = new SecureRandom();

  private final TokenService tokens;
  private final BrowserSessions sessions;
  private final Sections.Oidc cfg;

  public SignIn(TokenService tokens, Sections.Oidc cfg) {
    this.tokens = tokens;
    this.sessions = tokens.sessions();
    this.cfg = cfg;
  }

  public void mount(Router router) {
    router.get("/auth/login").handler(this::login);
    router.get("/auth/callback").handler(this::callback);
    router.post("/auth/refresh").handler(this::refresh);
    router.post("/auth/logout").handler(this::logout);
    router.get("/auth/session").handler(this::session);
  }

  /** The provider, or an answer saying why there is none (404: not configured; 503: not reached yet). */
  private IdentityProvider provider(RoutingContext ctx) {
    IdentityProvider p = tokens.provider();
    if (!cfg.enabled() || (p != null && !p.canSignIn())) {
      HttpApi.fail(ctx, ErrorCode.NOT_FOUND, "single sign-on is not configured (auth.oidc.issuer)");
      return null;
    }
    if (p == null) {
      ctx.response().putHeader("Retry-After", "15");
      HttpApi.fail(ctx, ErrorCode.UNAVAILABLE, "the identity provider has not answered yet; retry shortly");
      return null;
    }
    return p;
  }

  private void login(RoutingContext ctx) {
    IdentityProvider p = provider(ctx);
    if (p == null) {
      return;
    }
    String state = random(24);
    String nonce = random(24);
    String verifier = random(48);
    String redirect = redirectUrl(ctx.request());
    String note = tokens.note("signin", new JsonObject().put("state", state).put("nonce", nonce)
        .put("verifier", verifier).put("returnTo", returnTo(ctx.request().getParam("returnTo")))
        .put("redirect", redirect), FLOW_SECONDS);
    ctx.response().putHeader("Set-Cookie", cookie(ctx, FLOW_COOKIE, note, "/auth", FLOW_SECONDS))
        .putHeader("Cache-Control", "no-store")
        .putHeader("Location", p.authorizeUrl(redirect, cfg.scopes(), state, challenge(verifier), nonce))
        .setStatusCode(302).end();
  }

  private void callback(RoutingContext ctx) {
    IdentityProvider p = provider(ctx);
    if (p == null) {
      return;
    }
    HttpServerRequest req = ctx.request();
    if (req.getParam("error") != null) {
      HttpApi.fail(ctx, ErrorCode.NOT_AUTHENTICATED, "the identity provider refused the sign-in: "
          + clip(req.getParam("error")));
      return;
    }
    String code = req.getParam("code");
    String state = req.getParam("state");
    tokens.readNote("signin", UpgradeToken.cookie(req.getHeader("Cookie"), FLOW_COOKIE))
        .compose(flow -> {
          if (code == null || state == null || !MessageDigest.isEqual(state.getBytes(StandardCharsets.UTF_8),
              flow.getString("state", "").getBytes(StandardCharsets.UTF_8))) {
            return Future.failedFuture(new AppException(ErrorCode.NOT_AUTHENTICATED,
                "this sign-in does not match the one this browser started: start again"));
          }
          return p.exchange(code, flow.getString("verifier"), flow.getString("redirect"))
              .recover(err -> Future.failedFuture(new AppException(ErrorCode.NOT_AUTHENTICATED,
                  "the identity provider did not accept the sign-in: " + err.getMessage())))
              .compose(user -> signedIn(ctx, user, flow));
        })
        .onFailure(err -> {
          AppException e = AppException.from(err);
          if (e.code == ErrorCode.INTERNAL_ERROR) {
            LOG.error("sign-in failed", err);
          }
          ctx.response().putHeader("Set-Cookie", cookie(ctx, FLOW_COOKIE, "", "/auth", 0));
          HttpApi.fail(ctx, e.code, e.getMessage());
        });
  }

  /** The provider vouched for {@code user}: a session, its cookie, and back to where the browser was. */
  private Future<Void> signedIn(RoutingContext ctx, User user, JsonObject flow) {
    JsonObject id = user.attributes().getJsonObject("idToken");
    if (id == null || !flow.getString("nonce").equals(id.getString("nonce"))) {
      return Future.failedFuture(new AppException(ErrorCode.NOT_AUTHENTICATED,
          "the ID token is missing or not for this sign-in (nonce)"));
    }
    JsonObject claims = claims(user);
    String userId = tokens.mapping().userId(claims);
    if (!Names.isUserId(userId)) {
      return Future.failedFuture(new AppException(ErrorCode.FORBIDDEN, "the provider's " + tokens.mapping().userClaim()
          + " claim is no agentbus user id (letters, digits, '.', '_', '-', '@'): set auth.userClaim to another claim"));
    }
    List<String> roles = tokens.mapping().roles(claims);
    long now = System.currentTimeMillis();
    long until = now + cfg.sessionTtlSeconds() * 1000L;
    return sessions.create(userId, roles, user.principal().getString("refresh_token"),
            user.principal().getString("id_token"), until, now + cfg.sessionMaxSeconds() * 1000L)
        .map(sid -> {
          String token = tokens.issue(userId, roles, sid, cfg.sessionTtlSeconds()).getString("token");
          LOG.info("{} signed in through the identity provider (roles {})", userId, roles);
          ctx.response().headers().add("Set-Cookie", cookie(ctx, FLOW_COOKIE, "", "/auth", 0))
              .add("Set-Cookie", cookie(ctx, RequestToken.COOKIE, token, "/", cfg.sessionMaxSeconds()));
          ctx.response().putHeader("Cache-Control", "no-store").putHeader("Location", flow.getString("returnTo", "/"))
              .setStatusCode(302).end();
          return null;
        });
  }

  /** Renews the browser session: the provider asked again (its refusal signs the session out everywhere). */
  private void refresh(RoutingContext ctx) {
    IdentityProvider p = provider(ctx);
    if (p == null || !jsonPost(ctx)) {
      return;
    }
    current(ctx).compose(s -> {
      Future<User> renewed = s.refreshToken() == null ? Future.succeededFuture(null)
          : p.refresh(s.refreshToken()).recover(err -> sessions.revoke(s.sid(), "refused by the identity provider: "
              + err.getMessage()).transform(x -> Future.failedFuture(new AppException(ErrorCode.NOT_AUTHENTICATED,
                  "the identity provider ended this sign-in: sign in again"))));
      return renewed.compose(user -> {
        List<String> roles = s.roles();
        if (user != null && user.attributes().getJsonObject("idToken") != null) {
          roles = tokens.mapping().roles(claims(user));
        }
        long until = Math.min(System.currentTimeMillis() + cfg.sessionTtlSeconds() * 1000L, s.endsAtMs());
        int seconds = (int) Math.max(1, (until - System.currentTimeMillis()) / 1000);
        List<String> now = roles;
        return sessions.renewed(s.sid(), roles, user == null ? null : user.principal().getString("refresh_token"),
                user == null ? null : user.principal().getString("id_token"), until)
            .map(v -> {
              JsonObject issued = tokens.issue(s.userId(), now, s.sid(), seconds);
              ctx.response().putHeader("Set-Cookie", cookie(ctx, RequestToken.COOKIE, issued.getString("token"), "/",
                  (int) Math.max(0, (s.endsAtMs() - System.currentTimeMillis()) / 1000)));
              return new JsonObject().put("userId", s.userId()).put("roles", issued.getJsonArray("roles"))
                  .put("expiresAt", issued.getString("expiresAt")).put("sso", true);
            });
      });
    }).onSuccess(body -> HttpApi.json(ctx, 200, body)).onFailure(err -> signedOut(ctx, err));
  }

  private void logout(RoutingContext ctx) {
    if (!jsonPost(ctx)) {
      return;
    }
    IdentityProvider p = tokens.provider();
    current(ctx).compose(s -> sessions.revoke(s.sid(), "signed out").map(v -> {
      String back = cfg.redirectUrl().isEmpty() ? null : URI.create(cfg.redirectUrl()).resolve("/").toString();
      String end = p == null ? null : p.endSessionUrl(s.idToken(), back);
      return new JsonObject().put("signedOut", true).put("endSessionUrl", end);
    })).onSuccess(body -> {
      ctx.response().putHeader("Set-Cookie", cookie(ctx, RequestToken.COOKIE, "", "/", 0));
      HttpApi.json(ctx, 200, body);
    }).onFailure(err -> signedOut(ctx, err));
  }

  /** Who the session cookie signs in, and until when (the web UI renews before then). */
  private void session(RoutingContext ctx) {
    String token = UpgradeToken.cookie(ctx.request().getHeader("Cookie"), RequestToken.COOKIE);
    tokens.claims(token == null ? "" : token).compose(c -> current(ctx).map(s -> new JsonObject()
            .put("userId", s.userId()).put("roles", new JsonArray(s.roles()))
            .put("expiresAt", java.time.Instant.ofEpochMilli(Math.max(c.getLong("exp", 0L) * 1000, s.renewedUntilMs()))
                .toString()).put("sso", true)))
        .onSuccess(body -> HttpApi.json(ctx, 200, body)).onFailure(err -> signedOut(ctx, err));
  }

  /** The live browser session the request's cookie names (signature checked whatever its age). */
  private Future<BrowserSessions.Session> current(RoutingContext ctx) {
    String token = UpgradeToken.cookie(ctx.request().getHeader("Cookie"), RequestToken.COOKIE);
    return tokens.sessionClaims(token).compose(c -> sessions.get(c.getString("sid"))).compose(s -> {
      if (s == null || s.revoked() || s.endsAtMs() <= System.currentTimeMillis()) {
        return Future.failedFuture(new AppException(ErrorCode.NOT_AUTHENTICATED, "this sign-in has ended: sign in again"));
      }
      return Future.succeededFuture(s);
    });
  }

  private void signedOut(RoutingContext ctx, Throwable err) {
    AppException e = AppException.from(err);
    if (e.code == ErrorCode.NOT_AUTHENTICATED) {
      ctx.response().putHeader("Set-Cookie", cookie(ctx, RequestToken.COOKIE, "", "/", 0));
    } else if (e.code == ErrorCode.INTERNAL_ERROR) {
      LOG.error("{} {} failed", ctx.request().method(), ctx.request().path(), err);
    }
    HttpApi.fail(ctx, e.code, e.getMessage());
  }

  /** A POST the session cookie signs must be JSON: a cross-site form cannot send that type. */
  private static boolean jsonPost(RoutingContext ctx) {
    String type = ctx.request().getHeader("Content-Type");
    if (type == null || !type.toLowerCase(java.util.Locale.ROOT).startsWith("application/json")) {
      HttpApi.fail(ctx, ErrorCode.FORBIDDEN, "this POST must be application/json (a cross-site form cannot be)");
      return false;
    }
    return true;
  }

  /** The ID token's claims over the access token's (a provider may put groups in either). */
  private static JsonObject claims(User user) {
    JsonObject out = new JsonObject();
    JsonObject access = user.attributes().getJsonObject("accessToken");
    if (access != null) {
      out.mergeIn(access);
    }
    JsonObject id = user.attributes().getJsonObject("idToken");
    if (id != null) {
      out.mergeIn(id);
    }
    return out;
  }

  /** The callback URL: configured, else (dev) this request's own origin. */
  private String redirectUrl(HttpServerRequest req) {
    if (!cfg.redirectUrl().isEmpty()) {
      return cfg.redirectUrl();
    }
    io.vertx.core.net.HostAndPort at = req.authority();
    return (req.isSSL() ? "https" : "http") + "://" + at.host() + (at.port() > 0 ? ":" + at.port() : "") + "/auth/callback";
  }

  /**
   * A cookie for this site: HttpOnly, SameSite=Lax (sent on the provider's redirect back, not on a
   * cross-site POST), Secure unless the site is plain HTTP on a host other than loopback (a browser
   * would then never send it back; dev only, where the callback URL says so).
   */
  private String cookie(RoutingContext ctx, String name, String value, String path, int maxAge) {
    URI site = URI.create(redirectUrl(ctx.request()));
    boolean secure = "https".equals(site.getScheme()) || loopback(site.getHost());
    return name + "=" + value + "; Path=" + path + "; Max-Age=" + maxAge + "; HttpOnly; SameSite=Lax"
        + (secure ? "; Secure" : "");
  }

  private static boolean loopback(String host) {
    return host != null && (host.equals("localhost") || host.startsWith("127.") || host.equals("[::1]"));
  }

  /** Only a path of this site (never //other.host or a scheme): an open redirect is a phishing aid. */
  static String returnTo(String wanted) {
    if (wanted == null || !wanted.startsWith("/") || wanted.startsWith("//") || wanted.contains("\\")
        || wanted.length() > 512) {
      return "/";
    }
    return wanted;
  }

  private static String clip(String s) {
    String plain = s.replaceAll("[^A-Za-z0-9_.\\- ]", "");
    return plain.length() > 100 ? plain.substring(0, 100) : plain;
  }

  private static String random(int bytes) {
    byte[] b = new byte[bytes];
    RANDOM.nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  private static String challenge(String verifier) {
    try {
      return Base64.getUrlEncoder().withoutPadding().encodeToString(
          MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
