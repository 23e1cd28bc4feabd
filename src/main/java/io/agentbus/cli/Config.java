package io.agentbus.cli;

import io.agentbus.config.AgentbusConfig;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;

/** What the offline commands share: the node's configuration and a short-lived pool on its database. */
final class Config {

  private Config() {}

  static AgentbusConfig load() {
    return AgentbusConfig.load(System.getenv());
  }

  /** The configured database (default 127.0.0.1:5432, user postgres, database agentbus), one connection. */
  static Pool pool(Vertx vertx, AgentbusConfig cfg) {
    return PgBuilder.pool().connectingTo(options(cfg)).with(new PoolOptions().setMaxSize(1)).using(vertx).build();
  }

  static PgConnectOptions options(AgentbusConfig cfg) {
    String url = cfg.db().url();
    PgConnectOptions opts = url.isEmpty()
        ? new PgConnectOptions().setHost("127.0.0.1").setPort(5432).setUser("postgres").setDatabase("agentbus")
        : PgConnectOptions.fromUri(url.startsWith("postgres") ? url : "postgresql://" + url);
    if (opts.getDatabase() == null || opts.getDatabase().isEmpty()) {
      opts.setDatabase("agentbus");
    }
    return opts;
  }

  /** The secret tokens are signed with: configured, or (dev) the one the cluster generated and stored. */
  static String jwtSecret(Vertx vertx, AgentbusConfig cfg) {
    String secret = cfg.auth().jwtSecret();
    if (!secret.isEmpty()) {
      return secret;
    }
    if (cfg.isProd()) {
      throw new IllegalStateException("AGENTBUS_JWT_SECRET is required in the prod profile");
    }
    Pool pool = pool(vertx, cfg);
    try {
      var rows = pool.query("SELECT value FROM settings WHERE key = 'dev.jwtSecret'").execute().await();
      if (rows.size() == 0) {
        throw new IllegalStateException("no AGENTBUS_JWT_SECRET and no dev secret stored yet: start a node once, "
            + "or set AGENTBUS_JWT_SECRET");
      }
      return rows.iterator().next().getString(0);
    } finally {
      pool.close().await();
    }
  }
}
