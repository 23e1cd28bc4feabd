package io.agentbus.orchestrator;

import io.agentbus.core.Json;
import io.agentbus.core.StreamWriter;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a workflow's events to its two streams, {@code workflow:<id>} and {@code session:<id>}
 * (PROTOCOL §3), with seq, through the orchestrator's writer. One writer per orchestrator keeps
 * each stream's events in the order they were emitted.
 */
final class Emitter {

  private static final Logger LOG = LoggerFactory.getLogger(Emitter.class);
  private final StreamWriter writer;

  Emitter(StreamWriter writer) {
    this.writer = writer;
  }

  /** Adds type, workflowId, sessionId and timestamp; completes when both copies are committed. */
  Future<Void> emit(String workflowId, String sessionId, String type, JsonObject fields) {
    JsonObject e = new JsonObject().put("type", type).put("workflowId", workflowId).put("sessionId", sessionId)
        .put("timestamp", Json.now());
    fields.forEach(f -> e.put(f.getKey(), f.getValue()));
    String payload = e.encode();
    Future<Long> a = writer.append("workflow:" + workflowId, type, payload);
    Future<Long> b = writer.append("session:" + sessionId, type, payload);
    return Future.all(a, b).<Void>mapEmpty().onFailure(err ->
        LOG.error("workflow {}: could not store its {} event", workflowId, type, err));
  }

  /** A chat message in a channel, written by an agent (mentions, seed 003). */
  Future<Long> channelMessage(String channel, JsonObject message) {
    return writer.append("channel:" + channel, "message", message.encode());
  }
}
