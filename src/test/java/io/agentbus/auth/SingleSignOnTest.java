package io.agentbus.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentbus.support.Browser;
import io.agentbus.support.Http;
import io.agentbus.support.IntegrationTest;
import io.agentbus.support.TestCluster;
import io.agentbus.support.UiUser;
import io.agentbus.support.WsClient;
import io.vertx.core.json.JsonObject;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Browser single sign-on against a real OpenID Connect provider (NAV's mock-oauth2-server: its
 * discovery, authorization endpoint, token endpoint with PKCE, JWKS and refresh grant) and two
 * clustered nodes: a sign-in started on one node finishes on the other; the provider's groups
 * become roles; the session cookie signs in every transport; renewal keeps a live connection
 * without a reconnect; sign-out and an operator's revocation close connections on every node.
 * (Key rotation: JwksTest — this provider names every key of an issuer after the issuer, so it
 * cannot rotate to a new key id.)
 */
@IntegrationTest
class SingleSignOnTest {

  static final String ISSUER_ID = "agentbus-idp";
  static final String ADMIN = "admin-token-for-the-sso-test-0123456789";
  static MockOAuth2Server idp;
  static TestCluster cluster;
  static final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
      .connectTimeout(Duration.ofSeconds(5)).build();

  @BeforeAll
  static void start() throws Exception {
    idp = new MockOAuth2Server();
    idp.start(InetAddress.getByName("127.0.0.1"), 0);
    Map<String, String> env = Map.of(
        "AGENTBUS_AUTH_OIDC_ISSUER", idp.issuerUrl(ISSUER_ID).toString(),
        "AGENTBUS_AUTH_OIDC_CLIENT_ID", "agentbus-web",
        "AGENTBUS_AUTH_OIDC_CLIENT_SECRET", "not-so-secret",
        "AGENTBUS_AUTH_USER_CLAIM", "preferred_username",
        "AGENTBUS_AUTH_ROLES_CLAIM", "groups",
        "AGENTBUS_AUTH_ROLE_MAP", "agentbus-approvers=approver,ops=admin",
        "AGENTBUS_AUTH_OIDC_SESSION_TTL_SECONDS", "6",
        "AGENTBUS_ADMIN_TOKEN", ADMIN);
    cluster = TestCluster.start(env, env);
  }

  @AfterAll
  static void stop() {
    if (cluster != null) {
      cluster.close();
    }
    if (idp != null) {
      idp.shutdown();
    }
  }

  static HttpResponse<String> get(String url, String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(15)).GET();
    for (int i = 0; i + 1 < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  static String cookieValue(HttpResponse<?> r, String name) {
    return r.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith(name + "=") && !c.startsWith(name + "=;"))
        .map(c -> c.substring(name.length() + 1, c.indexOf(';'))).findFirst().orElse(null);
  }

