package io.agentbus;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import io.agentbus.approvals.ApprovalsVerticle;
import io.agentbus.bridge.BridgeVerticle;
import io.agentbus.bus.ClusterMembers;
import io.agentbus.bus.ClusterSize;
import io.agentbus.bus.NodeState;
import io.agentbus.metrics.Metrics;
import io.agentbus.node.NodeParts;
import io.agentbus.config.AgentbusConfig;
import io.agentbus.config.Sections;
import io.agentbus.config.Verticle;
import io.agentbus.db.Database;
import io.agentbus.db.Migrator;
import io.agentbus.db.Settings;
import io.agentbus.orchestrator.OrchestratorVerticle;
import io.agentbus.router.RouterVerticle;
import io.vertx.core.Deployable;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.internal.VertxInternal;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import io.vertx.sqlclient.Pool;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One agentbus node: joins the cluster, makes the database ready (created, migrated), resolves
 * the JWT secret, then deploys the configured verticles in dependency order (router before
 * bridge). {@link Main} starts one from the environment; tests start several in one JVM the same
 * way, with a map in place of the environment.
 */
public final class Node {

  private static final Logger LOG = LoggerFactory.getLogger(Node.class);

  static {
    if (System.getProperty("hazelcast.logging.type") == null) {
      System.setProperty("hazelcast.logging.type", "slf4j");
    }
  }

  private final Vertx vertx;
  private final Database database;
  private final NodeParts parts;
  private final AgentbusConfig cfg;
  /** Deployment ids in deployment order (services first, the bridge last). */
  private final List<String> deployments;
  /** The node's metrics registry, released at close. */
  private io.micrometer.prometheusmetrics.PrometheusMeterRegistry registry;

  private Node(Vertx vertx, Database database, NodeParts parts, List<String> deployments) {
    this.vertx = vertx;
    this.database = database;
    this.parts = parts;
    this.cfg = parts.config();
    this.deployments = deployments;
  }

  public Vertx vertx() {
    return vertx;
  }

  public AgentbusConfig config() {
    return cfg;
  }

  public String nodeId() {
    return ClusterMembers.nodeId(vertx);
  }

  public int httpPort() {
    return cfg.http().port();
  }

  public static Future<Node> start(Map<String, String> env) {
    return start(env, io.agentbus.tracing.Tracing.fromEnvironment(env));
  }

