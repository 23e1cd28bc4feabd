package io.agentbus.metrics;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The node's counters for the hot path, shared by all verticles of one Vert.x instance and
 * rendered as Prometheus text on {@code GET /metrics}. Lock-free (LongAdder) so the hot path pays
 * one add per event.
 */
public final class Metrics {

  /** Frames handed to client connections (/ws writes and SockJS re-publications). */
  public final LongAdder deliveries = new LongAdder();
  /** Clients closed because their send queue passed its bound. */
  public final LongAdder sendQueueOverflows = new LongAdder();
  /** Events read back from PostgreSQL to fill an ordering gap. */
  public final LongAdder gapFillEvents = new LongAdder();
  /** Stream events pushed to this node by writers (only streams its clients follow). */
  public final LongAdder streamEventsReceived = new LongAdder();
  public final LongAdder replayedEvents = new LongAdder();
  public final AtomicLong wsConnections = new AtomicLong();
  public final AtomicLong bridgeSockets = new AtomicLong();
  public final Histogram persistBatchSize = new Histogram(new double[] {1, 2, 5, 10, 20, 50, 100, 200, 500, 1000});
  public final Histogram persistSeconds = new Histogram(new double[] {0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 1});
  /** Workflows started by this node's orchestrators (a start is no outcome: counted apart). */
  public final LongAdder workflowsStarted = new LongAdder();
  /** Workflows ended on this node, by outcome (completed, failed, cancelled). */
  public final Labeled workflows = new Labeled("outcome");
  public final AtomicLong workflowsRunning = new AtomicLong();
  /** Agent attempts by outcome (succeeded, failed) and how long they took. */
  public final Labeled agentRuns = new Labeled("outcome");
  public final Histogram agentSeconds = new Histogram(new double[] {0.1, 0.5, 1, 5, 15, 60, 300, 900});
  /** Approvals opened here (a request is no outcome: counted apart). */
  public final LongAdder approvalsRequested = new LongAdder();
  /** Approvals resolved here, by outcome (approved, rejected, expired, cancelled). */
  public final Labeled approvals = new Labeled("outcome");
  /** This build's version, as {@code agentbus_build_info{version}} (the jar's, "dev" from classes). */
  static final String VERSION = java.util.Objects.requireNonNullElse(Metrics.class.getPackage().getImplementationVersion(), "dev");


  /** A counter with one label, e.g. {@code outcome}. */
  public static final class Labeled {
    private final String label;
    private final java.util.concurrent.ConcurrentHashMap<String, LongAdder> byValue = new java.util.concurrent.ConcurrentHashMap<>();

    Labeled(String label) {
      this.label = label;
    }

    public void increment(String value) {
      byValue.computeIfAbsent(value, v -> new LongAdder()).increment();
    }

    void render(StringBuilder sb, String name, String help) {
      sb.append("# HELP ").append(name).append(' ').append(help).append('\n');
      sb.append("# TYPE ").append(name).append(" counter\n");
      new java.util.TreeMap<>(byValue).forEach((v, n) -> sb.append(name).append('{').append(label).append("=\"")
          .append(v).append("\"} ").append(n.sum()).append('\n'));
    }
  }

  /** A cumulative Prometheus histogram with fixed buckets. */
  public static final class Histogram {
    private final double[] bounds;
    private final LongAdder[] counts;
    private final LongAdder count = new LongAdder();
    private final java.util.concurrent.atomic.DoubleAdder sum = new java.util.concurrent.atomic.DoubleAdder();

    Histogram(double[] bounds) {
      this.bounds = bounds;
      this.counts = new LongAdder[bounds.length];
      for (int i = 0; i < bounds.length; i++) {
        counts[i] = new LongAdder();
      }
    }

    public void observe(double v) {
      count.increment();
      sum.add(v);
      for (int i = 0; i < bounds.length; i++) {
        if (v <= bounds[i]) {
          counts[i].increment();
          return;
        }
      }
    }

    void render(StringBuilder sb, String name, String help) {
      sb.append("# HELP ").append(name).append(' ').append(help).append('\n');
      sb.append("# TYPE ").append(name).append(" histogram\n");
      long cumulative = 0;
      for (int i = 0; i < bounds.length; i++) {
        cumulative += counts[i].sum();
        sb.append(name).append("_bucket{le=\"").append(bounds[i]).append("\"} ").append(cumulative).append('\n');
      }
      sb.append(name).append("_bucket{le=\"+Inf\"} ").append(count.sum()).append('\n');
      sb.append(name).append("_sum ").append(sum.sum()).append('\n');
      sb.append(name).append("_count ").append(count.sum()).append('\n');
    }
  }

  /** The node's Micrometer registry (Vert.x's and the JVM's meters), once {@link #attach}ed. */
  private volatile io.micrometer.prometheusmetrics.PrometheusMeterRegistry registry;

