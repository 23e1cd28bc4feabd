package io.agentbus.tracing;

import static io.agentbus.support.WorkflowKit.session;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentbus.support.IntegrationTest;
import io.agentbus.support.TestCluster;
import io.agentbus.support.WorkflowKit;
import io.agentbus.support.WsClient;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.vertx.core.json.JsonObject;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * One trace per run: a client's W3C traceparent on the {@code user_input} frame sent to node A,
 * the workflow started there, its first step, its approval gate, node A shut down (its workflow
 * handed over), node B taking it over, the decision, the last step and {@code workflow_completed}
 * there — every span of it, from both nodes (frames, event-bus messages across the cluster,
 * PostgreSQL statements, agent steps and attempts, the approval wait), in one connected trace.
 */
@IntegrationTest
class TracingTest {

  @Test
  void oneConnectedTraceFromUserInputOnOneNodeToWorkflowCompletedAfterATakeoverOnAnother() throws Exception {
    InMemorySpanExporter spans = InMemorySpanExporter.create();
    OpenTelemetrySdk sdk = sdk(spans);
    String traceId = UUID.randomUUID().toString().replace("-", "");
    String clientSpan = traceId.substring(0, 16);
    Map<String, String> env = Map.of("AGENTBUS_ORCHESTRATOR_WORKFLOWS_FILE", WorkflowKit.testWorkflowsFile());
    try (TestCluster c = TestCluster.startTraced(Tracing.of(sdk), env, env)) {
      String nodeA = c.node(0).nodeId();
      String nodeB = c.node(1).nodeId();
      String tina = c.token("tina");
      String session = session();
      String workflowId;
      try (WsClient onB = WsClient.authed(c, 1, tina, null)) {
        try (WsClient onA = WsClient.authed(c, 0, tina, session)) {
          JsonObject ack = onA.replyTo(onA.send(new JsonObject().put("type", "user_input").put("workflow", "gated")
              .put("content", "trace me").put("traceparent", "00-" + traceId + "-" + clientSpan + "-01")));
          workflowId = ack.getString("workflowId");
          JsonObject started = onA.next(f -> "workflow_started".equals(f.getString("type")), "workflow_started");
          assertEquals(traceId, started.getString("traceId"), "the run's trace id is the client's, shown to it");
          onA.next(f -> "approval_required".equals(f.getString("type")), "the gate");
        }
        onB.replyTo(onB.send(new JsonObject().put("type", "subscribe").put("workflowId", workflowId)));
        c.node(0).close().await(); // hands its workflow over: node B takes it
        JsonObject gate = c.storedEvents("workflow:" + workflowId).stream()
            .filter(e -> "approval_required".equals(e.getString("type"))).findFirst().orElseThrow();
        onB.replyTo(onB.send(new JsonObject().put("type", "approval_response")
            .put("approvalId", gate.getString("approvalId")).put("approved", true)));
        onB.next(f -> "workflow_completed".equals(f.getString("type")), "workflow_completed on node B");
      }
      long until = System.currentTimeMillis() + 10_000;
      while (spans.getFinishedSpanItems().stream().noneMatch(s -> s.getName().equals("workflow completed"))
          && System.currentTimeMillis() < until) {
        Thread.sleep(50);
      }
      List<SpanData> trace = spans.getFinishedSpanItems().stream().filter(s -> s.getTraceId().equals(traceId)).toList();
      Set<String> names = new HashSet<>();
      trace.forEach(s -> names.add(s.getName()));
      for (String expected : List.of("ws user_input", "workflow gated", "agent code", "attempt 1", "approval wait",
          "agent qa", "workflow completed")) {
        assertTrue(names.contains(expected), expected + " in the trace: " + names);
      }
      assertTrue(trace.stream().anyMatch(s -> "postgresql".equals(attr(s, "db.system"))),
          "PostgreSQL statements in the trace: " + names);
      assertTrue(trace.stream().anyMatch(s -> "vertx-eventbus".equals(attr(s, "messaging.system"))),
          "event-bus messages in the trace: " + names);
      assertTrue(node(trace, "agent code").startsWith(nodeA), "the first step ran on node A");
      assertTrue(node(trace, "agent qa").startsWith(nodeB), "the last step ran on node B after the takeover");
      assertTrue(node(trace, "workflow completed").startsWith(nodeB));
      // Connected: every span's parent is the client's span or another span of the trace.
      Set<String> ids = new HashSet<>();
      trace.forEach(s -> ids.add(s.getSpanId()));
      for (SpanData s : trace) {
        assertTrue(s.getParentSpanId().equals(clientSpan) || ids.contains(s.getParentSpanId()),
            s.getName() + " hangs under a span outside the trace: " + s.getParentSpanId());
      }
    }
  }

