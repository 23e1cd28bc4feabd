package io.agentbus.orchestrator;

import io.agentbus.bus.Addresses;
import io.agentbus.bus.AppException;
import io.agentbus.bus.ErrorCode;
import io.agentbus.bus.Requests;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One agent answer being written into its channel (PROTOCOL §7.1): pieces of text arrive as the
 * agent produces them and are sent to the router as the whole text so far, at most one update in
 * flight and one every {@link #GAP_MS} (a model's tokens would otherwise be a stored event each),
 * then the end — complete with the agent's final text, or failed with the reason — as soon as the
 * update before it is stored, so updates are stored in the order they were made. If the message
 * is gone (deleted mid-answer) the answer stops and {@code onGone} runs (the agent is stopped).
 */
final class AgentAnswer {

  private static final Logger LOG = LoggerFactory.getLogger(AgentAnswer.class);
  /** Between two stored updates while streaming: about 7 a second reads as live, and costs little. */
  static final long GAP_MS = 150;
  private static final int END_ATTEMPTS = 5;

  private final Vertx vertx;
  private final String channel;
  private final String messageId;
  private final Runnable onGone;
  private final StringBuilder text = new StringBuilder();
  private String endStatus;
  private boolean dirty;
  private boolean inFlight;
  private boolean gone;
  private long timer = -1;
  private long lastSent;
  private int endAttempts;

  AgentAnswer(Vertx vertx, String channel, String messageId, Runnable onGone) {
    this.vertx = vertx;
    this.channel = channel;
    this.messageId = messageId;
    this.onGone = onGone;
  }

  /** The next piece of the answer, as the agent wrote it. */
  void grow(String piece) {
    if (endStatus != null || piece == null || piece.isEmpty()) {
      return;
    }
    text.append(piece);
    dirty = true;
    schedule();
  }

  /** The answer is over: {@code complete} with the final text, or {@code failed} with the reason. */
  void end(String status, String finalText) {
    if (endStatus != null) {
      return;
    }
    endStatus = status;
    text.setLength(0);
    text.append(finalText);
    dirty = true;
    schedule();
  }

  private void schedule() {
    if (gone || inFlight || timer >= 0 || !dirty) {
      return;
    }
    long wait = endStatus != null ? 0 : lastSent + GAP_MS - System.currentTimeMillis();
    if (wait <= 0) {
      send();
    } else {
      timer = vertx.setTimer(wait, t -> {
        timer = -1;
        send();
      });
    }
  }

  private void send() {
    if (gone || !dirty) {
      return;
    }
    dirty = false;
    inFlight = true;
    String status = endStatus != null ? endStatus : "streaming";
    JsonObject update = new JsonObject().put("messageId", messageId).put("channel", channel)
        .put("content", text.toString()).put("status", status);
    vertx.eventBus().request(Addresses.ROUTER_AGENT_UPDATE, update, Requests.control()).onComplete(ar -> {
      inFlight = false;
      lastSent = System.currentTimeMillis();
      if (ar.failed()) {
        if (AppException.from(ar.cause()).code == ErrorCode.NOT_FOUND) {
          gone = true; // deleted mid-answer: nobody is reading it any more
          onGone.run();
          return;
        }
        if (endStatus != null && ++endAttempts < END_ATTEMPTS) {
          dirty = true; // the end must be stored: try again (the next update carries the whole text)
          timer = vertx.setTimer(500L * endAttempts, t -> {
            timer = -1;
            send();
          });
          return;
        }
        LOG.warn("an answer update in {} was not stored: {}", channel, ar.cause().getMessage());
        dirty = true;
      }
      schedule();
    });
  }
}
