package io.agentbus.bridge.agui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The AG-UI image of a workflow (PROTOCOL §11) on a recorded run: every workflow event type has an
 * image and none is dropped; cursors are distinct and ordered; each agent's message ends with its
 * output text; and a client that resumes after any cursor, or joins without one, ends with exactly
 * the text of a client that watched from the start.
 */
class AguiRunTest {

  static final List<String> WORKFLOW_TYPES = List.of("workflow_started", "agent_started", "agent_progress",
      "agent_completed", "error", "node_lost", "approval_required", "approval_resolved", "workflow_paused",
      "workflow_resumed", "workflow_completed", "workflow_failed", "cancelled");

  static List<JsonObject> recorded() {
    List<JsonObject> l = new ArrayList<>();
    JsonArray agents = new JsonArray().add(new JsonObject().put("role", "code")).add(new JsonObject().put("role", "qa"));
    l.add(ev("workflow_started").put("agents", agents));
    l.add(ev("agent_started").put("agentRole", "code").put("agentName", "Coder").put("attempt", 1));
    l.add(ev("agent_progress").put("agentRole", "code").put("progress", 0.2).put("partialOutput", "Hel")
        .put("thinkingProcess", "hmm"));
    // partialOutput and thinkingProcess are what was produced since the previous event (deltas).
    l.add(ev("agent_progress").put("agentRole", "code").put("progress", 0.6).put("partialOutput", "lo")
        .put("thinkingProcess", ", ok"));
    l.add(ev("agent_progress").put("agentRole", "code").put("progress", 0.7).put("partialOutput", " wor"));
    l.add(ev("agent_completed").put("agentRole", "code").put("outputs", new JsonObject().put("text", "Hello world")));
    l.add(ev("agent_started").put("agentRole", "qa").put("agentName", "Tester").put("attempt", 1));
    l.add(ev("agent_progress").put("agentRole", "qa").put("progress", 0.3).put("partialOutput", "Checking"));
    l.add(ev("error").put("agentRole", "qa").put("recoverable", true).put("error", "timed out"));
    l.add(ev("node_lost").put("agentRole", "qa"));
    l.add(ev("agent_started").put("agentRole", "qa").put("agentName", "Tester").put("attempt", 2));
    l.add(ev("agent_progress").put("agentRole", "qa").put("partialOutput", "All good"));
    l.add(ev("agent_completed").put("agentRole", "qa").put("outputs", new JsonObject().put("text", "All good: 12 tests")));
    l.add(ev("approval_required").put("approvalId", "a1").put("title", "Ship?").put("requiredBy", "owner"));
    l.add(ev("approval_resolved").put("approvalId", "a1").put("status", "approved").put("decidedBy", "bo"));
    l.add(ev("workflow_paused"));
    l.add(ev("workflow_resumed"));
    l.add(ev("workflow_completed").put("finalOutputs", new JsonObject().put("ok", true)));
    for (int i = 0; i < l.size(); i++) {
      l.get(i).put("seq", i + 1L).put("stream", "workflow:w1");
    }
    return l;
  }

  static JsonObject ev(String type) {
    return new JsonObject().put("type", type).put("workflowId", "w1");
  }

  static List<AguiRun.Out> images(List<JsonObject> events) {
    AguiRun run = new AguiRun("s1", "r1", "w1");
    List<AguiRun.Out> out = new ArrayList<>();
    events.forEach(e -> out.addAll(run.apply(e)));
    return out;
  }

  /** A client's messages: id → text, kept across streams (a START of a known id keeps its text). */
  static void play(Map<String, String> texts, List<AguiRun.Out> stream) {
    for (AguiRun.Out o : stream) {
      JsonObject e = o.event();
      switch (e.getString("type")) {
        case "TEXT_MESSAGE_START", "REASONING_MESSAGE_START" -> texts.putIfAbsent(e.getString("messageId"), "");
        case "TEXT_MESSAGE_CONTENT", "REASONING_MESSAGE_CONTENT" ->
            texts.merge(e.getString("messageId"), e.getString("delta"), String::concat);
        case "MESSAGES_SNAPSHOT" -> e.getJsonArray("messages").forEach(m ->
            texts.put(((JsonObject) m).getString("id"), ((JsonObject) m).getString("content")));
        default -> { }
      }
    }
  }

