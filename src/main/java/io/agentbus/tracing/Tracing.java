package io.agentbus.tracing;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import io.vertx.core.internal.ContextInternal;
import io.vertx.tracing.opentelemetry.VertxContextStorageProvider.VertxContextStorage;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A node's tracing: the OpenTelemetry SDK (or nothing: every call is then a no-op costing a
 * branch), the tracer agentbus's own spans come from, and the W3C {@code traceparent} a workflow
 * keeps in its stored record.
 *
 * <p>Configured the standard way ({@code OTEL_TRACES_EXPORTER}, {@code OTEL_EXPORTER_OTLP_ENDPOINT},
 * {@code OTEL_TRACES_SAMPLER}/{@code _ARG}, {@code OTEL_SERVICE_NAME}, {@code OTEL_RESOURCE_ATTRIBUTES}
 * …): on when an exporter or an OTLP endpoint is named and {@code OTEL_SDK_DISABLED} is not true.
 * Defaults that differ from the SDK's: service {@code agentbus}, OTLP over {@code http/protobuf}
 * (this build ships the JDK's HTTP sender, not gRPC), no metrics or logs exporter (Prometheus
 * serves metrics).
 */
public final class Tracing {

  private static final TextMapGetter<Map<String, String>> MAP = new TextMapGetter<>() {
    @Override
    public Iterable<String> keys(Map<String, String> carrier) {
      return carrier.keySet();
    }

    @Override
    public String get(Map<String, String> carrier, String key) {
      return carrier == null ? null : carrier.get(key);
    }
  };

  private final OpenTelemetry otel;
  private final Tracer tracer;
  private final OpenTelemetrySdk sdk;

  private Tracing(OpenTelemetry otel, OpenTelemetrySdk sdk) {
    if (otel != null) {
      TraceIds.active = true;
    }
    this.otel = otel;
    this.tracer = otel == null ? null : otel.getTracer("io.agentbus");
    this.sdk = sdk;
  }

  /** No tracing. */
  public static Tracing off() {
    return new Tracing(null, null);
  }

  /** Tracing into a given OpenTelemetry (tests hand in one with an in-memory exporter). */
  public static Tracing of(OpenTelemetry otel) {
    return new Tracing(otel, null);
  }

  /** From the {@code OTEL_*} variables of {@code env} (the process environment, or a test's map). */
  public static Tracing fromEnvironment(Map<String, String> env) {
    if (!wanted(env)) {
      return off();
    }
    Map<String, String> defaults = Map.of("otel.service.name", "agentbus", "otel.metrics.exporter", "none",
        "otel.logs.exporter", "none", "otel.exporter.otlp.protocol", "http/protobuf");
    Map<String, String> given = new HashMap<>();
    env.forEach((k, v) -> {
      if (k.startsWith("OTEL_")) {
        given.put(k.toLowerCase(Locale.ROOT).replace('_', '.'), v);
      }
    });
    OpenTelemetrySdk sdk = AutoConfiguredOpenTelemetrySdk.builder()
        .addPropertiesSupplier(() -> defaults)
        .addPropertiesSupplier(() -> given)
        .build().getOpenTelemetrySdk();
    return new Tracing(sdk, sdk);
  }

