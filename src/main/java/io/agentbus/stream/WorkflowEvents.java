package io.agentbus.stream;

import io.agentbus.bus.Json;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a workflow's events to its two streams, {@code workflow:<id>} and {@code session:<id>}
 * (PROTOCOL §3), with seq, through one writer (the orchestrator's, or the approvals verticle's).
 * One writer keeps each stream's events in the order they were emitted.
 */
public final class WorkflowEvents {

  private static final Logger LOG = LoggerFactory.getLogger(WorkflowEvents.class);
  private final StreamWriter writer;

  public WorkflowEvents(StreamWriter writer) {
    this.writer = writer;
  }

  /** Adds type, workflowId, sessionId and timestamp; completes when both copies are committed. */
  public Future<Void> emit(String workflowId, String sessionId, String type, JsonObject fields) {
    return emit(workflowId, sessionId, type, fields, null);
  }

  /** The same, also on {@code extraStream} (e.g. {@link StreamName#user}) when not null. */
  public Future<Void> emit(String workflowId, String sessionId, String type, JsonObject fields, String extraStream) {
    JsonObject e = new JsonObject().put("type", type).put("workflowId", workflowId).put("sessionId", sessionId)
        .put("timestamp", Json.now());
    fields.forEach(f -> e.put(f.getKey(), f.getValue()));
    String payload = e.encode();
    Future<Long> a = writer.append(StreamName.workflow(workflowId), type, payload);
    Future<Long> b = writer.append(StreamName.session(sessionId), type, payload);
    Future<Long> c = extraStream == null ? Future.succeededFuture() : writer.append(extraStream, type, payload);
    return Future.all(a, b, c).<Void>mapEmpty().onFailure(err ->
        LOG.error("workflow {}: could not store its {} event", workflowId, type, err));
  }

  /** A chat message in a channel, written by an agent (mentions, seed 003). */
  public Future<Long> channelMessage(String channel, JsonObject message) {
    return writer.append(StreamName.channel(channel), "message", message.encode());
  }
}