  @Test
  void everyWorkflowEventHasAnImageAndCursorsAreDistinctAndOrdered() {
    AguiRun run = new AguiRun("s1", "r1", "w1");
    long seq = 0;
    for (String type : WORKFLOW_TYPES) {
      JsonObject e = ev(type).put("seq", ++seq).put("agentRole", "code").put("approvalId", "a" + seq)
          .put("outputs", new JsonObject().put("text", "x"));
      assertFalse(run.apply(e).isEmpty(), type + " has an AG-UI image");
    }
    List<AguiRun.Out> all = images(recorded());
    Set<String> cursors = new HashSet<>();
    String previous = null;
    for (AguiRun.Out o : all) {
      assertTrue(cursors.add(o.cursor()), "distinct: " + o.cursor());
      assertFalse(o.event().containsKey("cursor"), "cursors never appear inside the event JSON");
      if (previous != null) {
        String[] a = previous.split("\\."), b = o.cursor().split("\\.");
        assertTrue(Long.parseLong(b[0]) > Long.parseLong(a[0])
            || Long.parseLong(b[0]) == Long.parseLong(a[0]) && Integer.parseInt(b[1]) > Integer.parseInt(a[1]));
      }
      previous = o.cursor();
    }
    assertEquals(List.of(), run.apply(ev("agent_started").put("seq", 1L)), "an event already applied is ignored");
  }

  @Test
  void eachAgentsMessageEndsWithItsOutputAndTheRunEndsWithItsOutcome() {
    List<AguiRun.Out> all = images(recorded());
    Map<String, String> texts = new LinkedHashMap<>();
    play(texts, all);
    List<String> assistant = new ArrayList<>();
    for (AguiRun.Out o : all) {
      if ("TEXT_MESSAGE_START".equals(o.event().getString("type"))) {
        assistant.add(o.event().getString("messageId"));
      }
    }
    assertEquals(3, assistant.size(), "code, qa attempt 1, qa attempt 2");
    assertEquals("Hello world", texts.get(assistant.get(0)));
    // While it streamed, each progress event's text was the next delta, as produced.
    Map<String, String> streaming = new LinkedHashMap<>();
    long completedSeq = 6; // agent_completed of code: its images come after
    play(streaming, all.stream().filter(o -> Long.parseLong(o.cursor().split("\\.")[0]) < completedSeq).toList());
    assertEquals("Hello wor", streaming.get(assistant.get(0)));
    assertEquals("Checking", texts.get(assistant.get(1)));
    assertEquals("All good: 12 tests", texts.get(assistant.get(2)));
    assertTrue(texts.containsValue("hmm, ok"), "thinking is a reasoning message");
    List<String> types = all.stream().map(o -> o.event().getString("type")).toList();
    assertTrue(types.contains("STEP_STARTED") && types.contains("STEP_FINISHED") && types.contains("STATE_DELTA"));
    JsonObject interrupt = all.stream().map(AguiRun.Out::event).filter(e -> "RUN_FINISHED".equals(e.getString("type")))
        .findFirst().orElseThrow();
    assertEquals("interrupt", interrupt.getJsonObject("outcome").getString("type"));
    assertEquals("a1", interrupt.getJsonObject("outcome").getJsonArray("interrupts").getJsonObject(0).getString("id"));
    JsonObject last = all.get(all.size() - 1).event();
    assertEquals("RUN_FINISHED", last.getString("type"));
    assertEquals(new JsonObject().put("ok", true), last.getValue("result"));
    // Every START has its END before the run's end.
    for (AguiRun.Out o : all) {
      if (o.event().getString("type").endsWith("_START") || "STEP_STARTED".equals(o.event().getString("type"))) {
        assertTrue(AguiResume.openAt(all, all.size() - 1).isEmpty(), "nothing is left open at the end");
      }
    }
  }

  @Test
  void aClientResumingAfterAnyCursorOrJoiningWithoutOneEndsWithTheSameText() {
    List<AguiRun.Out> all = images(recorded());
    Map<String, String> watched = new LinkedHashMap<>();
    play(watched, all);
    for (int i = -1; i < all.size(); i++) {
      Map<String, String> resumed = new LinkedHashMap<>();
      play(resumed, all.subList(0, i + 1));
      List<AguiRun.Out> rest = AguiResume.after(all, i);
      play(resumed, rest);
      assertEquals(watched, resumed, "resumed after cursor #" + i);
      for (JsonObject start : AguiResume.openAt(all, i)) {
        assertTrue(rest.stream().anyMatch(o -> o.event() == start), "re-opened START sent after #" + i);
      }

      Map<String, String> joined = new LinkedHashMap<>();
      AguiRun upTo = new AguiRun("s1", "r1", "w1");
      List<AguiRun.Out> seen = new ArrayList<>();
      for (JsonObject e : recorded()) {
        if (seen.size() > i) {
          break;
        }
        seen.addAll(upTo.apply(e));
      }
      List<AguiRun.Out> head = seen.subList(0, Math.min(seen.size(), i + 1));
      play(joined, AguiResume.join(head, new JsonArray(), upTo.state()));
      play(joined, all.subList(head.size(), all.size()));
      assertEquals(watched, joined, "joined after image #" + i);
    }
    assertEquals(-2, AguiResume.indexOf(all, "999.0"), "a cursor this run never had");
    assertEquals(-1, AguiResume.indexOf(all, "0"), "0 is before the first event");
  }
}
