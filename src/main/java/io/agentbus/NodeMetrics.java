package io.agentbus;

import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.micrometer.Label;
import io.vertx.micrometer.MicrometerMetricsOptions;
import java.util.EnumSet;

/**
 * The node's metrics: one Micrometer registry per node (several nodes in one JVM, as in tests,
 * keep theirs apart) with the JVM's standard meters ({@code jvm_*}, {@code process_*}, the names
 * stock dashboards read), Vert.x's HTTP, WebSocket, pool and event-bus meters, and agentbus's own
 * ({@code io.agentbus.metrics.Metrics#attach}). Event-bus meters carry no address label: a
 * per-session or per-node address would make a new series for every one.
 */
final class NodeMetrics {

  private static final java.util.Map<PrometheusMeterRegistry, JvmGcMetrics> GC_BINDERS =
      new java.util.concurrent.ConcurrentHashMap<>();

  private NodeMetrics() {}

  /** Releases what the registry's binders hold (the GC listeners), when its node closes. */
  static void close(PrometheusMeterRegistry r) {
    JvmGcMetrics gc = GC_BINDERS.remove(r);
    if (gc != null) {
      gc.close();
    }
    r.close();
  }

  static PrometheusMeterRegistry registry() {
    PrometheusMeterRegistry r = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    // Bytes per write would be recorded on every delivery (one WebSocket write each): off, so the
    // hot path pays nothing for Vert.x's meters (measured, docs/operations.md).
    r.config().meterFilter(io.micrometer.core.instrument.config.MeterFilter.denyNameStartsWith("vertx.http.server.bytes"))
        .meterFilter(io.micrometer.core.instrument.config.MeterFilter.denyNameStartsWith("vertx.net.server.bytes"));
    new ClassLoaderMetrics().bindTo(r);
    new JvmMemoryMetrics().bindTo(r);
    JvmGcMetrics gc = new JvmGcMetrics(); // holds GC notification listeners: closed with the registry's node
    gc.bindTo(r);
    GC_BINDERS.put(r, gc);
    new JvmThreadMetrics().bindTo(r);
    new ProcessorMetrics().bindTo(r);
    new UptimeMetrics().bindTo(r);
    new FileDescriptorMetrics().bindTo(r);
    return r;
  }

  static MicrometerMetricsOptions options() {
    return new MicrometerMetricsOptions().setEnabled(true)
        .setLabels(EnumSet.of(Label.HTTP_METHOD, Label.HTTP_CODE, Label.POOL_TYPE, Label.POOL_NAME, Label.EB_SIDE,
            Label.EB_FAILURE));
  }
}