  /** True when {@code env} names a traces exporter or an OTLP endpoint and does not disable the SDK. */
  static boolean wanted(Map<String, String> env) {
    if ("true".equalsIgnoreCase(env.getOrDefault("OTEL_SDK_DISABLED", ""))) {
      return false;
    }
    String exporter = env.getOrDefault("OTEL_TRACES_EXPORTER", "").trim();
    if (!exporter.isEmpty()) {
      return !exporter.equals("none");
    }
    return !env.getOrDefault("OTEL_EXPORTER_OTLP_ENDPOINT", "").isBlank()
        || !env.getOrDefault("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "").isBlank();
  }

  public boolean enabled() {
    return otel != null;
  }

  /** The SDK Vert.x's tracer reports to (null when off). */
  public OpenTelemetry openTelemetry() {
    return otel;
  }

  /** A span under {@code parent} (an invalid, no-op span when tracing is off). */
  public Span start(String name, Context parent, SpanKind kind) {
    if (tracer == null) {
      return Span.getInvalid();
    }
    return tracer.spanBuilder(name).setParent(parent == null ? Context.root() : parent).setSpanKind(kind).startSpan();
  }

  /** A builder for a span with attributes or a start time of its own (null when tracing is off). */
  public SpanBuilder builder(String name) {
    return tracer == null ? null : tracer.spanBuilder(name);
  }

  /** The context a W3C {@code traceparent} names (root when it is missing or not one). */
  public static Context parent(String traceparent) {
    if (traceparent == null || traceparent.length() > 128) {
      return Context.root();
    }
    return W3CTraceContextPropagator.getInstance().extract(Context.root(), Map.of("traceparent", traceparent), MAP);
  }

  /** The W3C {@code traceparent} of {@code span} (null when it is not a real, sampled-or-not span). */
  public static String traceparent(Span span) {
    SpanContext c = span.getSpanContext();
    if (!c.isValid()) {
      return null;
    }
    Map<String, String> out = new HashMap<>();
    W3CTraceContextPropagator.getInstance().inject(Context.root().with(span), out, Map::put);
    return out.get("traceparent");
  }

  /** The trace id of {@code span} (null when tracing is off). */
  public static String traceId(Span span) {
    return span.getSpanContext().isValid() ? span.getSpanContext().getTraceId() : null;
  }

  /**
   * Runs {@code work} now, on this thread, in a context of its own whose current OpenTelemetry
   * context is {@code otelCtx}: what it does — event-bus requests, SQL, HTTP calls, and their
   * continuations — is traced under it, and nothing leaks to the next task of the event loop.
   */
  public void within(Context otelCtx, Runnable work) {
    ContextInternal current = ContextInternal.current();
    if (otel == null || current == null) {
      work.run();
      return;
    }
    ContextInternal own = current.duplicate();
    VertxContextStorage.INSTANCE.attach(own, otelCtx);
    own.dispatch(work);
  }

  /**
   * Handles one client frame of {@code type} under its own span, a child of {@code traceparent}
   * when the client sent one (a pong needs none). A frame the sampler leaves out is handled with
   * no trace context at all, so Vert.x adds no spans or trace headers downstream of it: head
   * sampling then costs the unsampled frames one decision.
   */
  public void frame(String type, Object traceparent, Runnable handle) {
    if (otel == null || "ping".equals(type)) {
      handle.run();
      return;
    }
    Span span = start("ws " + type, parent(traceparent instanceof String p ? p : null), SpanKind.SERVER);
    if (!span.getSpanContext().isSampled()) {
      handle.run();
      return;
    }
    span.setAttribute(Keys.FRAME_TYPE, type);
    try {
      within(Context.root().with(span), handle);
    } finally {
      span.end();
    }
  }

  /** Exports what is buffered and stops (at node shutdown). */
  public void close() {
    if (sdk != null) {
      sdk.getSdkTracerProvider().forceFlush().join(5, TimeUnit.SECONDS);
      sdk.close();
    }
  }

  /** Attribute keys used across agentbus's spans, in one place. */
  public static final class Keys {
    public static final AttributeKey<String> WORKFLOW_ID = AttributeKey.stringKey("agentbus.workflow.id");
    public static final AttributeKey<String> AGENT_ROLE = AttributeKey.stringKey("agentbus.agent.role");
    public static final AttributeKey<Long> ATTEMPT = AttributeKey.longKey("agentbus.agent.attempt");
    public static final AttributeKey<String> FRAME_TYPE = AttributeKey.stringKey("agentbus.frame.type");
    public static final AttributeKey<String> NODE_ID = AttributeKey.stringKey("agentbus.node.id");

    private Keys() {}
  }
}