  /**
   * Registers the hot-path counters with the node's registry as function counters and gauges: the
   * registry reads the same LongAdders at scrape time, so a delivery still costs one add and no
   * allocation. The histograms and labelled counters stay rendered here, after the registry's text.
   */
  public void attach(io.micrometer.prometheusmetrics.PrometheusMeterRegistry r) {
    fn(r, "agentbus.deliveries", "frames delivered to client connections", deliveries);
    fn(r, "agentbus.send.queue.overflows", "clients closed because their send queue was full", sendQueueOverflows);
    fn(r, "agentbus.stream.events.received", "stream events pushed to this node (streams it follows)",
        streamEventsReceived);
    fn(r, "agentbus.gap.fill.events", "events read from the database to fill ordering gaps", gapFillEvents);
    fn(r, "agentbus.replayed.events", "events replayed to subscribers resuming with lastSeq", replayedEvents);
    io.micrometer.core.instrument.Gauge.builder("agentbus.ws.connections", wsConnections, AtomicLong::get)
        .description("open /ws connections").register(r);
    io.micrometer.core.instrument.Gauge.builder("agentbus.bridge.sockets", bridgeSockets, AtomicLong::get)
        .description("open SockJS bridge sockets").register(r);
    io.micrometer.core.instrument.Gauge.builder("agentbus.workflows.running", workflowsRunning, AtomicLong::get)
        .description("workflows this node is running now").register(r);
    registry = r;
  }

  private static void fn(io.micrometer.core.instrument.MeterRegistry r, String name, String help, LongAdder a) {
    io.micrometer.core.instrument.FunctionCounter.builder(name, a, LongAdder::sum).description(help).register(r);
  }

  public String prometheus() {
    io.micrometer.prometheusmetrics.PrometheusMeterRegistry r = registry;
    StringBuilder sb = new StringBuilder(r == null ? 2048 : 16384);
    if (r != null) {
      sb.append(r.scrape());
    } else {
      counter(sb, "agentbus_deliveries_total", "frames delivered to client connections", deliveries.sum());
      counter(sb, "agentbus_send_queue_overflows_total", "clients closed because their send queue was full",
          sendQueueOverflows.sum());
      counter(sb, "agentbus_stream_events_received_total", "stream events pushed to this node (streams it follows)",
          streamEventsReceived.sum());
      counter(sb, "agentbus_gap_fill_events_total", "events read from the database to fill ordering gaps",
          gapFillEvents.sum());
      counter(sb, "agentbus_replayed_events_total", "events replayed to subscribers resuming with lastSeq",
          replayedEvents.sum());
      gauge(sb, "agentbus_ws_connections", "open /ws connections", wsConnections.get());
      gauge(sb, "agentbus_bridge_sockets", "open SockJS bridge sockets", bridgeSockets.get());
      gauge(sb, "agentbus_workflows_running", "workflows this node is running now", workflowsRunning.get());
    }
    persistBatchSize.render(sb, "agentbus_persist_batch_size", "events per persistence statement");
    persistSeconds.render(sb, "agentbus_persist_seconds", "latency of one persistence statement");
    counter(sb, "agentbus_workflows_started_total", "workflows started by this node", workflowsStarted.sum());
    workflows.render(sb, "agentbus_workflows_total", "workflows ended on this node, by outcome");
    agentRuns.render(sb, "agentbus_agent_runs_total", "agent attempts, by outcome");
    agentSeconds.render(sb, "agentbus_agent_seconds", "duration of one agent attempt");
    counter(sb, "agentbus_approvals_requested_total", "approvals opened on this node", approvalsRequested.sum());
    approvals.render(sb, "agentbus_approvals_total", "approvals resolved on this node, by outcome");
    sb.append("# HELP agentbus_build_info the build this node runs\n# TYPE agentbus_build_info gauge\n")
        .append("agentbus_build_info{version=\"").append(VERSION).append("\"} 1\n");
    MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
    gauge(sb, "jvm_memory_heap_used_bytes", "JVM heap in use", heap.getUsed());
    gauge(sb, "jvm_memory_heap_committed_bytes", "JVM heap committed", heap.getCommitted());
    if (r == null) {
      gauge(sb, "jvm_threads_live", "live JVM threads", ManagementFactory.getThreadMXBean().getThreadCount());
    }
    return sb.toString();
  }

  private static void counter(StringBuilder sb, String name, String help, long v) {
    sb.append("# HELP ").append(name).append(' ').append(help).append('\n');
    sb.append("# TYPE ").append(name).append(" counter\n").append(name).append(' ').append(v).append('\n');
  }

  private static void gauge(StringBuilder sb, String name, String help, long v) {
    sb.append("# HELP ").append(name).append(' ').append(help).append('\n');
    sb.append("# TYPE ").append(name).append(" gauge\n").append(name).append(' ').append(v).append('\n');
  }
}
