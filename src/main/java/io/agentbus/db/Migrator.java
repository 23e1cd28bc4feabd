package io.agentbus.db;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnectOptions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Properties;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Versioned schema migrations with Flyway ({@code db/migration/V<n>__name.sql}), run off the event
 * loop (Flyway speaks JDBC, which blocks). Flyway takes a PostgreSQL advisory lock, so nodes
 * starting together queue and the later ones find nothing to do; it validates the checksums of
 * what was applied against the files (an edited released file stops the node). Two rules of our
 * own, checked first:
 * <ul>
 *   <li>a database newer than this build (a version it does not know) is refused rather than
 *   used — migrations never go down (Flyway alone would ignore such "future" versions);</li>
 *   <li>a database migrated before Flyway (its {@code schema_migrations} table, up to version n)
 *   is baselined at n, so nothing is applied twice.</li>
 * </ul>
 */
public final class Migrator {

  private static final Logger LOG = LoggerFactory.getLogger(Migrator.class);

  /** In order; a file is never edited once released — add a new one. */
  public static final List<String> MIGRATIONS = List.of(
      "V1__streams_events_channels.sql",
      "V2__workflows.sql",
      "V3__approvals.sql",
      "V4__approval_withdrawn.sql",
      "V5__stream_writer.sql",
      "V6__files.sql",
      "V7__messages.sql",
      "V8__pause_session_state.sql",
      "V9__admin_audit_idempotency.sql",
      "V10__project_messages_in_statement.sql",
      "V11__user_profiles.sql",
      "V12__lease_epoch.sql",
      "V13__idempotency_fingerprint.sql",
      "V14__agui_runs.sql", "V15__workflow_events_kept.sql",
      "V16__message_status.sql", "V17__private_channels.sql",
      "V18__agent_durations.sql", "V19__channel_title_archive.sql", "V20__browser_sessions.sql");

  private Migrator() {}

  /** The schema version this build brings the database to. */
  public static int latest() {
    return MIGRATIONS.size();
  }

  /** Applies what is missing; answers how many migrations were applied now. */
  public static Future<Integer> migrate(Vertx vertx, PgConnectOptions db) {
    return vertx.executeBlocking(() -> migrate(db), false).onSuccess(n -> {
      if (n > 0) {
        LOG.info("Applied {} database migration(s)", n);
      }
    });
  }

  /** The database's schema version (0: none). */
  public static Future<Integer> version(Vertx vertx, PgConnectOptions db) {
    return vertx.executeBlocking(() -> {
      try (Connection c = connect(db)) {
        return Math.max(flywayVersion(c), legacyVersion(c));
      }
    }, false);
  }

  static String jdbcUrl(PgConnectOptions db) {
    return "jdbc:postgresql://" + db.getHost() + ":" + db.getPort() + "/" + db.getDatabase();
  }

  private static Connection connect(PgConnectOptions db) throws SQLException {
    Properties p = new Properties();
    p.setProperty("user", db.getUser());
    if (db.getPassword() != null && !db.getPassword().isEmpty()) {
      p.setProperty("password", db.getPassword());
    }
    return DriverManager.getConnection(jdbcUrl(db), p);
  }

  private static int migrate(PgConnectOptions db) throws SQLException {
    int applied;
    int legacy;
    try (Connection c = connect(db)) {
      int newest = flywayVersion(c);
      legacy = legacyVersion(c);
      int known = Math.max(newest, legacy);
      if (known > latest()) {
        throw new IllegalStateException("The database schema is at version " + known + " but this build knows only "
            + latest() + ": refusing to run an older build on it");
      }
    }
    var config = Flyway.configure().dataSource(jdbcUrl(db), db.getUser(), db.getPassword())
        .locations("classpath:db/migration").validateOnMigrate(true).cleanDisabled(true)
        .failOnMissingLocations(true);
    if (legacy > 0) {
      // Migrated by the build before Flyway: its versions are the same files; start the history there.
      config = config.baselineOnMigrate(true).baselineVersion(String.valueOf(legacy))
          .baselineDescription("migrated before Flyway (schema_migrations)");
    }
    MigrateResult r = config.load().migrate();
    applied = r.migrationsExecuted;
    return applied;
  }

  /** The newest version Flyway applied successfully (0: no history table). */
  private static int flywayVersion(Connection c) throws SQLException {
    if (!exists(c, "flyway_schema_history")) {
      return 0;
    }
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
        "SELECT coalesce(max(version::int), 0) FROM flyway_schema_history WHERE success AND version IS NOT NULL")) {
      rs.next();
      return rs.getInt(1);
    }
  }

  /** The version the build before Flyway reached ({@code schema_migrations}; 0: none). */
  private static int legacyVersion(Connection c) throws SQLException {
    if (!exists(c, "schema_migrations") || exists(c, "flyway_schema_history")) {
      return 0;
    }
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
        "SELECT coalesce(max(version), 0) FROM schema_migrations")) {
      rs.next();
      return rs.getInt(1);
    }
  }

  private static boolean exists(Connection c, String table) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
        "SELECT to_regclass('public." + table + "') IS NOT NULL")) {
      rs.next();
      return rs.getBoolean(1);
    }
  }
}
