package io.agentbus.support;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Cluster nodes as separate JVM processes started exactly as {@code Main} starts a node (its
 * environment, the test classpath the README's test command builds), against a database of their
 * own, so a test can kill, freeze and thaw them by PID — only the processes it started.
 */
public final class NodeProcesses implements AutoCloseable {

  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(2)).build();

  /** One node process. */
  public static final class NodeProc {
    public final String host;
    public final int httpPort;
    public final Path log;
    Process process;

    NodeProc(String host, int httpPort, Path log) {
      this.host = host;
      this.httpPort = httpPort;
      this.log = log;
    }

    public Process process() {
      return process;
    }

    public long pid() {
      return process.pid();
    }

    public boolean alive() {
      return process.isAlive();
    }

    /** SIGKILL: the node vanishes without a word (no shutdown hook runs). */
    public void kill9() throws InterruptedException {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
    }

    public void signal(String sig) throws IOException, InterruptedException {
      new ProcessBuilder("kill", "-" + sig, String.valueOf(pid())).inheritIO().start().waitFor();
    }

    /** The node's output so far (bytes that are not UTF-8 replaced, not a reason to return nothing). */
    public String logText() {
      try {
        return new String(Files.readAllBytes(log), java.nio.charset.StandardCharsets.UTF_8);
      } catch (IOException e) {
        return "";
      }
    }
  }

  public final TestCluster db;
  private final String clusterName = "agentbus-chaos-" + UUID.randomUUID();
  private final int hzBase = 24000 + ThreadLocalRandom.current().nextInt(1000) * 5;
  private final Map<String, String> common = new HashMap<>();
  public final List<NodeProc> nodes = new ArrayList<>();
  /** When not null, node i runs in namespace i of this lab at its address, reaching PostgreSQL through {@link #gate}. */
  private final Netns lab;

  /**
   * @param db supplies the database (its nodes are not used) and the clients
   * @param env what every node gets on top of the cluster and database settings
   */
  public NodeProcesses(TestCluster db, Map<String, String> env) {
    this(db, env, null, null, db.dbName);
  }

  /**
   * Nodes each in a network namespace of {@code lab} (node i on host i), cluster port 5701 on each
   * host, PostgreSQL through {@code gate}, on database {@code database} (which may not exist yet).
   */
  public NodeProcesses(TestCluster db, Map<String, String> env, Netns lab, PgGate gate, String database) {
    this.db = db;
    this.lab = lab;
    if (lab != null) {
      common.put("AGENTBUS_DB_URL", "postgresql://postgres@" + lab.testHost() + ":" + gate.port() + "/" + database);
      common.put("AGENTBUS_CLUSTER_MEMBERS", lab.host(0) + ":5701," + lab.host(1) + ":5701," + lab.host(2) + ":5701");
      common.put("AGENTBUS_CLUSTER_NAME", clusterName);
      common.put("AGENTBUS_JWT_SECRET", "chaos-test-secret-chaos-test-secret-0123456789");
      common.putAll(env);
      return;
    }
    common.put("AGENTBUS_DB_URL", TestCluster.PG + db.dbName);
    common.put("AGENTBUS_CLUSTER_NAME", clusterName);
    common.put("AGENTBUS_CLUSTER_MEMBERS", "127.0.0.1:" + hzBase + ",127.0.0.1:" + (hzBase + 1) + ",127.0.0.1:" + (hzBase + 2));
    common.put("AGENTBUS_HTTP_HOST", "127.0.0.1");
    common.put("AGENTBUS_JWT_SECRET", "chaos-test-secret-chaos-test-secret-0123456789");
    common.putAll(env);
  }

  /** Starts node {@code i} (cluster port base + i); returns at once (see {@link #awaitUp}). */
  public NodeProc start(int i) throws Exception {
    return start(i, "256m");
  }

  /** The same with a heap of {@code heap} ({@code -Xmx}). */
  public NodeProc start(int i, String heap) throws Exception {
    return start(i, heap, Map.of());
  }

  /** The same with {@code extra} environment for this node only. */
  public NodeProc start(int i, String heap, Map<String, String> extra) throws Exception {
    // In a namespace of its own the node has every port to itself.
    int port = lab != null ? 8080 : TestCluster.freePort();
    String host = lab != null ? lab.host(i) : TestCluster.HOST;
    Path log = Files.createTempFile("agentbus-node" + i + "-", ".log");
    NodeProc n = new NodeProc(host, port, log);
    List<String> cmd = new ArrayList<>();
    if (lab != null) {
      cmd.addAll(List.of("ip", "netns", "exec", lab.namespace(i))); // exec: the PID is the JVM's
    }
    cmd.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx" + heap,
        // The flags README recommends for a node (G1, a heap that is given back), as operators run it.
        "-Xms64m", "-XX:+UseG1GC", "-XX:MinHeapFreeRatio=10", "-XX:MaxHeapFreeRatio=20", "-XX:TieredStopAtLevel=1",
        "-Dhazelcast.logging.type=slf4j",
        "-cp", System.getProperty("java.class.path"), "io.agentbus.Main"));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().putAll(common);
    pb.environment().put("AGENTBUS_CLUSTER_PORT", String.valueOf(lab != null ? 5701 : hzBase + i));
    pb.environment().put("AGENTBUS_HTTP_PORT", String.valueOf(port));
    if (lab != null) {
      pb.environment().put("AGENTBUS_CLUSTER_HOST", host);
      pb.environment().put("AGENTBUS_HTTP_HOST", host);
    }
    pb.environment().putAll(extra);
    n.process = pb.start();
    nodes.add(n);
    return n;
  }

  /**
   * Starts {@code n} nodes and returns them once all are up in one cluster: the first alone (it
   * creates the database), then the others together.
   */
  public List<NodeProc> startAll(int n) throws Exception {
    List<NodeProc> started = new ArrayList<>();
    started.add(start(0));
    awaitUp(started.get(0), 1, 90_000);
    for (int i = 1; i < n; i++) {
      started.add(start(i));
    }
    for (NodeProc p : started.subList(1, n)) {
      awaitUp(p, n, 90_000);
    }
    return started;
  }

  /** Waits until the node answers /health UP with {@code members} cluster members. */
  public static void awaitUp(NodeProc n, int members, long timeoutMs) throws Exception {
    long deadline = System.currentTimeMillis() + timeoutMs;
    while (System.currentTimeMillis() < deadline) {
      if (!n.alive()) {
        throw new AssertionError("node on " + n.httpPort + " exited:\n" + n.logText());
      }
      try {
        String body = HTTP.send(HttpRequest.newBuilder(URI.create("http://" + n.host + ":" + n.httpPort + "/health"))
            .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString()).body();
        if (body.contains("\"status\":\"UP\"") && body.contains("\"members\":" + members)) {
          return;
        }
      } catch (IOException notYet) {
        // starting
      }
      Thread.sleep(200);
    }
    throw new AssertionError("node on " + n.httpPort + " not up with " + members + " members in time:\n" + n.logText());
  }

  /** The environment every node of this cluster gets (database, cluster, JWT secret). */
  public Map<String, String> env() {
    return Map.copyOf(common);
  }

  /**
   * Runs the jar's command line ({@code io.agentbus.Main} on this build's classpath, as
   * {@code java -jar target/agentbus.jar} runs it) with this cluster's environment plus
   * {@code extra}; answers its exit code and output (stdout and stderr), waiting at most 60 s.
   */
  public static Cli cli(Map<String, String> env, String... args) throws Exception {
    return run(env, "io.agentbus.Main", args);
  }

  /** The same for another main class (the example worker). */
  public static Cli run(Map<String, String> env, String mainClass, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx128m", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"), mainClass));
    cmd.addAll(List.of(args));
    Path out = Files.createTempFile("agentbus-cli-", ".out");
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile());
    pb.environment().putAll(env);
    Process p = pb.start();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("the command did not end within 60 s: " + cmd + "\n" + Files.readString(out));
    }
    String text = Files.readString(out);
    Files.deleteIfExists(out);
    return new Cli(p.exitValue(), text);
  }

  /** A finished command: its exit code and what it printed. */
  public record Cli(int exit, String output) {}

  /** Starts a command without waiting (for {@code tail}); its output goes to {@code out}. */
  public static Process startCli(Map<String, String> env, Path out, String... args) throws IOException {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx128m", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"), "io.agentbus.Main"));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).redirectOutput(out.toFile());
    pb.environment().putAll(env);
    return pb.start();
  }

  public Http http(NodeProc n) {
    return new Http(n.host, n.httpPort);
  }

  @Override
  public void close() {
    for (NodeProc n : nodes) {
      if (n.process != null && n.process.isAlive()) {
        try {
          n.signal("CONT"); // a frozen one must be able to die
        } catch (Exception ignored) {
          // best effort
        }
        n.process.destroyForcibly();
      }
    }
    for (NodeProc n : nodes) {
      try {
        n.process.waitFor(10, TimeUnit.SECONDS);
        Files.deleteIfExists(n.log); // what a failed assertion needed was put in its message
      } catch (InterruptedException ignored) {
        Thread.currentThread().interrupt();
      } catch (IOException ignored) {
        // a temporary file
      }
    }
  }
}
