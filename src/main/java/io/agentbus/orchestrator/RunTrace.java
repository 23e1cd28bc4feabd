package io.agentbus.orchestrator;

import io.agentbus.tracing.Tracing;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * The trace of one workflow run, on whichever node runs it: the W3C {@code traceparent} of its
 * {@code workflow} span is kept in the workflow's stored input ({@value #KEY}), so a run taken
 * over on another node hangs its steps, approval waits and ending under the same trace. Every
 * span names the node that made it.
 */
final class RunTrace {

  static final String KEY = "traceparent";

  private final Tracing tracing;
  private final Context parent;
  private final String workflowId;
  private final String nodeId;
  /** The run's spans still open here: ended (marked handed over) when this node stops running it. */
  private final java.util.Set<Span> open = java.util.Collections.synchronizedSet(new java.util.LinkedHashSet<>());

  RunTrace(Tracing tracing, String workflowId, JsonObject input, String nodeId) {
    this.tracing = tracing;
    this.parent = Tracing.parent(input.getString(KEY));
    this.workflowId = workflowId;
    this.nodeId = nodeId;
  }

  /**
   * A new run's {@code workflow} span, under what started it (the frame or request being handled
   * now); its traceparent goes into {@code input} before the workflow is stored.
   */
  static Span begin(Tracing tracing, String name, String workflowId, JsonObject input, String nodeId) {
    Span span = tracing.start("workflow " + name, Context.current(), SpanKind.INTERNAL);
    span.setAttribute(Tracing.Keys.WORKFLOW_ID, workflowId).setAttribute(Tracing.Keys.NODE_ID, nodeId);
    String tp = Tracing.traceparent(span);
    if (tp != null) {
      input.put(KEY, tp);
    }
    return span;
  }

  /** The run's trace id (null when it is not traced). */
  String traceId() {
    var c = Span.fromContext(parent).getSpanContext();
    return c.isValid() ? c.getTraceId() : null;
  }

  /** The context the run's own spans hang under. */
  Context context() {
    return parent;
  }

  /** A span of this run under {@code under}, named, with the run's attributes; end it with {@link #end}. */
  Span span(String name, Context under) {
    Span s = tracing.start(name, under, SpanKind.INTERNAL);
    if (s.getSpanContext().isValid()) {
      open.add(s);
    }
    return s.setAttribute(Tracing.Keys.WORKFLOW_ID, workflowId).setAttribute(Tracing.Keys.NODE_ID, nodeId);
  }

  /** {@code f}, with the run's {@code span} ended when it completes. */
  <T> Future<T> end(Span span, Future<T> f) {
    return ending(span, f).onComplete(ar -> open.remove(span));
  }

  /**
   * This node stops running the workflow (handed over, lease lost): what it had open ends now,
   * saying so, so the trace has no span left dangling; the node that takes over opens its own.
   */
  void stop(String why) {
    List<Span> left;
    synchronized (open) {
      left = List.copyOf(open);
      open.clear();
    }
    left.forEach(s -> s.setAttribute("agentbus.stopped", why).end());
  }

  /** {@code f}, with {@code span} ended when it completes (an error status when it fails). */
  static <T> Future<T> ending(Span span, Future<T> f) {
    return f.onComplete(ar -> {
      if (ar.failed()) {
        span.setStatus(StatusCode.ERROR, String.valueOf(ar.cause().getMessage()));
      }
      span.end();
    });
  }

  /** A moment of the run (its end): a span that starts and ends now. */
  void mark(String name, String status) {
    span(name, parent).setAttribute("agentbus.workflow.status", status).end();
  }
}