  static String setCookie(HttpResponse<?> r, String name) {
    return r.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith(name + "=")).findFirst().orElse("");
  }

  /** What a browser does: /auth/login on node {@code start}, the provider, /auth/callback on node {@code finish}. */
  static HttpResponse<String> signIn(int start, int finish, String user, List<String> groups) throws Exception {
    idp.enqueueCallback(new DefaultOAuth2TokenCallback(ISSUER_ID, user, "JWT", List.of("agentbus-web"),
        Map.of("preferred_username", user, "groups", groups), 3600));
    HttpResponse<String> login = get(cluster.url(start) + "/auth/login?returnTo=/%23channel%3Dgeneral");
    assertEquals(302, login.statusCode(), login.body());
    String authorize = login.headers().firstValue("Location").orElseThrow();
    assertTrue(authorize.startsWith(idp.authorizationEndpointUrl(ISSUER_ID).toString()), authorize);
    assertTrue(authorize.contains("code_challenge_method=S256") && authorize.contains("code_challenge=")
        && authorize.contains("nonce=") && authorize.contains("state="), "PKCE, nonce and state: " + authorize);
    String flow = cookieValue(login, "agentbus_signin");
    assertTrue(setCookie(login, "agentbus_signin").contains("HttpOnly"));
    HttpResponse<String> atIdp = get(authorize);
    assertEquals(302, atIdp.statusCode(), atIdp.body());
    URI back = URI.create(atIdp.headers().firstValue("Location").orElseThrow());
    return get(cluster.url(finish) + back.getRawPath() + "?" + back.getRawQuery(), "Cookie", "agentbus_signin=" + flow);
  }

  static String sessionCookie(HttpResponse<String> callback) {
    assertEquals(302, callback.statusCode(), callback.body());
    String c = cookieValue(callback, "agentbus_token");
    assertNotNull(c, "the callback sets the session cookie: " + callback.headers().allValues("Set-Cookie"));
    return "agentbus_token=" + c;
  }

  static Http.Response post(int node, String path, String cookie) {
    return cluster.http(node).request("POST", path, "{}", "Content-Type", "application/json", "Cookie", cookie);
  }

  @Test
  void aSignInStartedOnOneNodeFinishesOnTheOtherAndItsCookieSignsInEveryTransport() throws Exception {
    HttpResponse<String> callback = signIn(0, 1, "carol", List.of("agentbus-approvers", "engineering"));
    String cookie = sessionCookie(callback);
    assertEquals("/#channel=general", callback.headers().firstValue("Location").orElseThrow(), "back where it started");
    String set = setCookie(callback, "agentbus_token");
    assertTrue(set.contains("HttpOnly") && set.contains("SameSite=Lax") && set.contains("Secure"), set);

    JsonObject session = cluster.http(0).request("GET", "/auth/session", null, "Cookie", cookie).json();
    assertEquals("carol", session.getString("userId"), "the user claim (preferred_username)");
    assertEquals(List.of("user", "approver"), session.getJsonArray("roles").getList(), "groups mapped; unmapped ones give nothing");
    assertEquals(200, cluster.http(1).request("GET", "/api/me", null, "Cookie", cookie).status());

    try (WsClient ws = cluster.ws(1, null, "Cookie", cookie)) {
      JsonObject auth = ws.next("auth_response");
      assertTrue(auth.getBoolean("success"), auth.encode());
      assertEquals("carol", auth.getString("userId"));
      assertTrue(auth.getJsonArray("roles").contains("approver"));
    }
  }

  @Test
  void aSignInThatDoesNotMatchTheBrowsersOwnIsRefused() throws Exception {
    idp.enqueueCallback(new DefaultOAuth2TokenCallback(ISSUER_ID, "mallory", "JWT", List.of("agentbus-web"),
        Map.of("preferred_username", "mallory"), 3600));
    HttpResponse<String> login = get(cluster.url(0) + "/auth/login?returnTo=//evil.example/x");
    String flow = cookieValue(login, "agentbus_signin");
    HttpResponse<String> atIdp = get(login.headers().firstValue("Location").orElseThrow());
    URI back = URI.create(atIdp.headers().firstValue("Location").orElseThrow());
    String code = back.getRawQuery().replaceAll(".*code=([^&]*).*", "$1");
    HttpResponse<String> forged = get(cluster.url(0) + "/auth/callback?code=" + code + "&state=someone-elses",
        "Cookie", "agentbus_signin=" + flow);
    assertEquals(401, forged.statusCode(), "another state: " + forged.body());
    assertEquals(null, cookieValue(forged, "agentbus_token"));
    HttpResponse<String> noCookie = get(cluster.url(0) + back.getRawPath() + "?" + back.getRawQuery());
    assertEquals(401, noCookie.statusCode(), "no sign-in started in this browser");
    HttpResponse<String> ok = get(cluster.url(0) + back.getRawPath() + "?" + back.getRawQuery(), "Cookie",
        "agentbus_signin=" + flow);
    assertEquals("/", ok.headers().firstValue("Location").orElse(null), "never an open redirect to another host");
  }

  @Test
  void renewalKeepsALiveConnectionAndWithoutItTheConnectionEnds() throws Exception {
    String cookie = sessionCookie(signIn(1, 1, "dave", List.of()));
    long signedIn = System.currentTimeMillis();
    try (WsClient ws = cluster.ws(0, null, "Cookie", cookie)) {
      assertTrue(ws.next("auth_response").getBoolean("success"));
      Thread.sleep(3_000);
      Http.Response renewed = post(1, "/auth/refresh", cookie);
      assertEquals(200, renewed.status(), renewed.body());
      assertNotEquals(cookie, "agentbus_token=" + renewed.header("Set-Cookie"), "a new cookie");
      // Past the first token's end (6 s) the connection, on the other node, still answers.
      Thread.sleep(Math.max(0, signedIn + 7_000 - System.currentTimeMillis()));
      assertFalse(ws.isClosed(), "renewed without a reconnect");
      ws.send(new JsonObject().put("type", "ping"));
      ws.next("pong");
      // Not renewed again: it ends with the renewal (about 9 s after sign-in).
      assertEquals((short) 4401, ws.awaitClose());
      assertTrue(System.currentTimeMillis() - signedIn < 13_000);
    }
  }

  @Test
  void signingOutClosesTheSessionsConnectionsOnEveryNode() throws Exception {
    String cookie = sessionCookie(signIn(0, 0, "erin", List.of("ops")));
    try (WsClient onB = cluster.ws(1, null, "Cookie", cookie); WsClient onA = cluster.ws(0, null, "Cookie", cookie);
         io.agentbus.support.SseClient read = new io.agentbus.support.SseClient(TestCluster.HOST, cluster.port(1),
             "/api/streams/channel:general/events", null, "Cookie", cookie)) {
      assertTrue(onB.next("auth_response").getJsonArray("roles").contains("admin"));
      onA.next("auth_response");
      assertEquals(200, read.status(), "an event stream read signed by the cookie");
      Http.Response out = post(0, "/auth/logout", cookie);
      assertEquals(200, out.status(), out.body());
      long t0 = System.currentTimeMillis();
      assertEquals((short) 4401, onB.awaitClose(), "the other node's connection");
      assertEquals((short) 4401, onA.awaitClose());
      JsonObject last = read.next(3).json();
      while (!"NOT_AUTHENTICATED".equals(last.getString("code"))) {
        last = read.next(3).json(); // (a message of the channel before it, if one came)
      }
      assertTrue(System.currentTimeMillis() - t0 < 3_000);
    }
    assertEquals(401, cluster.http(1).request("GET", "/api/me", null, "Cookie", cookie).status(), "the cookie is dead");
    assertEquals(401, post(1, "/auth/refresh", cookie).status(), "and cannot be renewed");
  }

  @Test
  void anOperatorsRevocationEndsEveryTokenOfTheUserEverywhere() throws Exception {
    String cookie = sessionCookie(signIn(0, 1, "frank", List.of()));
    // The provider's own access token, as a backend would hold it, works as a bearer token too.
    String bearer = idp.issueToken(ISSUER_ID, "agentbus-web", new DefaultOAuth2TokenCallback(ISSUER_ID, "frank", "JWT",
        List.of("agentbus-web"), Map.of("preferred_username", "frank"), 3600)).serialize();
    assertEquals(200, cluster.http(0).get("/api/me", bearer).status());
    try (WsClient browser = cluster.ws(0, null, "Cookie", cookie);
         WsClient backend = cluster.ws(1, "token=" + bearer)) {
      browser.next("auth_response");
      assertTrue(backend.next("auth_response").getBoolean("success"));
      Http.Response r = cluster.http(1).request("POST", "/admin/users/frank/revoke", "{}", "Authorization", "Bearer " + ADMIN,
          "Content-Type", "application/json");
      assertEquals(200, r.status(), r.body());
      assertEquals((short) 4401, browser.awaitClose());
      assertEquals((short) 4401, backend.awaitClose());
    }
    assertEquals(401, cluster.http(0).get("/api/me", bearer).status());
    assertEquals(401, cluster.http(1).request("GET", "/api/me", null, "Cookie", cookie).status());
    Thread.sleep(1_100); // a token issued after the revocation (iat in whole seconds) is fine again
    assertEquals("frank", cluster.http(1).request("GET", "/auth/session", null, "Cookie",
        sessionCookie(signIn(1, 0, "frank", List.of()))).json().getString("userId"));
  }

  @Test
  void aBrowserSignsInThroughTheProviderAndTheCookieAloneCarriesIt() throws Exception {
    Browser.require();
    idp.enqueueCallback(new DefaultOAuth2TokenCallback(ISSUER_ID, "hana", "JWT", List.of("agentbus-web"),
        Map.of("preferred_username", "hana", "groups", List.of("agentbus-approvers")), 3600));
    try (Browser b = new Browser("sso")) {
      b.open(cluster.url(0) + "/#channel=general");
      b.waitFor("!document.getElementById('login').hidden && !document.getElementById('login-sso').hidden",
          "document.body.innerText.slice(0, 300)", 15_000);
      b.run("document.getElementById('login-sso-go').click()");
      // To the provider and back (it signs in without a form here), then online over /ws by the cookie.
      UiUser hana = UiUser.attach(b, "hana");
      hana.waitOnline();
      assertEquals(Boolean.FALSE, b.eval("document.cookie.includes('agentbus_token')"), "HttpOnly: no script reads it");
      assertEquals(Boolean.FALSE, b.eval("Object.keys(localStorage).some(k => (localStorage.getItem(k) || '').includes('eyJ'))"),
          "no token kept in the page's storage");
      hana.say("signed in through the provider");
      hana.waitForText("signed in through the provider");
      assertEquals(1, cluster.count("SELECT count(*) FROM messages WHERE author_id = 'hana'"));
      // Signed out (as the UI's Sign out does): the node closes the page's connection and the page asks to sign in.
      b.async("fetch('/auth/logout', {method: 'POST', headers: {'Content-Type': 'application/json'}, body: '{}'})"
          + ".then(r => done(r.status))");
      b.waitFor("!document.getElementById('login').hidden", "document.getElementById('conn').dataset.state", 15_000);
    }
  }
}
