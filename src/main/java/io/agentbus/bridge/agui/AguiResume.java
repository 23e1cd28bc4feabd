package io.agentbus.bridge.agui;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a resumed or joining AG-UI stream starts with (PROTOCOL §11), computed from a run's images
 * in order ({@link AguiRun}): after a cursor, the START of each construct open at it, then every
 * later image once; without one, the messages and state as a client that watched from the start
 * has them, then the open STARTs. Every synthesised event carries the cursor it was computed at.
 */
public final class AguiResume {

  private AguiResume() {}

  /** The construct an event opens or closes ({@code kind:id}), or null. */
  private static String construct(JsonObject e) {
    String t = e.getString("type", "");
    return switch (t) {
      case "TEXT_MESSAGE_START", "TEXT_MESSAGE_END" -> "text:" + e.getString("messageId");
      case "REASONING_START", "REASONING_END" -> "reasoning:" + e.getString("messageId");
      case "REASONING_MESSAGE_START", "REASONING_MESSAGE_END" -> "reasoning-message:" + e.getString("messageId");
      case "STEP_STARTED", "STEP_FINISHED" -> "step:" + e.getString("stepName");
      case "TOOL_CALL_START", "TOOL_CALL_END" -> "tool:" + e.getString("toolCallId");
      default -> null;
    };
  }

  private static boolean opens(JsonObject e) {
    String t = e.getString("type", "");
    return t.endsWith("_START") || t.equals("STEP_STARTED");
  }

  /** Index of the image with {@code cursor} ({@code "0"}: before the first: -1), or -2 when it is none of them. */
  public static int indexOf(List<AguiRun.Out> images, String cursor) {
    if ("0".equals(cursor)) {
      return -1;
    }
    for (int i = 0; i < images.size(); i++) {
      if (images.get(i).cursor().equals(cursor)) {
        return i;
      }
    }
    return -2;
  }

  /** The STARTs of the constructs open just after image {@code upTo} (inclusive), in the order they opened. */
  public static List<JsonObject> openAt(List<AguiRun.Out> images, int upTo) {
    Map<String, JsonObject> open = new LinkedHashMap<>();
    for (int i = 0; i <= upTo && i < images.size(); i++) {
      JsonObject e = images.get(i).event();
      String c = construct(e);
      if (c != null) {
        if (opens(e)) {
          open.put(c, e);
        } else {
          open.remove(c);
        }
      }
    }
    return new ArrayList<>(open.values());
  }

  /**
   * The stream after {@code cursor}: the STARTs open at it (each carrying that cursor), then the
   * later images. The caller sends its own {@code RUN_STARTED} first.
   */
  public static List<AguiRun.Out> after(List<AguiRun.Out> images, int at) {
    List<AguiRun.Out> out = new ArrayList<>();
    String here = at < 0 ? "0" : images.get(at).cursor();
    for (JsonObject start : openAt(images, at)) {
      out.add(new AguiRun.Out(here, start));
    }
    out.addAll(images.subList(at + 1, images.size()));
    return out;
  }

  /**
   * A viewer with no cursor: {@code MESSAGES_SNAPSHOT} (the run's messages with the live stream's
   * ids, open ones with their text so far), {@code STATE_SNAPSHOT}, then the open STARTs — all at
   * the last image's cursor. Live images follow.
   */
  public static List<AguiRun.Out> join(List<AguiRun.Out> images, JsonArray userMessages, JsonObject state) {
    Map<String, JsonObject> messages = new LinkedHashMap<>();
    // Each message's text is gathered in a builder: a long answer is thousands of deltas.
    Map<String, StringBuilder> texts = new LinkedHashMap<>();
    for (Object m : userMessages) {
      if (m instanceof JsonObject u) {
        messages.put(u.getString("id"), u.copy());
      }
    }
    for (AguiRun.Out o : images) {
      JsonObject e = o.event();
      String id = e.getString("messageId");
      switch (e.getString("type", "")) {
        case "TEXT_MESSAGE_START" -> {
          messages.put(id, new JsonObject().put("id", id).put("role", "assistant").put("name", e.getString("name")));
          texts.put(id, new StringBuilder());
        }
        case "REASONING_MESSAGE_START" -> {
          messages.put(id, new JsonObject().put("id", id).put("role", "reasoning"));
          texts.put(id, new StringBuilder());
        }
        case "TEXT_MESSAGE_CONTENT", "REASONING_MESSAGE_CONTENT" -> {
          StringBuilder text = texts.get(id);
          if (text != null && e.getValue("delta") instanceof String d) {
            text.append(d);
          }
        }
        default -> { }
      }
    }
    texts.forEach((id, text) -> messages.get(id).put("content", text.toString()));
    String here = images.isEmpty() ? "0" : images.get(images.size() - 1).cursor();
    List<AguiRun.Out> out = new ArrayList<>();
    out.add(new AguiRun.Out(here, new JsonObject().put("type", "MESSAGES_SNAPSHOT")
        .put("messages", new JsonArray(new ArrayList<>(messages.values())))));
    out.add(new AguiRun.Out(here, new JsonObject().put("type", "STATE_SNAPSHOT").put("snapshot", state)));
    for (JsonObject start : openAt(images, images.size() - 1)) {
      out.add(new AguiRun.Out(here, start));
    }
    return out;
  }

  /** The run's state as its images left it (STATE_SNAPSHOT, then each STATE_DELTA's replaces and adds). */
  static JsonObject stateOf(List<AguiRun.Out> images) {
    JsonObject state = new JsonObject();
    for (AguiRun.Out o : images) {
      JsonObject e = o.event();
      if ("STATE_SNAPSHOT".equals(e.getString("type"))) {
        state = e.getJsonObject("snapshot").copy();
      } else if ("STATE_DELTA".equals(e.getString("type"))) {
        for (Object op : e.getJsonArray("delta")) {
          JsonPatch.apply(state, (JsonObject) op);
        }
      }
    }
    return state;
  }
}
