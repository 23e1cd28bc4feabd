/**
 * One trace per run (OpenTelemetry through Vert.x's own tracing, {@code vertx-opentelemetry}):
 * {@link io.agentbus.tracing.Tracing} builds the SDK from the standard {@code OTEL_*} variables
 * (off unless an exporter is named), starts agentbus's own spans (frames, workflow steps and
 * attempts, model calls, approval waits) and carries a W3C {@code traceparent} through what
 * Vert.x does not see: a workflow's stored record, so a run taken over on another node continues
 * its trace. HTTP requests, event-bus messages (across the cluster) and PostgreSQL statements are
 * traced by Vert.x itself.
 */
package io.agentbus.tracing;
