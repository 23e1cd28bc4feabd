package io.agentbus.cli;

import io.agentbus.config.AgentbusConfig;
import io.agentbus.db.Migrator;
import io.vertx.core.Vertx;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code migrate}: applies the schema migrations this build has (or only shows where the database is). */
@Command(name = "migrate", mixinStandardHelpOptions = true,
    description = "Apply the database migrations of this build (nodes also do this at start), or show the version.")
final class MigrateCommand implements Callable<Integer> {

  @Option(names = "--status", description = "only show the database's schema version and this build's")
  boolean status;

  @Override
  public Integer call() {
    AgentbusConfig cfg = Config.load();
    Vertx vertx = Vertx.vertx();
    try {
      io.vertx.pgclient.PgConnectOptions db = Config.options(cfg);
      if (!status) {
        int applied = Migrator.migrate(vertx, db).await();
        System.out.println("applied " + applied + " migration(s)");
      }
      int version = Migrator.version(vertx, db).await();
      System.out.println("database schema version " + version + "; this build's " + Migrator.latest());
      return 0;
    } catch (RuntimeException e) {
      System.err.println("migrate: " + e.getMessage());
      return 1;
    } finally {
      vertx.close().await();
    }
  }
}
