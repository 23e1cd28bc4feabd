package io.agentbus.bus;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * The state fields every {@code message} frame carries from the start (PROTOCOL §7), so a live
 * message and the same message in history have one shape: not edited, not deleted, no
 * reactions, no replies, not pinned. Later changes arrive as their own events.
 */
public final class MessageFrame {

  private MessageFrame() {}

  public static JsonObject withInitialState(JsonObject message) {
    return message.put("editedAt", null).put("deleted", false)
        .put("reactions", new JsonObject().put("counts", new JsonObject()).put("mine", new JsonArray()))
        .put("threadSummary", message.getValue("threadId") != null ? null
            : new JsonObject().put("replies", 0).put("lastReplyAt", null).put("participants", new JsonArray()))
        .put("pinned", false);
  }
}