  /** A node whose tracing is handed in (tests: one SDK with an in-memory exporter for every node). */
  public static Future<Node> start(Map<String, String> env, io.agentbus.tracing.Tracing tracing) {
    AgentbusConfig loaded;
    try {
      loaded = AgentbusConfig.load(env);
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(e);
    }
    AgentbusConfig cfg0 = loaded;
    Sections.Cluster cluster = cfg0.cluster();
    String host = cluster.host();
    VertxOptions opts;
    try {
      opts = new VertxOptions().setEventBusOptions(io.agentbus.node.ClusterTls.apply(new EventBusOptions()
          .setHost(host).setPort(cluster.eventBusPort()).setClusterPublicHost(host), cluster));
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    StartProgress progress = new StartProgress();
    progress.phase("the Hazelcast cluster '" + cluster.name() + "' (members "
        + cluster.membersText() + ", AGENTBUS_CLUSTER_MEMBERS; binding " + host + ":" + cluster.port() + ")");
    io.micrometer.prometheusmetrics.PrometheusMeterRegistry registry = NodeMetrics.registry();
    opts.setMetricsOptions(NodeMetrics.options());
    Metrics metrics = new Metrics();
    NodeState state = new NodeState();
    ClusterSize[] size = new ClusterSize[1];
    io.vertx.core.VertxBuilder builder = Vertx.builder().with(opts).withTransport(transport(cfg0.node().transport()))
        .withClusterManager(new HazelcastClusterManager(hazelcast(cfg0)))
        .withMetrics(new io.vertx.micrometer.MicrometerMetricsFactory(registry));
    if (tracing.enabled()) {
      // Vert.x traces HTTP, the event bus (its traceparent crosses the cluster) and the SQL client itself.
      opts.setTracingOptions(new io.vertx.tracing.opentelemetry.OpenTelemetryOptions());
      builder.with(opts).withTracer(new io.vertx.tracing.opentelemetry.OpenTelemetryTracingFactory(tracing.openTelemetry()));
    }
    return builder.buildClustered()
        .onSuccess(v -> metrics.attach(registry))
        .onSuccess(v -> size[0] = ClusterSize.listening(v, cluster.expectedMembers()))
        .onSuccess(v -> {
          progress.phase("the database (AGENTBUS_DB_URL)");
          // Every log line from here on names the node (JSON logs: context.properties.nodeId).
          if (org.slf4j.LoggerFactory.getILoggerFactory() instanceof ch.qos.logback.classic.LoggerContext lc) {
            lc.putProperty("nodeId", ((VertxInternal) v).clusterManager().getNodeId());
          }
        })
        .compose(vertx -> Database.prepare(vertx, cfg0, ((VertxInternal) vertx).clusterManager().getNodes().size())
            .onSuccess(db -> progress.phase("the schema migrations of " + db.describe()))
            .compose(db -> prepareSchemaAndSecret(vertx, db, cfg0)
                .onSuccess(c -> progress.phase("the verticles to deploy"))
                .map(cfg -> NodeParts.build(vertx, cfg, metrics, size[0], state, tracing))
                .compose(parts -> deploy(parts).compose(ids -> io.agentbus.admin.NodeInfo.register(parts)
                    .map(v -> {
                      state.markDeployed();
                      Node node = new Node(vertx, db, parts, ids);
                      node.registry = registry;
                      return node;
                    })))
                .onFailure(err -> db.close()))
            .onFailure(err -> vertx.close()))
        .onComplete(ar -> progress.done())
        .onSuccess(Node::logReady);
  }

  /** The configured transport when this machine has it, else NIO (logged at ready). */
  private static io.vertx.core.transport.Transport transport(String name) {
    io.vertx.core.transport.Transport t = switch (name) {
      case "io_uring" -> io.vertx.core.transport.Transport.IO_URING;
      case "nio" -> io.vertx.core.transport.Transport.NIO;
      default -> io.vertx.core.transport.Transport.EPOLL;
    };
    return t.available() ? t : io.vertx.core.transport.Transport.NIO;
  }

  /** Hazelcast from {@code cluster.xml} (classpath), with name, ports, members and interface from config. */
  /** The Hazelcast configuration of a node (public for the closed-cluster test, which joins as an outsider). */
  public static Config hazelcast(AgentbusConfig cfg) {
    Sections.Cluster c = cfg.cluster();
    Config hz = ConfigUtil.loadConfig();
    String host = c.host();
    hz.setClusterName(c.name());
    NetworkConfig net = hz.getNetworkConfig();
    net.setPort(c.port()).setPortAutoIncrement(true).setPortCount(20);
    net.getInterfaces().setEnabled(true).setInterfaces(List.of(host));
    JoinConfig join = net.getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    String k8s = c.kubernetesService();
    if (!k8s.isEmpty()) {
      // Hazelcast's Kubernetes discovery in DNS mode: the headless Service lists the pods (no API rights needed).
      join.getKubernetesConfig().setEnabled(true).setProperty("service-dns", k8s)
          .setProperty("service-port", String.valueOf(c.port()));
      net.getInterfaces().setEnabled(false);
    } else {
      join.getTcpIpConfig().setEnabled(true).setMembers(c.members());
    }
    hz.setProperty("hazelcast.heartbeat.interval.seconds", String.valueOf(c.heartbeatSeconds()));
    hz.setProperty("hazelcast.max.no.heartbeat.seconds", String.valueOf(c.maxNoHeartbeatSeconds()));
    // After a partition heals, the split-brain merge is what makes the cluster whole again:
    // Hazelcast's defaults first look after 300 s, then every 120 s (measured: 54-250 s to re-form).
    String merge = String.valueOf(c.mergeSeconds());
    hz.setProperty("hazelcast.merge.first.run.delay.seconds", merge);
    hz.setProperty("hazelcast.merge.next.run.delay.seconds", merge);
    return hz;
  }

  private static Future<AgentbusConfig> prepareSchemaAndSecret(Vertx vertx, Database db, AgentbusConfig cfg) {
    // A private pool, closed afterwards: the shared pool keeps the options of whoever creates it
    // first, and that must be the verticles (db.poolSize), not this two-connection set-up step.
    Pool pool = io.vertx.pgclient.PgBuilder.pool().connectingTo(db.options)
        .with(new io.vertx.sqlclient.PoolOptions().setMaxSize(2)).using(vertx).build();
    return Migrator.migrate(vertx, db.options)
        .compose(n -> {
          String secret = cfg.auth().jwtSecret();
          if (!secret.isEmpty()) {
            return Future.succeededFuture(secret);
          }
          byte[] random = new byte[32];
          new SecureRandom().nextBytes(random);
          return Settings.shared(pool, "dev.jwtSecret", Base64.getUrlEncoder().withoutPadding().encodeToString(random))
              .onSuccess(s -> LOG.warn("No AGENTBUS_JWT_SECRET set: using the dev secret generated once and stored in "
                  + "the database, shared by every node. Set AGENTBUS_JWT_SECRET (and AGENTBUS_PROFILE=prod) in production."));
        })
        .map(secret -> cfg.resolved(secret, db.url()))
        .eventually(pool::close);
  }

  /** The factory of each verticle of the table ({@link Verticle}); exhaustive, so none is forgotten. */
  private static Supplier<Deployable> factory(Verticle v, NodeParts parts) {
    return switch (v) {
      case ROUTER -> () -> new RouterVerticle(parts);
      case APPROVALS -> () -> new ApprovalsVerticle(parts);
      case ORCHESTRATOR -> () -> new OrchestratorVerticle(parts);
      case UPLOADS -> () -> new io.agentbus.uploads.UploadsVerticle(parts);
      case ADMIN -> () -> new io.agentbus.admin.AdminVerticle(parts);
      case BRIDGE -> () -> new BridgeVerticle(parts);
    };
  }

  /** The configured verticles in the table's order: the services answer before the bridge accepts connections. */
  private static Future<List<String>> deploy(NodeParts parts) {
    AgentbusConfig cfg = parts.config();
    List<String> ids = new ArrayList<>();
    Future<Void> chain = Future.succeededFuture();
    for (Verticle v : Verticle.values()) {
      if (cfg.runs(v)) {
        DeploymentOptions opts = new DeploymentOptions().setInstances(cfg.instances(v));
        chain = chain.compose(x -> parts.vertx().deployVerticle(factory(v, parts), opts).map(id -> {
          ids.add(id);
          return null;
        }));
      }
    }
    return chain.map(ids);
  }

  private void logReady() {
    HazelcastClusterManager cm = (HazelcastClusterManager) ((VertxInternal) vertx).clusterManager();
    // One line per member change: an operator sees a node leave (killed, cut off) and join.
    cm.getHazelcastInstance().getCluster().addMembershipListener(new com.hazelcast.cluster.MembershipListener() {
      @Override
      public void memberAdded(com.hazelcast.cluster.MembershipEvent e) {
        LOG.info("cluster member joined: node={} address={} ({} members)", ClusterMembers.nodeIdOf(e.getMember()),
            e.getMember().getAddress(), e.getMembers().size());
      }

      @Override
      public void memberRemoved(com.hazelcast.cluster.MembershipEvent e) {
        LOG.warn("cluster member left: node={} address={} ({} members)", ClusterMembers.nodeIdOf(e.getMember()),
            e.getMember().getAddress(), e.getMembers().size());
      }
    });
    List<String> vs = new ArrayList<>();
    for (Verticle v : Verticle.values()) {
      if (cfg.runs(v)) {
        vs.add(v.id + "x" + cfg.instances(v));
      }
    }
    if (!vertx.isNativeTransportEnabled() && !"nio".equals(cfg.node().transport())) {
      LOG.info("Native transport {} unavailable here; using NIO", cfg.node().transport());
    }
    LOG.info("agentbus node ready: node={} http={} cluster={} ({} member{}) db={} verticles={} profile={}",
        cm.getNodeId(), cfg.runs(Verticle.BRIDGE) ? String.valueOf(httpPort()) : "-",
        cfg.cluster().name(), cm.getNodes().size(), cm.getNodes().size() == 1 ? "" : "s",
        database.describe(), String.join(",", vs), cfg.node().profile());
  }

  /**
   * Stops the node (PROTOCOL §10): readiness fails first; then the verticles stop in reverse
   * order — the bridge closes its clients with 1012 once their in-flight requests are answered,
   * the services commit what they accepted and the orchestrator hands its workflows over — and
   * the node leaves the cluster. Whatever is left after {@code shutdownSeconds} is cut short.
   */
  public synchronized Future<Void> close() {
    if (closing == null) {
      closing = shutDown();
    }
    return closing; // a second close (a test closing a node it stopped) waits for the first
  }

  private Future<Void> closing;

  private Future<Void> shutDown() {
    long t0 = System.currentTimeMillis();
    parts.state().markDraining();
    LOG.info("shutting down: readiness fails for {} ms, then clients are closed with 1012, requests finished and "
        + "workflows handed over", cfg.node().shutdownDrainMs());
    // Readiness answers 503 and every HTTP answer says Connection: close while this lasts, so
    // balancers stop sending and keep-alive clients open their next request elsewhere.
    // A plain promise, not vertx.timer(): a future bound to one of this node's contexts would try to
    // run its last callbacks on an event loop that vertx.close() has already stopped.
    io.vertx.core.Promise<Void> drained = io.vertx.core.Promise.promise();
    vertx.setTimer(Math.max(1, cfg.node().shutdownDrainMs()), id -> drained.complete());
    Future<Void> chain = drained.future();
    List<String> reversed = new ArrayList<>(deployments);
    java.util.Collections.reverse(reversed);
    for (String id : reversed) {
      chain = chain.compose(v -> vertx.undeploy(id).otherwise(err -> {
        LOG.warn("stopping {} failed: {}", id, err.toString());
        return null;
      }));
    }
    long limitMs = cfg.node().shutdownSeconds() * 1000L;
    return chain.timeout(Math.max(1000, limitMs - 2000), java.util.concurrent.TimeUnit.MILLISECONDS)
        .otherwise(err -> {
          LOG.warn("shutdown: verticles did not stop within {} s; leaving anyway", limitMs / 1000);
          return null;
        })
        .compose(v -> parts.close().otherwise(err -> null))
        .compose(v -> vertx.close())
        .eventually(() -> {
          database.close();
          if (registry != null) {
            NodeMetrics.close(registry);
          }
          LOG.info("node stopped in {} ms", System.currentTimeMillis() - t0);
          return Future.succeededFuture();
        });
  }

  /** {@code shutdownSeconds}: how long {@link #close} may take. */
  public int shutdownSeconds() {
    return cfg.node().shutdownSeconds();
  }
}
