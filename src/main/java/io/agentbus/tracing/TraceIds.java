package io.agentbus.tracing;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import org.slf4j.MDC;
import org.slf4j.Marker;

/**
 * Puts the current trace and span ids in the MDC of every log line ({@code mdc.traceId},
 * {@code mdc.spanId} in JSON logs), so a line leads to its trace. The current span is the one
 * Vert.x's OpenTelemetry storage holds for the context the line is logged from (a frame, a
 * workflow step, a request); with tracing off there is none and nothing is added.
 */
public final class TraceIds extends TurboFilter {

  static final String TRACE_ID = "traceId";
  static final String SPAN_ID = "spanId";
  /** Set once a node traces: until then (and always with tracing off) lines are left alone. */
  static volatile boolean active;
  /** Finding the current span may load classes that log: such a line is not looked at again. */
  private static final ThreadLocal<Boolean> LOOKING = new ThreadLocal<>();

  @Override
  public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params, Throwable t) {
    // (Not logger.isEnabledFor: that asks the turbo filters again.)
    if (!active || level == null || !level.isGreaterOrEqual(logger.getEffectiveLevel()) || LOOKING.get() != null) {
      return FilterReply.NEUTRAL;
    }
    SpanContext c;
    LOOKING.set(Boolean.TRUE);
    try {
      c = Span.current().getSpanContext();
    } finally {
      LOOKING.remove();
    }
    if (c.isValid()) {
      MDC.put(TRACE_ID, c.getTraceId());
      MDC.put(SPAN_ID, c.getSpanId());
    } else if (MDC.get(TRACE_ID) != null) {
      MDC.remove(TRACE_ID);
      MDC.remove(SPAN_ID);
    }
    return FilterReply.NEUTRAL;
  }
}
