/**
 * Operators (PROTOCOL §9): the admin verticle behind {@code /admin/*}. The bridge hands it each
 * admin HTTP call whole (method, path, query, the Authorization header, the raw body); it checks
 * the caller ({@link io.agentbus.admin.AdminAuth}: the admin token or a JWT with role admin),
 * does the call — a bus publish, send or request within the allow-list
 * ({@link io.agentbus.admin.AdminBus}), the audit trail, the cluster view
 * ({@link io.agentbus.admin.ClusterView}), a stream's events — and writes the call to the
 * append-only audit table ({@link io.agentbus.admin.AuditLog}, migration V9) before answering.
 * Bodies are never logged or stored: their size and sha256 are.
 */
package io.agentbus.admin;
