package io.agentbus.support;

import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Test kit: starting workflows over {@code /ws} and reading what they did, for tests of every room. */
public final class WorkflowKit {

  public static final List<String> TERMINAL = List.of("workflow_completed", "workflow_failed", "cancelled");

  private WorkflowKit() {}

  public static String testWorkflowsFile() throws Exception {
    return Path.of(WorkflowKit.class.getResource("/workflows-test.json").toURI()).toString();
  }

  public static String session() {
    return "s-" + UUID.randomUUID();
  }

  /** Starts a workflow over /ws and returns its id (from the ack). */
  public static String startWorkflow(WsClient ws, String template, String content) {
    JsonObject f = new JsonObject().put("type", "user_input").put("content", content);
    if (template != null) {
      f.put("workflow", template);
    }
    JsonObject ack = ws.replyTo(ws.send(f));
    assertEquals("ack", ack.getString("type"), ack.encode());
    return ack.getString("workflowId");
  }

  /** The events of one workflow on this connection, up to and including its terminal event. */
  public static List<JsonObject> eventsUntilEnd(WsClient ws, String workflowId) {
    List<JsonObject> out = new ArrayList<>();
    while (true) {
      JsonObject e = ws.next(f -> workflowId.equals(f.getString("workflowId")) && f.containsKey("seq"),
          "an event of workflow " + workflowId);
      out.add(e);
      if (TERMINAL.contains(e.getString("type"))) {
        return out;
      }
    }
  }

  public static List<String> types(List<JsonObject> events) {
    return events.stream().map(e -> e.getString("type")).toList();
  }

  /** The events of one role, in order. */
  public static List<JsonObject> ofRole(List<JsonObject> events, String role) {
    return events.stream().filter(e -> role.equals(e.getString("agentRole"))).toList();
  }

  public static double metricValue(String prometheus, String series) {
    for (String line : prometheus.split("\n")) {
      if (line.startsWith(series + " ")) {
        return Double.parseDouble(line.substring(series.length() + 1).trim());
      }
    }
    return 0;
  }

  /**
   * An agent's answer to the message {@code questionId} in a channel {@code ws} follows (PROTOCOL
   * §7.1): its {@code message} (streaming), then its updates until it ends. Answers the frames in
   * order: the message first, its last update (complete or failed) last.
   */
  public static List<JsonObject> agentAnswer(WsClient ws, String questionId) {
    JsonObject first = ws.next(f -> "message".equals(f.getString("type")) && "agent".equals(f.getString("authorType"))
        && questionId.equals(f.getString("replyTo")), "the agent's answer to " + questionId);
    List<JsonObject> frames = new java.util.ArrayList<>(List.of(first));
    String id = first.getString("messageId");
    while (true) {
      JsonObject u = ws.next(f -> "message_updated".equals(f.getString("type")) && id.equals(f.getString("messageId")),
          "an update of answer " + id);
      frames.add(u);
      if (!"streaming".equals(u.getString("status"))) {
        return frames;
      }
    }
  }

  public static JsonObject last(List<JsonObject> l) {
    return l.get(l.size() - 1);
  }
}
