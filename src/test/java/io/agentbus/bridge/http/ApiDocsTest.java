package io.agentbus.bridge.http;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The contract cannot drift from the routes: a served route without a description, and a
 * description of a route that is not served, each stop {@link ApiDocs#build} (and so the node's
 * start) naming it. (That every real route is described is held by every integration test: a node
 * whose routes and descriptions differ does not start.)
 */
class ApiDocsTest {

  static Vertx vertx;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stop() {
    vertx.close().await();
  }

  @Test
  void anUndescribedRouteOrAnUnservedDescriptionStopsTheBuild() {
    Router router = Router.router(vertx);
    router.get("/api/undocumented").handler(ctx -> ctx.end());
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> ApiDocs.build(router));
    assertTrue(e.getMessage().contains("served but undescribed [GET /api/undocumented]"), e.getMessage());
    assertTrue(e.getMessage().contains("GET /api/openapi.json"), "described, not served here: " + e.getMessage());
    router.route("/api/*").handler(ctx -> ctx.end()); // wildcards (middleware, fallbacks) are not routes of the API
    assertThrows(IllegalStateException.class, () -> ApiDocs.build(router));
  }
}
