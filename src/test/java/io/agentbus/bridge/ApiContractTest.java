package io.agentbus.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentbus.support.Http;
import io.agentbus.support.TwoNodeClusterTest;
import io.agentbus.support.WorkflowKit;
import io.agentbus.support.WsClient;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The published contract (PROTOCOL §12) against a running node: the OpenAPI document describes
 * every route and only served ones (the node would not start otherwise; here each described
 * route is also asked from outside), and every example of the AsyncAPI document's client frames,
 * sent to a real node, is taken as a well-formed frame — so the documents and the server cannot
 * drift apart.
 */
class ApiContractTest extends TwoNodeClusterTest {

  @BeforeAll
  static void start() throws Exception {
    startCluster(Map.of("AGENTBUS_ORCHESTRATOR_WORKFLOWS_FILE", WorkflowKit.testWorkflowsFile()));
  }

  @Test
  void theOpenApiDocumentDescribesEveryRouteAndEachDescribedRouteIsServed() {
    Http.Response r = cluster.http(1).get("/api/openapi.json", null);
    assertEquals(200, r.status(), "public");
    JsonObject doc = r.json();
    assertEquals("3.1.0", doc.getString("openapi"));
    JsonObject paths = doc.getJsonObject("paths");
    for (Operation op : Operation.values()) {
      if (op.http != null) {
        String p = op.http.path().replaceAll(":([A-Za-z]+)", "{$1}");
        assertNotNull(paths.getJsonObject(p), "the table's route " + p + " is described");
        assertNotNull(paths.getJsonObject(p).getJsonObject(op.http.method().name().toLowerCase()), p);
      }
    }
    JsonObject events = paths.getJsonObject("/api/streams/{stream}/events").getJsonObject("get");
    assertTrue(events.getJsonObject("responses").getJsonObject("200").getJsonObject("content")
        .containsKey("text/event-stream"), "the SSE form is described");
    JsonObject post = paths.getJsonObject("/api/channels/{channel}/messages").getJsonObject("post");
    assertTrue(post.getJsonObject("responses").containsKey("429"));
    assertTrue(post.getJsonObject("responses").containsKey("401"));
    assertTrue(post.getJsonArray("parameters").stream().anyMatch(p -> "Idempotency-Key".equals(
        ((JsonObject) p).getString("name"))));
    assertEquals("bearer", doc.getJsonObject("components").getJsonObject("securitySchemes").getJsonObject("bearer")
        .getString("scheme"));
    for (String must : List.of("/api/openapi.json", "/api/asyncapi.json", "/health", "/metrics", "/admin/bus",
        "/api/auth/token", "/api/upload", "/api/files/{fileId}")) {
      assertTrue(paths.containsKey(must), must);
    }

    // From outside: each described route (parameters filled in) is answered by its handler — never
    // the API's "no such API" nor a 405 from a route that does not take the method.
    String user = cluster.token("contract", "admin");
    List<String> unanswered = new ArrayList<>();
    for (String path : paths.fieldNames()) {
      for (String method : paths.getJsonObject(path).fieldNames()) {
        String concrete = path.replaceAll("\\{stream\\}", "channel:general").replaceAll("\\{[A-Za-z]+\\}", "x");
        Http.Response a = cluster.http(0).request(method.toUpperCase(), concrete, method.equals("post") ? "{}" : null,
            "Authorization", "Bearer " + user, "Content-Type", "application/json");
        if (a.status() == 405 || a.body().contains("no such API") || a.body().contains("no admin resource")) {
          unanswered.add(method.toUpperCase() + " " + path + " -> " + a.status() + " " + a.body());
        }
      }
    }
    assertEquals(List.of(), unanswered);
  }

  @Test
  void everyClientFrameTheServerTakesIsDescribedAndEveryExampleIsTaken() {
    JsonObject doc = cluster.http(0).get("/api/asyncapi.json", null).json();
    assertEquals("3.0.0", doc.getString("asyncapi"));
    JsonObject messages = doc.getJsonObject("channels").getJsonObject("ws").getJsonObject("messages");
    Set<String> described = new java.util.TreeSet<>();
    for (String name : messages.fieldNames()) {
      if (name.startsWith("client_")) {
        described.add(messages.getJsonObject(name).getString("name"));
      }
    }
    Set<String> dispatched = new java.util.TreeSet<>(FrameSchemas.CONNECTION_TYPES);
    for (Operation op : Operation.values()) {
      dispatched.addAll(op.frameTypes);
    }
    assertEquals(dispatched, described, "the frames /ws dispatches are exactly the described ones");

    String token = cluster.token("framer", "user", "agent");
    List<String> refused = new ArrayList<>();
    try (WsClient user = WsClient.authed(cluster, 0, token, WorkflowKit.session());
         WsClient worker = WsClient.authed(cluster, 1, token, WorkflowKit.session());
         WsClient fresh = cluster.ws(1, null)) {
      for (String name : messages.fieldNames()) {
        if (!name.startsWith("client_")) {
          continue;
        }
        JsonObject m = messages.getJsonObject(name);
        JsonObject example = m.getJsonArray("examples").getJsonObject(0).getJsonObject("payload").copy();
        String type = example.getString("type");
        WsClient on = type.equals("auth") ? fresh : type.startsWith("agent_") || type.startsWith("task_") ? worker : user;
        if (type.equals("auth")) {
          example.put("token", token).put("id", "auth-1");
        }
        if (!example.containsKey("id")) {
          example.put("id", "ex-" + type);
        }
        JsonObject answer = on.replyTo(on.send(example));
        if ("error".equals(answer.getString("type"))
            && Set.of("INVALID_JSON", "INVALID_MESSAGE", "UNKNOWN_TYPE").contains(answer.getString("code"))) {
          refused.add(type + ": " + answer.encode());
        }
      }
      // A type the documents do not describe is refused as such.
      JsonObject bogus = user.replyTo(user.send(new JsonObject().put("type", "bogus_frame")));
      assertEquals("UNKNOWN_TYPE", bogus.getString("code"), bogus.encode());
    }
    assertEquals(List.of(), refused, "every published example is a frame the server takes");
  }

  @Test
  void theApiPageIsServedInDevWithItsLibraries() {
    Http.Response page = cluster.http(0).get("/api-docs.html", null);
    assertEquals(200, page.status());
    Matcher m = Pattern.compile("src=\"(/[^\"]+)\"|href=\"(/[^\"]+)\"").matcher(page.body());
    int assets = 0;
    while (m.find()) {
      String asset = m.group(1) != null ? m.group(1) : m.group(2);
      assertEquals(200, cluster.http(0).get(asset, null).status(), asset);
      assets++;
    }
    assertTrue(assets >= 3, "the page loads Swagger UI's script and style and its own script");
    assertFalse(page.body().contains("<script>"), "no inline script (the CSP forbids it)");
  }
}
