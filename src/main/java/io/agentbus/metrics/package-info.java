/**
 * The node's counters, gauges and histograms, kept allocation-free on the delivery path and
 * rendered as Prometheus text on {@code /metrics} ({@link io.agentbus.metrics.Metrics}).
 */
package io.agentbus.metrics;
