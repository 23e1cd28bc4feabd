package io.agentbus.db;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Versioned schema migrations, applied at start in one transaction that first takes a
 * transaction-scoped advisory lock: nodes starting together queue on the lock and the later ones
 * find nothing left to do. A database newer than this build (a version it does not know) is
 * refused rather than used — migrations never go down.
 *
 * <p>Why not Flyway: it needs a blocking JDBC driver beside the reactive client for ~60 lines of
 * work; this keeps one driver and never blocks an event loop.
 */
public final class Migrator {

  private static final Logger LOG = LoggerFactory.getLogger(Migrator.class);
  /** Arbitrary constant naming agentbus' advisory lock. */
  private static final long LOCK_KEY = 0x6167656e74627573L; // "agentbus"

  /** In order; a file is never edited once released — add a new one. */
  static final List<String> MIGRATIONS = List.of(
      "V1__streams_events_channels.sql",
      "V2__workflows.sql",
      "V3__approvals.sql",
      "V4__approval_withdrawn.sql",
      "V5__stream_writer.sql",
      "V6__files.sql",
      "V7__messages.sql",
      "V8__pause_session_state.sql",
      "V9__admin_audit_idempotency.sql");

  private Migrator() {}

  /** The schema version this build brings the database to. */
  public static int latest() {
    return MIGRATIONS.size();
  }

  /** Applies what is missing; returns how many migrations were applied now. */
  public static Future<Integer> migrate(io.vertx.core.Vertx vertx, Pool pool) {
    // The scripts are read off the event loop (classpath I/O), then applied.
    return vertx.executeBlocking(() -> MIGRATIONS.stream().map(Migrator::read).toList())
        .compose(scripts -> migrate(pool, scripts));
  }

  private static Future<Integer> migrate(Pool pool, List<String> scripts) {
    return pool.withTransaction(conn -> conn.query("SET LOCAL client_min_messages = warning").execute()
        .compose(r -> conn.query("SELECT pg_advisory_xact_lock(" + LOCK_KEY + ")").execute())
        .compose(r -> conn.query("CREATE TABLE IF NOT EXISTS schema_migrations (version int PRIMARY KEY, "
            + "name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())").execute())
        .compose(r -> conn.query("SELECT version FROM schema_migrations").execute())
        .compose(rows -> {
          Set<Integer> applied = new HashSet<>();
          for (Row row : rows) {
            applied.add(row.getInteger(0));
          }
          int newest = applied.stream().mapToInt(Integer::intValue).max().orElse(0);
          if (newest > MIGRATIONS.size()) {
            return Future.failedFuture(new IllegalStateException("The database schema is at version " + newest
                + " but this build knows only " + MIGRATIONS.size() + ": refusing to run an older build on it"));
          }
          Future<Integer> chain = Future.succeededFuture(0);
          for (int i = 0; i < MIGRATIONS.size(); i++) {
            int version = i + 1;
            String name = MIGRATIONS.get(i);
            if (!applied.contains(version)) {
              String script = scripts.get(i);
              chain = chain.compose(n -> apply(conn, version, name, script).map(v -> n + 1));
            }
          }
          return chain;
        }))
        .onSuccess(n -> {
          if (n > 0) {
            LOG.info("Applied {} database migration(s)", n);
          }
        });
  }

  private static Future<Void> apply(SqlConnection conn, int version, String name, String script) {
    LOG.info("Migrating database to version {} ({})", version, name);
    // query() is PostgreSQL's simple protocol, which runs a script of several statements.
    return conn.query(script).execute()
        .compose(r -> conn.preparedQuery("INSERT INTO schema_migrations(version, name) VALUES ($1, $2)")
            .execute(Tuple.of(version, name)))
        .mapEmpty();
  }

  private static String read(String name) {
    try (InputStream in = Migrator.class.getResourceAsStream("/db/migration/" + name)) {
      if (in == null) {
        throw new IllegalStateException("missing migration resource " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
