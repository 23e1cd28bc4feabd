package io.agentbus.db;

import io.agentbus.db.Migrator;
import io.agentbus.support.IntegrationTest;
import io.agentbus.support.TestCluster;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Migrations are idempotent, safe when nodes start together, and never run an old build on a newer schema. */
@IntegrationTest
@org.junit.jupiter.api.extension.ExtendWith(io.vertx.junit5.VertxExtension.class)
class MigrationTest {

  Vertx vertx;
  String db;
  Pool admin;

  /** The Vert.x of each test comes from VertxExtension, which closes it after the test. */
  @BeforeEach
  void createDatabase(Vertx vertx) {
    this.vertx = vertx;
    db = "agentbus_mig_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    admin = pool("postgres");
    admin.query("CREATE DATABASE " + db).execute().await();
  }

  @AfterEach
  void dropDatabase() {
    admin.query("DROP DATABASE IF EXISTS " + db + " WITH (FORCE)").execute().await();
    admin.close().await();
  }

  private Pool pool(String database) {
    return PgBuilder.pool().connectingTo(PgConnectOptions.fromUri(TestCluster.PG + database))
        .with(new PoolOptions().setMaxSize(2)).using(vertx).build();
  }

  private PgConnectOptions target() {
    return PgConnectOptions.fromUri(TestCluster.PG + db);
  }

  @Test
  void runningMigrationsTwiceChangesNothingTheSecondTime() {
    Pool p = pool(db);
    int first = Migrator.migrate(vertx, target()).await();
    int second = Migrator.migrate(vertx, target()).await();
    assertTrue(first >= 1);
    assertEquals(0, second);
    assertEquals(4L, p.query("SELECT count(*) FROM channels").execute().await().iterator().next().getLong(0),
        "default channels seeded once");
    p.close().await();
  }

  @Test
  void nodesMigratingAtTheSameMomentApplyEachVersionOnce() {
    List<Pool> pools = new ArrayList<>();
    List<Future<Integer>> runs = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      Pool p = pool(db);
      pools.add(p);
      runs.add(Migrator.migrate(vertx, target()));
    }
    Future.all(runs).await();
    int applied = runs.stream().mapToInt(Future::result).sum();
    Pool check = pools.get(0);
    long versions = check.query("SELECT count(*) FROM flyway_schema_history WHERE success AND version IS NOT NULL")
        .execute().await().iterator().next().getLong(0);
    assertEquals(versions, applied, "every version applied by exactly one of the racing nodes");
    pools.forEach(p -> p.close().await());
  }

  @Test
  void aSchemaNewerThanThisBuildIsRefused() {
    Pool p = pool(db);
    Migrator.migrate(vertx, target()).await();
    p.query("INSERT INTO flyway_schema_history (installed_rank, version, description, type, script, checksum, "
        + "installed_by, execution_time, success) VALUES (999, '999', 'from the future', 'SQL', 'V999__x.sql', 0, "
        + "'postgres', 0, true)").execute().await();
    Throwable err = null;
    try {
      Migrator.migrate(vertx, target()).await();
    } catch (Exception e) {
      err = e;
    }
    assertTrue(err != null && err.getMessage().contains("999"), String.valueOf(err));
    p.close().await();
  }

  @Test
  void aDatabaseMigratedBeforeFlywayIsBaselinedAndNothingRunsTwice() throws Exception {
    // What the build before Flyway left: the schema of V1..V9 and its own schema_migrations table.
    Pool p = pool(db);
    for (int v = 1; v <= Migrator.latest(); v++) {
      String name = Migrator.MIGRATIONS.get(v - 1);
      String sql = new String(MigrationTest.class.getResourceAsStream("/db/migration/" + name).readAllBytes(),
          java.nio.charset.StandardCharsets.UTF_8);
      p.query(sql).execute().await();
    }
    p.query("CREATE TABLE schema_migrations (version int PRIMARY KEY, name text NOT NULL, "
        + "applied_at timestamptz NOT NULL DEFAULT now())").execute().await();
    for (int v = 1; v <= Migrator.latest(); v++) {
      p.preparedQuery("INSERT INTO schema_migrations VALUES ($1, $2)")
          .execute(io.vertx.sqlclient.Tuple.of(v, Migrator.MIGRATIONS.get(v - 1))).await();
    }
    assertEquals(0, Migrator.migrate(vertx, target()).await());
    assertEquals(4L, p.query("SELECT count(*) FROM channels").execute().await().iterator().next().getLong(0),
        "the default channels were not seeded again");
    assertEquals(String.valueOf(Migrator.latest()), p.query("SELECT version FROM flyway_schema_history "
        + "WHERE type = 'BASELINE'").execute().await().iterator().next().getString(0));
    assertEquals(Migrator.latest(), Migrator.version(vertx, target()).await());
    p.close().await();
  }

  @Test
  void anEditedReleasedMigrationStopsTheNodeAtValidation() {
    Pool p = pool(db);
    Migrator.migrate(vertx, target()).await();
    p.query("UPDATE flyway_schema_history SET checksum = checksum + 1 WHERE version = '3'").execute().await();
    Throwable err = null;
    try {
      Migrator.migrate(vertx, target()).await();
    } catch (Exception e) {
      err = e;
    }
    assertTrue(err != null && String.valueOf(err.getMessage()).toLowerCase().contains("checksum"), String.valueOf(err));
    p.close().await();
  }
}
