package io.agentbus.lifecycle;

import io.agentbus.support.IntegrationTest;
import io.agentbus.support.TestCluster;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPublicKey;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** An external identity provider's RS256 tokens, verified with the keys of its JWKS (PROTOCOL §2). */
@IntegrationTest
class JwksTest {

  static Vertx vertx;
  static HttpServer idp;
  static TestCluster cluster;
  static KeyPair key;
  static KeyPair stranger;
  /** What the provider publishes now (the test rotates it), and how often it was read. */
  static final java.util.concurrent.atomic.AtomicReference<JsonObject> jwks = new java.util.concurrent.atomic.AtomicReference<>();
  static final java.util.concurrent.atomic.AtomicInteger reads = new java.util.concurrent.atomic.AtomicInteger();

  static JsonObject jwk(KeyPair k, String kid) {
    RSAPublicKey pub = (RSAPublicKey) k.getPublic();
    return new JsonObject().put("kty", "RSA").put("kid", kid).put("use", "sig").put("alg", "RS256")
        .put("n", b64(pub.getModulus())).put("e", b64(pub.getPublicExponent()));
  }

  static KeyPair rsa() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
    g.initialize(2048);
    return g.generateKeyPair();
  }

  static String b64(java.math.BigInteger v) {
    byte[] b = v.toByteArray();
    if (b[0] == 0 && b.length > 1) {
      b = java.util.Arrays.copyOfRange(b, 1, b.length);
    }
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    key = rsa();
    stranger = rsa();
    jwks.set(new JsonObject().put("keys", new JsonArray().add(jwk(key, "idp-1"))));
    idp = vertx.createHttpServer().requestHandler(r -> {
      reads.incrementAndGet();
      r.response().putHeader("Content-Type", "application/json").end(jwks.get().encode());
    }).listen(0, "127.0.0.1").await();
    cluster = TestCluster.start(Map.of("AGENTBUS_AUTH_JWKS_URL", "http://127.0.0.1:" + idp.actualPort() + "/jwks",
        "AGENTBUS_AUTH_ISSUER", "https://idp.example", "AGENTBUS_AUTH_ROLES_CLAIM", "realm_access.roles"));
  }

  @AfterAll
  static void stop() {
    cluster.close();
    vertx.close().await();
  }

  static String sign(KeyPair k, String kid, String issuer) {
    String pem = "-----BEGIN PRIVATE KEY-----\n" + Base64.getMimeEncoder().encodeToString(k.getPrivate().getEncoded())
        + "\n-----END PRIVATE KEY-----";
    JWTAuth signer = JWTAuth.create(vertx, new JWTAuthOptions().addPubSecKey(new PubSecKeyOptions()
        .setAlgorithm("RS256").setId(kid).setBuffer(pem)));
    return signer.generateToken(new JsonObject().put("sub", "dana")
            .put("realm_access", new JsonObject().put("roles", new JsonArray().add("admin"))),
        new JWTOptions().setAlgorithm("RS256").setIssuer(issuer).setExpiresInSeconds(600));
  }

  @Test
  void theProvidersTokensAreAcceptedWithTheirRolesAndOthersAreNot() {
    String good = sign(key, "idp-1", "https://idp.example");
    assertEquals(200, cluster.http(0).request("GET", "/api/channels", null, "Authorization", "Bearer " + good).status());
    assertEquals(200, cluster.http(0).request("GET", "/admin/audit", null, "Authorization", "Bearer " + good).status(),
        "the admin role from realm_access.roles");
    assertEquals(401, cluster.http(0).request("GET", "/api/channels", null, "Authorization", "Bearer "
        + sign(stranger, "idp-1", "https://idp.example")).status(), "signed by a key not in the JWKS");
    assertEquals(401, cluster.http(0).request("GET", "/api/channels", null, "Authorization", "Bearer "
        + sign(key, "idp-1", "https://elsewhere.example")).status(), "another issuer");
    // The cluster's own HS256 tokens still work beside them.
    assertEquals(200, cluster.http(0).request("GET", "/api/channels", null, "Authorization", "Bearer "
        + cluster.token("alice")).status());
  }

  @Test
  void aKeyTheProviderRotatedToIsReadAtOnceAndMadeUpKeyIdsDoNotHammerIt() throws Exception {
    KeyPair next = rsa();
    jwks.set(new JsonObject().put("keys", new JsonArray().add(jwk(key, "idp-1")).add(jwk(next, "idp-2"))));
    String rotated = sign(next, "idp-2", "https://idp.example");
    // An unknown kid makes the node read the keys again before it answers: accepted on the first try.
    assertEquals(200, cluster.http(0).request("GET", "/api/channels", null, "Authorization", "Bearer " + rotated).status());
    int before = reads.get();
    for (int i = 0; i < 20; i++) {
      assertEquals(401, cluster.http(0).request("GET", "/api/channels", null, "Authorization", "Bearer "
          + sign(stranger, "made-up-" + i, "https://idp.example")).status());
    }
    org.junit.jupiter.api.Assertions.assertTrue(reads.get() - before <= 1,
        "20 made-up key ids within seconds read the keys at most once more: " + (reads.get() - before));
  }
}