  @Test
  void aModelCallIsASpanWithItsTokenUsageUnderItsAttempt() throws Exception {
    InMemorySpanExporter spans = InMemorySpanExporter.create();
    OpenTelemetrySdk sdk = sdk(spans);
    io.vertx.core.Vertx llm = io.vertx.core.Vertx.vertx();
    try {
      // An OpenAI-compatible endpoint that streams two pieces and reports its usage.
      int port = llm.createHttpServer().requestHandler(req -> req.body().onSuccess(b -> req.response()
          .putHeader("Content-Type", "text/event-stream").end("data: {\"choices\":[{\"index\":0,\"delta\":"
              + "{\"content\":\"Hi\"}}]}\n\ndata: {\"choices\":[],\"usage\":{\"prompt_tokens\":7,"
              + "\"completion_tokens\":5,\"total_tokens\":12}}\n\ndata: [DONE]\n\n")))
          .listen(0, "127.0.0.1").await().actualPort();
      Map<String, String> env = Map.of("AGENTBUS_ORCHESTRATOR_WORKFLOWS_FILE", WorkflowKit.testWorkflowsFile(),
          "AGENTBUS_OPENAI_BASE_URL", "http://127.0.0.1:" + port + "/v1");
      try (TestCluster c = TestCluster.startTraced(Tracing.of(sdk), env);
           WsClient ws = WsClient.authed(c, 0, c.token("uma"), session())) {
        String id = WorkflowKit.startWorkflow(ws, "llm", "say hi");
        assertEquals("workflow_completed", WorkflowKit.last(WorkflowKit.eventsUntilEnd(ws, id)).getString("type"));
      }
      SpanData chat = spans.getFinishedSpanItems().stream().filter(s -> s.getName().startsWith("chat ")).findFirst()
          .orElseThrow(() -> new AssertionError("no model call span"));
      assertEquals(7L, chat.getAttributes().get(io.opentelemetry.api.common.AttributeKey.longKey("gen_ai.usage.input_tokens")));
      assertEquals(5L, chat.getAttributes().get(io.opentelemetry.api.common.AttributeKey.longKey("gen_ai.usage.output_tokens")));
      SpanData parent = spans.getFinishedSpanItems().stream().filter(s -> s.getSpanId().equals(chat.getParentSpanId()))
          .findFirst().orElseThrow();
      assertEquals("attempt 1", parent.getName(), "the model call hangs under its attempt");
      assertTrue(spans.getFinishedSpanItems().stream().anyMatch(s -> s.getParentSpanId().equals(chat.getSpanId())
          && s.getKind() == io.opentelemetry.api.trace.SpanKind.CLIENT), "the HTTP request under the model call");
    } finally {
      llm.close().await();
    }
  }

  /** An SDK that hands every ended span to {@code spans} at once, with W3C propagation. */
  private static OpenTelemetrySdk sdk(InMemorySpanExporter spans) {
    return OpenTelemetrySdk.builder()
        .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build())
        .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance())).build();
  }

  private static String attr(SpanData s, String key) {
    return s.getAttributes().get(io.opentelemetry.api.common.AttributeKey.stringKey(key));
  }

  private static String node(List<SpanData> trace, String name) {
    return trace.stream().filter(s -> s.getName().equals(name)).map(s -> attr(s, "agentbus.node.id"))
        .filter(java.util.Objects::nonNull).findFirst().orElse("");
  }
}
