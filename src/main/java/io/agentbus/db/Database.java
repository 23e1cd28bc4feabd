package io.agentbus.db;

import io.agentbus.config.AgentbusConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.net.ConnectException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the node's database and makes it ready: the configured URL, else the local server at
 * 127.0.0.1:5432 (database created when missing), else — only for a non-root user and only when
 * nothing was configured — an embedded PostgreSQL whose data stays in {@code db.embeddedDir}.
 * Then the migrations run.
 */
public final class Database implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Database.class);
  /** Name of the pool every verticle of a node shares. */
  public static final String POOL_NAME = "agentbus-pool";

  public final PgConnectOptions options;
  private final EmbeddedPostgres embedded;

  private Database(PgConnectOptions options, EmbeddedPostgres embedded) {
    this.options = options;
    this.embedded = embedded;
  }

  /** Human description, for the ready line: {@code postgres@127.0.0.1:5432/agentbus}. */
  public String describe() {
    return options.getUser() + "@" + options.getHost() + ":" + options.getPort() + "/" + options.getDatabase()
        + (embedded != null ? " (embedded)" : "");
  }

  /** The URL handed to verticles, with the real host and port (embedded or not). */
  public String url() {
    String pw = options.getPassword() == null || options.getPassword().isEmpty() ? "" : ":" + options.getPassword();
    return "postgresql://" + options.getUser() + pw + "@" + options.getHost() + ":" + options.getPort() + "/"
        + options.getDatabase();
  }

  /**
   * @param clusterMembers how many members the node's cluster has now (the embedded fallback is
   *     refused when others have joined: each would start a database of its own and split the cluster)
   */
  public static Future<Database> prepare(Vertx vertx, AgentbusConfig cfg, int clusterMembers) {
    String url = cfg.db().url();
    boolean explicit = !url.isEmpty();
    PgConnectOptions opts;
    try {
      opts = explicit ? PgConnectOptions.fromUri(url.startsWith("postgres") ? url : "postgresql://" + url)
          : new PgConnectOptions().setHost("127.0.0.1").setPort(5432).setUser("postgres").setDatabase("agentbus");
    } catch (RuntimeException e) {
      return Future.failedFuture(new IllegalArgumentException(
          "AGENTBUS_DB_URL is not a PostgreSQL URL (postgresql://user[:password]@host:port/database): " + e.getMessage()));
    }
    if (opts.getDatabase() == null || opts.getDatabase().isEmpty()) {
      opts.setDatabase("agentbus");
    }
    PgConnectOptions target = opts;
    return ensureDatabase(vertx, target)
        .map(v -> new Database(target, null))
        .recover(err -> {
          if (!isConnectionRefused(err)) {
            return Future.failedFuture(new IllegalStateException("Cannot use the database " + target.getHost() + ":"
                + target.getPort() + "/" + target.getDatabase() + ": " + err.getMessage()
                + howToPoint(), err));
          }
          if (explicit) {
            return Future.failedFuture(new IllegalStateException("No PostgreSQL answers at " + target.getHost() + ":"
                + target.getPort() + " (from AGENTBUS_DB_URL)." + howToPoint()));
          }
          String refusal = embeddedRefusal(cfg, clusterMembers);
          if (refusal != null) {
            return Future.failedFuture(new IllegalStateException("No PostgreSQL answers at " + target.getHost() + ":"
                + target.getPort() + ", and the embedded PostgreSQL fallback is refused: " + refusal + "." + howToPoint()));
          }
          return startEmbedded(vertx, cfg);
        });
  }

  /**
   * Why this node must not start the embedded PostgreSQL, or null when it may: a database of its
   * own would split the cluster's state whenever another node could be part of it — in the prod
   * profile, when cluster members other than this host are configured, or when others have joined.
   */
  static String embeddedRefusal(AgentbusConfig cfg, int clusterMembers) {
    if (cfg.isProd()) {
      return "the prod profile never uses a database of its own (set AGENTBUS_DB_URL)";
    }
    if (clusterMembers > 1) {
      return "this node joined a cluster of " + clusterMembers + " members, which must share one database";
    }
    String self = cfg.cluster().host();
    for (String m : cfg.cluster().members()) {
      String host = m.trim().replaceFirst(":\\d+$", "");
      if (!host.isEmpty() && !host.equals(self) && !host.equals("127.0.0.1") && !host.equals("localhost")) {
        return "cluster members on other hosts are configured (" + host + "), which must share one database";
      }
    }
    return null;
  }

  private static String howToPoint() {
    return "\n  Start a PostgreSQL server (Debian: pg_ctlcluster --skip-systemctl-redirect <version> main start), or point "
        + "the node at one:\n    AGENTBUS_DB_URL=postgresql://user:password@host:5432/agentbus java -jar target/agentbus.jar";
  }

  private static Future<Database> startEmbedded(Vertx vertx, AgentbusConfig cfg) {
    Path dir = Path.of(cfg.db().embeddedDir()).toAbsolutePath();
    int port = cfg.db().embeddedPort();
    return vertx.executeBlocking(() -> {
      if (isRoot()) {
        throw new RootException();
      }
      LOG.warn("No PostgreSQL at 127.0.0.1:5432: starting an embedded PostgreSQL on port {} with data in {}", port, dir);
      Files.createDirectories(dir);
      return EmbeddedPostgres.builder().setDataDirectory(dir).setCleanDataDirectory(false).setPort(port).start();
    }).recover(err -> Future.failedFuture(err instanceof RootException
        ? new IllegalStateException("No PostgreSQL answers at 127.0.0.1:5432, and the embedded PostgreSQL fallback "
            + "cannot run as root (PostgreSQL refuses to initialise a data directory as root)." + howToPoint())
        : new IllegalStateException("The embedded PostgreSQL fallback could not start in " + dir + ": "
            + err.getMessage() + howToPoint(), err)))
      .compose(pg -> {
        PgConnectOptions o = new PgConnectOptions().setHost("127.0.0.1").setPort(port).setUser("postgres")
            .setDatabase("agentbus");
        return ensureDatabase(vertx, o).map(v -> new Database(o, pg));
      });
  }

  /** Connects to the target database; when it does not exist, creates it through the maintenance database. */
  static Future<Void> ensureDatabase(Vertx vertx, PgConnectOptions target) {
    Pool probe = PgBuilder.pool().connectingTo(target).with(new PoolOptions().setMaxSize(1)).using(vertx).build();
    return probe.query("SELECT 1").execute().<Void>mapEmpty()
        .eventually(probe::close)
        .recover(err -> {
          if (err instanceof PgException pe && "3D000".equals(pe.getSqlState())) {
            return createDatabase(vertx, target);
          }
          return Future.failedFuture(err);
        });
  }

  private static Future<Void> createDatabase(Vertx vertx, PgConnectOptions target) {
    String name = target.getDatabase();
    if (!name.matches("[A-Za-z0-9_]{1,63}")) {
      return Future.failedFuture(new IllegalArgumentException("database name '" + name
          + "' does not exist and will not be created automatically (letters, digits and _ only)"));
    }
    PgConnectOptions maint = new PgConnectOptions(target).setDatabase("postgres");
    Pool admin = PgBuilder.pool().connectingTo(maint).with(new PoolOptions().setMaxSize(1)).using(vertx).build();
    LOG.info("Creating database {}", name);
    return admin.query("CREATE DATABASE \"" + name + "\"").execute().<Void>mapEmpty()
        // Another node created it at the same moment: 42P04 when it had committed before this
        // statement began, 23505 (pg_database_datname_index) when both inserted the name at once.
        .recover(err -> err instanceof PgException pe
            && ("42P04".equals(pe.getSqlState()) || "23505".equals(pe.getSqlState()))
            ? Future.succeededFuture()
            : Future.failedFuture(err))
        .eventually(admin::close);
  }

  private static boolean isConnectionRefused(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof ConnectException) {
        return true;
      }
    }
    return false;
  }

  /** Raised off the event loop when the process is root, so the embedded server is not tried. */
  private static final class RootException extends RuntimeException {
    RootException() {
      super("root", null, false, false);
    }
  }

  private static boolean isRoot() {
    try {
      Object uid = Files.getAttribute(Path.of("/proc/self"), "unix:uid");
      return uid instanceof Integer i && i == 0;
    } catch (Exception e) {
      return "root".equals(System.getProperty("user.name"));
    }
  }

  /** The pool shared by all verticles of a node (same name ⇒ same pool). */
  public static Pool pool(Vertx vertx, String url, int size) {
    return PgBuilder.pool()
        .connectingTo(PgConnectOptions.fromUri(url).setCachePreparedStatements(true).setPipeliningLimit(256))
        .with(new PoolOptions().setMaxSize(size).setShared(true).setName(POOL_NAME))
        .using(vertx).build();
  }

  /**
   * The node's pool for searches: a small one whose sessions always plan a statement for its
   * parameters ({@code plan_cache_mode = force_custom_plan}). A search's best plan depends on how
   * common its words are (walk the newest messages for a common word, the text index for a rare
   * one); a cached generic plan would pick one for all. Not for the main pool: there the hot
   * statements keep their cached plans.
   */
  public static Pool searchPool(Vertx vertx, String url, int size) {
    return PgBuilder.pool()
        .connectingTo(PgConnectOptions.fromUri(url).setCachePreparedStatements(true)
            .addProperty("plan_cache_mode", "force_custom_plan"))
        .with(new PoolOptions().setMaxSize(size).setShared(true).setName(POOL_NAME + "-search"))
        .using(vertx).build();
  }

  @Override
  public void close() {
    if (embedded != null) {
      try {
        embedded.close();
      } catch (Exception e) {
        LOG.warn("Embedded PostgreSQL did not stop cleanly: {}", e.toString());
      }
    }
  }
}
