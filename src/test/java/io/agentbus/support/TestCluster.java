package io.agentbus.support;

import io.agentbus.Node;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Tuple;
import java.io.IOException;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Real clustered nodes in this JVM, started exactly as {@code Main} starts them (an environment
 * map), on their own database (unique name, dropped at {@link #close}), their own Hazelcast
 * cluster name and their own ports, so runs never see each other.
 */
public final class TestCluster implements AutoCloseable {

  public static final String PG = "postgresql://postgres@127.0.0.1:5432/";
  /** Where nodes started by tests listen, unless a test puts them in namespaces of their own ({@link Netns}). */
  public static final String HOST = "127.0.0.1";

  public final String dbName = "agentbus_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
  public final String clusterName = "agentbus-test-" + UUID.randomUUID();
  private final int hzBase = 20000 + ThreadLocalRandom.current().nextInt(2000) * 10;
  public final List<Node> nodes = new ArrayList<>();
  private final Vertx client = Vertx.vertx();
  /** One WebSocket client for all test connections, held here so it is never collected (and closed). */
  private final io.vertx.core.http.WebSocketClient wsClient = client.createWebSocketClient(
      new io.vertx.core.http.WebSocketClientOptions().setMaxFrameSize(1 << 20).setMaxMessageSize(1 << 22)
          .setMaxConnections(100_000));
  private Pool db;

  /** The tracing every node of this cluster reports to (null: each node's own, from its environment: off). */
  private io.agentbus.tracing.Tracing tracing;

  /** Starts one node per entry, all reporting to {@code tracing} (one SDK: an in-memory exporter sees every node). */
  @SafeVarargs
  public static TestCluster startTraced(io.agentbus.tracing.Tracing tracing, Map<String, String>... perNode) {
    TestCluster c = new TestCluster();
    c.tracing = tracing;
    try {
      for (Map<String, String> extra : perNode) {
        c.startNode(extra);
      }
      return c;
    } catch (RuntimeException e) {
      c.close();
      throw e;
    }
  }

  /** Starts one node per entry; each entry adds to (or overrides) the common environment. */
  @SafeVarargs
  public static TestCluster start(Map<String, String>... perNode) {
    return startTraced(null, perNode);
  }

  public Node startNode(Map<String, String> extra) {
    Map<String, String> env = new HashMap<>();
    env.put("AGENTBUS_DB_URL", PG + dbName);
    env.put("AGENTBUS_CLUSTER_NAME", clusterName);
    env.put("AGENTBUS_CLUSTER_PORT", String.valueOf(hzBase + nodes.size()));
    env.put("AGENTBUS_CLUSTER_MEMBERS", "127.0.0.1:" + hzBase + ",127.0.0.1:" + (hzBase + 1) + ",127.0.0.1:" + (hzBase + 2)
        + ",127.0.0.1:" + (hzBase + 3));
    env.put("AGENTBUS_HTTP_HOST", "127.0.0.1");
    // A port free a moment ago may be taken by then (any socket's ephemeral port, e.g. a browser's):
    // a node that cannot bind its HTTP port is started again on another one.
    if ("prod".equals(extra.get("AGENTBUS_PROFILE")) && !extra.containsKey("AGENTBUS_CLUSTER_TLS_CERT")) {
      // Prod needs the cluster's TLS pair configured: one made for this cluster, as an operator would.
      Path tls = prodTlsPair();
      env.put("AGENTBUS_CLUSTER_TLS_CERT", tls.resolve("cert.pem").toString());
      env.put("AGENTBUS_CLUSTER_TLS_KEY", tls.resolve("key.pem").toString());
    }
    for (int attempt = 1; ; attempt++) {
      env.put("AGENTBUS_HTTP_PORT", String.valueOf(freePort()));
      env.putAll(extra);
      try {
        Node n = (tracing == null ? Node.start(env) : Node.start(env, tracing)).await();
        nodes.add(n);
        return n;
      } catch (IllegalStateException e) {
        if (attempt >= 3 || extra.containsKey("AGENTBUS_HTTP_PORT") || !String.valueOf(e.getMessage()).contains("already in use")) {
          throw e;
        }
      }
    }
  }

  private Path prodTls;

  private synchronized Path prodTlsPair() {
    if (prodTls == null) {
      try {
        prodTls = java.nio.file.Files.createTempDirectory("agentbus-test-tls");
        io.agentbus.node.ClusterTls.write(prodTls, "agentbus-" + clusterName);
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }
    return prodTls;
  }

  public Node node(int i) {
    return nodes.get(i);
  }

  public int port(int i) {
    return nodes.get(i).httpPort();
  }

  /** A client-side Vert.x, not part of the cluster, for WebSocket clients. */
  /** The web UI's address on node {@code i}. */
  public String url(int i) {
    return "http://127.0.0.1:" + port(i) + "/";
  }

  public Vertx clientVertx() {
    return client;
  }

  /** Direct access to the test database, for asserting what is stored. */
  public synchronized Pool db() {
    if (db == null) {
      db = PgBuilder.pool().connectingTo(PgConnectOptions.fromUri(PG + dbName))
          .with(new PoolOptions().setMaxSize(2)).using(client).build();
    }
    return db;
  }

  public long count(String sql, Object... params) {
    return db().preparedQuery(sql).execute(Tuple.from(params)).await().iterator().next().getLong(0);
  }

  public WsClient ws(int node, String query) {
    return WsClient.connect(wsClient, port(node), "/ws" + (query == null ? "" : "?" + query));
  }

  /** A /ws connection to node {@code node} whose upgrade carries {@code headers} (name, value pairs). */
  public WsClient ws(int node, String query, String... headers) {
    return WsClient.connect(wsClient, port(node), "/ws" + (query == null ? "" : "?" + query), headers);
  }

  /** The stored events of a stream, oldest first, as their payloads. */
  public List<io.vertx.core.json.JsonObject> storedEvents(String stream) {
    List<io.vertx.core.json.JsonObject> out = new ArrayList<>();
    db().preparedQuery("SELECT payload FROM events WHERE stream = $1 ORDER BY seq").execute(Tuple.of(stream)).await()
        .forEach(r -> out.add(new io.vertx.core.json.JsonObject(r.getString(0))));
    return out;
  }

  /** A /ws client to any port (a node process of {@link NodeProcesses}). */
  public WsClient wsAt(int port, String query) {
    return wsAt(HOST, port, query);
  }

  /** The same to a node at {@code host}. */
  public WsClient wsAt(String host, int port, String query) {
    return WsClient.connect(wsClient, host, port, "/ws" + (query == null ? "" : "?" + query));
  }

  /** A /ws client to a node process, authenticated by its URL token (and {@code session} when not null). */
  public WsClient wsAuthedAt(int port, String token, String session) {
    WsClient w = wsAt(port, "token=" + token + (session == null ? "" : "&session=" + session));
    io.vertx.core.json.JsonObject auth = w.next("auth_response");
    if (!auth.getBoolean("success")) {
      throw new AssertionError("auth failed: " + auth);
    }
    return w;
  }

  public BridgeClient bridge(int node, String token) {
    return BridgeClient.connect(client, wsClient, port(node), token);
  }

  public Http http(int node) {
    return new Http(port(node));
  }

  public String token(String user, String... roles) {
    StringBuilder r = new StringBuilder("[");
    for (String role : roles) {
      r.append(r.length() > 1 ? "," : "").append('"').append(role).append('"');
    }
    return http(0).post("/api/auth/token", "{\"userId\":\"" + user + "\",\"roles\":" + r + "]}", null)
        .json().getString("token");
  }

  /**
   * A free port below Linux's ephemeral range (32768–60999): a client that keeps connecting to a
   * port in that range while nothing listens (a worker waiting for its node) can be given that very
   * port as its own source and connect to itself, and the node then finds its port taken.
   */
  public static int freePort() {
    for (int i = 0; i < 200; i++) {
      int port = 20_000 + java.util.concurrent.ThreadLocalRandom.current().nextInt(12_000);
      try (ServerSocket s = new ServerSocket(port, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
        return port;
      } catch (IOException taken) {
        // try another
      }
    }
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    List<Future<Void>> closing = new ArrayList<>();
    for (Node n : nodes) {
      closing.add(n.close());
    }
    try {
      Future.join(closing).await();
    } catch (Exception ignored) {
      // best effort
    }
    if (db != null) {
      db.close().await();
    }
    Pool admin = PgBuilder.pool().connectingTo(PgConnectOptions.fromUri(PG + "postgres"))
        .with(new PoolOptions().setMaxSize(1)).using(client).build();
    try {
      admin.query("DROP DATABASE IF EXISTS \"" + dbName + "\" WITH (FORCE)").execute().await();
    } finally {
      admin.close().await();
      client.close().await();
    }
  }
}
