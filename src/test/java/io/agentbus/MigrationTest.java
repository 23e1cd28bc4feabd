package io.agentbus;

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
class MigrationTest {

  Vertx vertx;
  String db;
  Pool admin;

  @BeforeEach
  void createDatabase() {
    vertx = Vertx.vertx();
    db = "agentbus_mig_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    admin = pool("postgres");
    admin.query("CREATE DATABASE " + db).execute().await();
  }

  @AfterEach
  void dropDatabase() {
    admin.query("DROP DATABASE IF EXISTS " + db + " WITH (FORCE)").execute().await();
    admin.close().await();
    vertx.close().await();
  }

  private Pool pool(String database) {
    return PgBuilder.pool().connectingTo(PgConnectOptions.fromUri(TestCluster.PG + database))
        .with(new PoolOptions().setMaxSize(2)).using(vertx).build();
  }

  @Test
  void runningMigrationsTwiceChangesNothingTheSecondTime() {
    Pool p = pool(db);
    int first = Migrator.migrate(vertx, p).await();
    int second = Migrator.migrate(vertx, p).await();
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
      runs.add(Migrator.migrate(vertx, p));
    }
    Future.all(runs).await();
    int applied = runs.stream().mapToInt(Future::result).sum();
    Pool check = pools.get(0);
    long versions = check.query("SELECT count(*) FROM schema_migrations").execute().await().iterator().next().getLong(0);
    assertEquals(versions, applied, "every version applied by exactly one of the racing nodes");
    pools.forEach(p -> p.close().await());
  }

  @Test
  void aSchemaNewerThanThisBuildIsRefused() {
    Pool p = pool(db);
    Migrator.migrate(vertx, p).await();
    p.query("INSERT INTO schema_migrations(version, name) VALUES (999, 'from the future')").execute().await();
    Throwable err = null;
    try {
      Migrator.migrate(vertx, p).await();
    } catch (Exception e) {
      err = e;
    }
    assertTrue(err != null && err.getMessage().contains("999"), String.valueOf(err));
    p.close().await();
  }
}
