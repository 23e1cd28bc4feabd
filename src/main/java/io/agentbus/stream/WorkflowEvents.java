package io.agentbus.stream;

import io.agentbus.bus.Json;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.function.Supplier;

/**
 * Writes a workflow's events to its two streams, {@code workflow:<id>} and {@code session:<id>}
 * (PROTOCOL §3), with seq, through one writer (the orchestrator's, or the approvals verticle's).
 * One writer keeps each stream's events in the order they were emitted.
 */
public final class WorkflowEvents {

  private final StreamWriter writer;

  public WorkflowEvents(StreamWriter writer) {
    this.writer = writer;
  }

  /** The fence of a workflow's events written by its owner {@code writer} (the orchestrator instance). */
  public static Fence fence(String workflowId, String writer) {
    return new Fence(StreamName.workflow(workflowId), writer);
  }

  /** Adds type, workflowId, sessionId and timestamp; completes when both copies are committed. */
  public Future<Void> emit(String workflowId, String sessionId, String type, JsonObject fields) {
    return emit(workflowId, sessionId, type, fields, null, null);
  }

  /** The same, also on {@code extraStream} (e.g. {@link StreamName#user}) when not null. */
  public Future<Void> emit(String workflowId, String sessionId, String type, JsonObject fields, String extraStream) {
    return emit(workflowId, sessionId, type, fields, extraStream, null);
  }

  /** How each copy's append is attempted: once, or again while the database is unavailable. */
  @FunctionalInterface
  public interface Retry {
    Retry ONCE = Supplier::get;

    Future<Long> attempt(Supplier<Future<Long>> append);
  }

  public Future<Void> emit(String workflowId, String sessionId, String type, JsonObject fields, String extraStream,
      Fence fence) {
    return emit(workflowId, sessionId, type, fields, extraStream, fence, Retry.ONCE);
  }

  /**
   * The same, only while {@code fence} holds (null: unconditionally; a lost fence fails with
   * {@link Fence.Lost}). Every copy goes into one statement, so the copies are stored together or
   * not at all: a takeover committing between two copies cannot leave the streams different.
   * Attempted through {@code retry}, which may run the one statement again (it stored nothing).
   */
  public Future<Void> emit(String workflowId, String sessionId, String type, JsonObject fields, String extraStream,
      Fence fence, Retry retry) {
    JsonObject e = new JsonObject().put("type", type).put("workflowId", workflowId).put("sessionId", sessionId)
        .put("timestamp", Json.now());
    fields.forEach(f -> e.put(f.getKey(), f.getValue()));
    String payload = e.encode();
    String[] streams = extraStream == null
        ? new String[] {StreamName.workflow(workflowId), StreamName.session(sessionId)}
        : new String[] {StreamName.workflow(workflowId), StreamName.session(sessionId), extraStream};
    return retry.attempt(() -> writer.appendAll(streams, type, payload, fence).map(seqs -> seqs[0])).mapEmpty();
  }
}
