package io.agentbus.orchestrator;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Map;

/**
 * One workflow as {@code /status} says it to a person: what it was asked, its template, where it
 * is and since when — "“write the tests” (quick): running, step 2 of 3, started 40 s ago". No ids
 * and no status words of the protocol (the command's {@code data} has those, for programs).
 */
final class StatusLine {

  private static final int TITLE_MAX = 60;
  private static final Map<String, String> SAID = Map.of("running", "running", "waiting_approval",
      "waiting for a decision", "paused", "paused", "completed", "done", "failed", "failed", "cancelled", "stopped");

  private StatusLine() {}

  static String of(JsonObject w, Instant now) {
    String status = w.getString("status");
    String request = w.getJsonObject("input") == null ? "" : w.getJsonObject("input").getString("content", "");
    String title = request.replaceAll("\\s+", " ").strip();
    if (title.length() > TITLE_MAX) {
      title = title.substring(0, TITLE_MAX - 1) + "…";
    }
    StringBuilder sb = new StringBuilder(title.isEmpty() ? w.getString("name") : "“" + title + "” (" + w.getString("name") + ")");
    sb.append(": ").append(SAID.getOrDefault(status, status));
    boolean ended = w.getString("finishedAt") != null;
    if (!ended) {
      int total = w.getInteger("totalSteps");
      sb.append(", step ").append(Math.min(w.getInteger("currentStep") + 1, total)).append(" of ").append(total)
          .append(", started ").append(ago(w.getString("createdAt"), now));
    } else {
      sb.append(' ').append(ago(w.getString("finishedAt"), now));
    }
    return sb.toString();
  }

  /** "40 s ago", "3 min ago", "2 h ago", "5 days ago". */
  static String ago(String iso, Instant now) {
    return io.agentbus.bus.Ages.since(iso, now) + " ago";
  }
}
