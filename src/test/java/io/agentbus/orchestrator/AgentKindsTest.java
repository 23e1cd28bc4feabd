package io.agentbus.orchestrator;

import io.agentbus.support.TwoNodeClusterTest;
import io.agentbus.support.WorkflowKit;
import io.agentbus.support.WsClient;
import io.agentbus.worker.ExampleWorker;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import static io.agentbus.support.WorkflowKit.eventsUntilEnd;
import static io.agentbus.support.WorkflowKit.last;
import static io.agentbus.support.WorkflowKit.ofRole;
import static io.agentbus.support.WorkflowKit.session;
import static io.agentbus.support.WorkflowKit.startWorkflow;
import static io.agentbus.support.WorkflowKit.types;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The agent kinds other than scripted, on two clustered nodes: external workers over /ws (task,
 * progress, result; a worker that disconnects or misses its deadline and another that takes over;
 * the runnable example worker), and the openai kind against a local server speaking the
 * OpenAI streaming chat-completions API.
 */
class AgentKindsTest extends TwoNodeClusterTest {

  private static Vertx llmVertx;
  private static final List<JsonObject> llmRequests = new CopyOnWriteArrayList<>();
  private static final List<String> llmAuth = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    llmVertx = Vertx.vertx();
    HttpServer server = llmVertx.createHttpServer().requestHandler(req -> req.body().onSuccess(body -> {
      if (!req.path().equals("/v1/chat/completions")) {
        req.response().setStatusCode(404).end();
        return;
      }
      JsonObject in = body.toJsonObject();
      llmRequests.add(in);
      llmAuth.add(String.valueOf(req.getHeader("Authorization")));
      String prompt = in.getJsonArray("messages").getJsonObject(1).getString("content");
      if (prompt.contains("refuse")) {
        req.response().setStatusCode(401).putHeader("Content-Type", "application/json")
            .end("{\"error\":{\"message\":\"Incorrect API key provided\"}}");
        return;
      }
      var resp = req.response().setChunked(true).putHeader("Content-Type", "text/event-stream");
      List<String> pieces = List.of("Hel", "lo", " wor", "ld");
      long[] delay = {0};
      for (String p : pieces) {
        delay[0] += 60;
        llmVertx.setTimer(delay[0], id -> resp.write("data: " + new JsonObject().put("choices",
            new JsonArray().add(new JsonObject().put("index", 0).put("delta", new JsonObject().put("content", p))))
            .encode() + "\n\n"));
      }
      llmVertx.setTimer(delay[0] + 60, id -> resp.end("data: {\"choices\":[],\"usage\":{\"total_tokens\":12}}\n\n"
          + "data: [DONE]\n\n"));
    }));
    int port = server.listen(0, "127.0.0.1").await().actualPort();
    // No approvals verticle here: a gate must then fail its workflow, saying why.
    startCluster(Map.of("AGENTBUS_ORCHESTRATOR_WORKFLOWS_FILE", WorkflowKit.testWorkflowsFile(),
        "AGENTBUS_VERTICLES", "router,bridge,orchestrator",
        "AGENTBUS_OPENAI_BASE_URL", "http://127.0.0.1:" + port + "/v1", "AGENTBUS_OPENAI_API_KEY", "sk-test"));
  }

  @AfterAll
  static void stopLlm() {
    llmVertx.close().await();
  }

  static WsClient worker(int node, String name, int capacity) {
    WsClient w = WsClient.authed(cluster, node, cluster.token(name, "agent"), null);
    JsonObject r = w.replyTo(w.send(new JsonObject().put("type", "agent_register").put("roles", new JsonArray().add("ext"))
        .put("capacity", capacity)));
    assertEquals("agent_registered", r.getString("type"), r.encode());
    return w;
  }

  @Test
  void anExternalWorkerRunsTheTaskAndASecondTakesOverWhenTheFirstDisconnects() {
    try (WsClient user = WsClient.authed(cluster, 0, alice, session())) {
      WsClient first = worker(1, "worker-a", 1);
      String id = startWorkflow(user, "external", "summarise the report");
      JsonObject task = first.next("task");
      assertEquals("ext", task.getString("agentRole"));
      assertEquals(id, task.getString("workflowId"));
      assertEquals(1, task.getInteger("attempt"));
      assertEquals("summarise the report", task.getJsonObject("input").getString("content"));
      String t1 = task.getString("taskId");
      first.replyTo(first.send(new JsonObject().put("type", "task_progress").put("taskId", t1).put("progress", 0.4)
          .put("currentTask", "reading").put("partialOutput", "so far")));
      JsonObject progress = user.next(f -> "agent_progress".equals(f.getString("type")), "progress");
      assertEquals("so far", progress.getString("partialOutput"));
      assertEquals(0.4, progress.getDouble("progress"), 1e-9);

      try (WsClient second = worker(0, "worker-b", 1)) {
        first.close(); // the first worker goes away mid-task
        JsonObject retried = second.next("task");
        assertEquals(2, retried.getInteger("attempt"));
        assertEquals("summarise the report", retried.getJsonObject("input").getString("content"));
        String t2 = retried.getString("taskId");
        JsonObject bad = second.replyTo(second.send(new JsonObject().put("type", "task_result").put("taskId", t1)
            .put("outputs", new JsonObject())));
        assertEquals("NOT_FOUND", bad.getString("code"), "a task of another worker");
        bad = second.replyTo(second.send(new JsonObject().put("type", "task_progress").put("taskId", t2).put("progress", 7)));
        assertEquals("INVALID_MESSAGE", bad.getString("code"));
        second.replyTo(second.send(new JsonObject().put("type", "task_result").put("taskId", t2).put("qualityScore", 0.7)
            .put("outputs", new JsonObject().put("text", "done by b"))));
        List<JsonObject> events = eventsUntilEnd(user, id);
        JsonObject error = events.stream().filter(e -> "error".equals(e.getString("type"))).findFirst().orElseThrow();
        assertTrue(error.getBoolean("recoverable"));
        assertTrue(error.getString("error").contains("disconnected"), error.getString("error"));
        JsonObject done = last(ofRole(events, "ext"));
        assertEquals("agent_completed", done.getString("type"));
        assertEquals("done by b", done.getJsonObject("outputs").getString("text"));
        assertEquals(0.7, done.getDouble("qualityScore"), 1e-9);
        assertEquals("workflow_completed", last(events).getString("type"));
      }
    }
  }

  @Test
  void aWorkerThatMissesItsDeadlineIsToldToStopAndTheTaskIsRetried() {
    try (WsClient user = WsClient.authed(cluster, 1, alice, session());
         WsClient w = worker(0, "worker-c", 1)) {
      String id = startWorkflow(user, "deadline", "answer in time");
      JsonObject task = w.next("task");
      JsonObject cancel = w.next("task_cancel"); // 2 s deadline passed without an answer
      assertEquals(task.getString("taskId"), cancel.getString("taskId"));
      JsonObject error = user.next(f -> "error".equals(f.getString("type")) && id.equals(f.getString("workflowId")), "error");
      assertTrue(error.getString("error").contains("deadline"), error.encode());
      assertTrue(error.getBoolean("recoverable"));
      JsonObject again = w.next("task");
      assertEquals(2, again.getInteger("attempt"));
      w.send(new JsonObject().put("type", "task_result").put("taskId", again.getString("taskId"))
          .put("outputs", new JsonObject().put("text", "late but fine")));
      assertEquals("workflow_completed", last(eventsUntilEnd(user, id)).getString("type"));
    }
  }

  @Test
  void cancellingAWorkflowTellsTheWorkerToStop() {
    try (WsClient user = WsClient.authed(cluster, 0, alice, session());
         WsClient w = worker(1, "worker-e", 1)) {
      String id = startWorkflow(user, "external", "stop me");
      JsonObject task = w.next("task");
      JsonObject reply = user.replyTo(user.send(new JsonObject().put("type", "cancel").put("workflowId", id)));
      assertTrue(reply.getBoolean("success"), reply.encode());
      JsonObject stop = w.next("task_cancel");
      assertEquals(task.getString("taskId"), stop.getString("taskId"));
      // A result sent after the cancel is refused and changes nothing.
      JsonObject late = w.replyTo(w.send(new JsonObject().put("type", "task_result").put("taskId", task.getString("taskId"))
          .put("outputs", new JsonObject())));
      assertEquals("NOT_FOUND", late.getString("code"));
      assertEquals("cancelled", last(eventsUntilEnd(user, id)).getString("type"));
    }
  }

  @Test
  void withoutTheApprovalsServiceAGateFailsItsWorkflowSayingWhy() {
    try (WsClient ws = WsClient.authed(cluster, 0, alice, session())) {
      String id = startWorkflow(ws, "gated", "needs a human");
      List<JsonObject> events = eventsUntilEnd(ws, id);
      assertEquals("workflow_failed", last(events).getString("type"));
      assertTrue(last(events).getString("error").contains("no approvals service"), last(events).encode());
    }
  }

  @Test
  void onlyAgentTokensMayRegisterAsWorkers() {
    try (WsClient ws = WsClient.authed(cluster, 0, alice, session())) {
      JsonObject r = ws.replyTo(ws.send(new JsonObject().put("type", "agent_register").put("roles", new JsonArray().add("ext"))));
      assertEquals("FORBIDDEN", r.getString("code"));
      r = ws.replyTo(ws.send(new JsonObject().put("type", "task_result").put("taskId", "x")));
      assertEquals("INVALID_MESSAGE", r.getString("code"));
    }
    try (WsClient w = WsClient.authed(cluster, 0, cluster.token("worker-d", "agent"), null)) {
      JsonObject r = w.replyTo(w.send(new JsonObject().put("type", "agent_register").put("roles", new JsonArray().add("Bad Role"))));
      assertEquals("INVALID_MESSAGE", r.getString("code"));
      r = w.replyTo(w.send(new JsonObject().put("type", "agent_register").put("roles", new JsonArray())));
      assertEquals("INVALID_MESSAGE", r.getString("code"));
    }
  }

  @Test
  void theExampleWorkerServesARole() {
    Vertx v = Vertx.vertx();
    ExampleWorker example = new ExampleWorker(v, URI.create("ws://127.0.0.1:" + cluster.port(1) + "/ws"),
        List.of("ext"), null, "example");
    try (WsClient user = WsClient.authed(cluster, 0, alice, session())) {
      example.start().await();
      String id = startWorkflow(user, "external", "tidy the backlog");
      List<JsonObject> events = eventsUntilEnd(user, id);
      assertEquals("workflow_completed", last(events).getString("type"), types(events).toString());
      List<JsonObject> progress = ofRole(events, "ext").stream()
          .filter(e -> "agent_progress".equals(e.getString("type"))).toList();
      assertEquals(List.of("part 1\n", "part 2\n", "part 3\n"),
          progress.stream().map(p -> p.getString("partialOutput")).filter(p -> p != null).toList());
      assertEquals("ext worker did: tidy the backlog",
          last(ofRole(events, "ext")).getJsonObject("outputs").getString("text"));
    } finally {
      example.stop().await();
      v.close().await();
    }
  }

  @Test
  void theOpenAiKindStreamsDeltasAsProgressFromAnOpenAiCompatibleServer() {
    try (WsClient user = WsClient.authed(cluster, 1, alice, session())) {
      String id = startWorkflow(user, "llm", "say hello");
      List<JsonObject> events = eventsUntilEnd(user, id);
      assertEquals("workflow_completed", last(events).getString("type"), events.toString());
      StringBuilder streamed = new StringBuilder();
      ofRole(events, "llm").stream().filter(e -> "agent_progress".equals(e.getString("type")))
          .map(e -> e.getString("partialOutput")).filter(p -> p != null).forEach(streamed::append);
      assertEquals("Hello world", streamed.toString());
      JsonObject done = last(ofRole(events, "llm"));
      assertEquals("Hello world", done.getJsonObject("outputs").getString("text"));
      assertEquals(12L, done.getJsonObject("outputs").getLong("totalTokens"));
      // A model reports no quality score, so neither the step nor the workflow has one (not a "0%").
      assertNull(done.getValue("qualityScore"), done.encode());
      assertNull(last(events).getValue("qualityScore"), last(events).encode());

      JsonObject req = llmRequests.get(llmRequests.size() - 1);
      assertEquals("test-model", req.getString("model"));
      assertTrue(req.getBoolean("stream"));
      assertTrue(req.getJsonArray("messages").getJsonObject(1).getString("content").contains("say hello"));
      assertEquals("Bearer sk-test", llmAuth.get(llmAuth.size() - 1));

      // A refusal that a retry cannot fix fails the workflow with the server's reason.
      String refused = startWorkflow(user, "llm", "please refuse");
      events = eventsUntilEnd(user, refused);
      JsonObject error = events.stream().filter(e -> "error".equals(e.getString("type"))).findFirst().orElseThrow();
      assertFalse(error.getBoolean("recoverable"));
      assertTrue(error.getString("error").contains("401"), error.getString("error"));
      assertEquals("workflow_failed", last(events).getString("type"));
    }
  }
}
