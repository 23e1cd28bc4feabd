package io.agentbus.lifecycle;

import io.agentbus.auth.TokenService;
import io.agentbus.support.Http;
import io.agentbus.support.IntegrationTest;
import io.agentbus.support.TestCluster;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A prod node's defaults: same-origin only, security headers, tokens out of URLs, iss/aud and a roles-claim path. */
@IntegrationTest
class SecurityDefaultsTest {

  static final String SECRET = "security-test-secret-0123456789-abcdefghij";
  static TestCluster cluster;
  static Vertx vertx;
  static TokenService tokens;

  @BeforeAll
  static void start() {
    cluster = TestCluster.start(Map.of("AGENTBUS_PROFILE", "prod", "AGENTBUS_JWT_SECRET", SECRET,
        "AGENTBUS_AUTH_ISSUER", "https://id.example", "AGENTBUS_AUTH_AUDIENCE", "agentbus",
        "AGENTBUS_AUTH_ROLES_CLAIM", "realm_access.roles"));
    vertx = Vertx.vertx();
    tokens = new TokenService(vertx, SECRET, 3600, "https://id.example", "agentbus", "realm_access.roles");
  }

  @AfterAll
  static void stop() {
    cluster.close();
    vertx.close().await();
  }

  static String self() {
    return "http://127.0.0.1:" + cluster.port(0);
  }

  @Test
  void foreignOriginsGetNoCorsNoUpgradeAndSameOriginWorks() throws Exception {
    Http http = cluster.http(0);
    String token = tokens.issue("alice", List.of()).getString("token");
    Http.Response preflight = http.request("OPTIONS", "/api/channels", null, "Origin", "http://evil.example",
        "Access-Control-Request-Method", "GET");
    assertEquals(403, preflight.status());
    Http.Response info = http.request("GET", "/eventbus/info", null, "Origin", "http://evil.example");
    assertEquals(403, info.status());
    assertEquals(200, http.request("GET", "/eventbus/info", null, "Origin", self()).status());
    assertEquals(200, http.request("GET", "/api/channels", null, "Origin", self(), "Authorization", "Bearer " + token)
        .status());
    // Upgrades: a foreign Origin is refused; same-origin with the token in a header (not the URL) works.
    assertThrows(Exception.class, () -> connect("/ws", "Origin", "http://evil.example").get(5, TimeUnit.SECONDS));
    assertThrows(Exception.class, () -> connect("/eventbus/websocket", "Origin", "http://evil.example")
        .get(5, TimeUnit.SECONDS));
    CompletableFuture<String> first = new CompletableFuture<>();
    WebSocket ws = connect("/ws", first, "Origin", self(), "Authorization", "Bearer " + token).get(5, TimeUnit.SECONDS);
    JsonObject auth = new JsonObject(first.get(5, TimeUnit.SECONDS));
    assertEquals("auth_response", auth.getString("type"));
    assertEquals(true, auth.getBoolean("success"));
    ws.abort();
    CompletableFuture<String> byCookie = new CompletableFuture<>();
    WebSocket ws2 = connect("/ws", byCookie, "Cookie", "theme=dark; agentbus_token=" + token).get(5, TimeUnit.SECONDS);
    assertEquals(true, new JsonObject(byCookie.get(5, TimeUnit.SECONDS)).getBoolean("success"));
    ws2.abort();
  }

  @Test
  void liveAndReadyAreSeparateAndSayWhichCheckStands() {
    Http.Response live = cluster.http(0).request("GET", "/health/live", null);
    assertEquals(200, live.status());
    JsonObject ready = cluster.http(0).request("GET", "/health/ready", null).json();
    assertEquals("UP", ready.getString("status"));
    for (String check : List.of("database", "cluster", "verticles")) {
      assertEquals("UP", ready.getJsonObject("checks").getJsonObject(check).getString("status"), check);
    }
    assertEquals(ready.getJsonObject("checks").getJsonObject("verticles"),
        cluster.http(0).request("GET", "/health", null).json().getJsonObject("checks").getJsonObject("verticles"));
  }

  @Test
  void answersCarrySecurityHeaders() {
    Http.Response ui = cluster.http(0).request("GET", "/", null);
    assertEquals(200, ui.status());
    Http.Response api = cluster.http(0).request("GET", "/api/channels", null);
    assertEquals(401, api.status());
    for (Http.Response r : List.of(ui, api)) {
      assertEquals("nosniff", r.header("X-Content-Type-Options"));
      assertEquals("DENY", r.header("X-Frame-Options"));
      assertEquals("no-referrer", r.header("Referrer-Policy"));
      assertTrue(r.header("Content-Security-Policy").contains("frame-ancestors 'none'"));
    }
    assertNull(cluster.http(0).request("GET", "/api/auth/token", null).header("Access-Control-Allow-Origin"));
    assertEquals("Bearer realm=\"agentbus\"", api.header("WWW-Authenticate"));
    // Production publishes the contract, not the browsable page (a development aid).
    assertEquals(404, cluster.http(0).request("GET", "/api-docs.html", null).status());
    assertEquals(200, cluster.http(0).request("GET", "/api/openapi.json", null).status());
  }

  @Test
  void issuerAudienceAndTheRolesClaimPathAreChecked() {
    Http http = cluster.http(0);
    String admin = tokens.issue("root", List.of("admin")).getString("token");
    assertEquals(200, http.request("GET", "/admin/audit", null, "Authorization", "Bearer " + admin).status());
    TokenService otherIssuer = new TokenService(vertx, SECRET, 3600, "https://other.example", "agentbus", "realm_access.roles");
    assertEquals(401, http.request("GET", "/api/channels", null, "Authorization", "Bearer "
        + otherIssuer.issue("alice", List.of()).getString("token")).status());
    TokenService noAudience = new TokenService(vertx, SECRET, 3600, "https://id.example", "", "realm_access.roles");
    assertEquals(401, http.request("GET", "/api/channels", null, "Authorization", "Bearer "
        + noAudience.issue("alice", List.of()).getString("token")).status());
    // Roles under "roles" (not the configured path) do not count.
    TokenService flat = new TokenService(vertx, SECRET, 3600, "https://id.example", "agentbus", "roles");
    assertEquals(403, http.request("GET", "/admin/audit", null, "Authorization", "Bearer "
        + flat.issue("root", List.of("admin")).getString("token")).status());
  }

  static CompletableFuture<WebSocket> connect(String path, String... headers) {
    return connect(path, new CompletableFuture<>(), headers);
  }

  static CompletableFuture<WebSocket> connect(String path, CompletableFuture<String> first, String... headers) {
    WebSocket.Builder b = HttpClient.newHttpClient().newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5));
    for (int i = 0; i + 1 < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return b.buildAsync(URI.create("ws://127.0.0.1:" + cluster.port(0) + path), new WebSocket.Listener() {
      @Override
      public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
        first.complete(data.toString());
        w.request(1);
        return null;
      }
    });
  }
}
