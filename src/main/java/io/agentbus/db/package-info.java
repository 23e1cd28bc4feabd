/**
 * The database bootstrap: finding or creating the PostgreSQL database (or starting the embedded
 * fallback), how the node's pools are made ({@link io.agentbus.db.Database}; the node builds them once), the versioned migrations applied
 * at start by every node safely at once ({@link io.agentbus.db.Migrator}) and the cluster-wide
 * settings decided once ({@link io.agentbus.db.Settings}, table {@code settings}). Each other
 * table has one owner: {@code streams}/{@code events} the stream package, {@code channels} and
 * {@code sessions} the router, {@code workflows} the orchestrator, {@code approvals} the
 * approvals verticle.
 */
package io.agentbus.db;
