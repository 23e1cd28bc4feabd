package io.agentbus.bench;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** An agentbus node as a separate JVM ({@code java -jar target/agentbus.jar}), as operators run it. */
final class NodeProcess implements AutoCloseable {

  private static final HttpClient HTTP = HttpClient.newHttpClient();
  final Process process;
  final int httpPort;
  final Path log;

  NodeProcess(String jar, Map<String, String> env, int httpPort, String heap, List<String> jvm, Path log, Path jfr)
      throws IOException {
    this.httpPort = httpPort;
    this.log = log;
    // The JVM flags README recommends for a node: a heap that grows with load and is given back
    // after GC, so RSS follows what the node really holds.
    List<String> cmd = new java.util.ArrayList<>(List.of("java", "-Xms64m", "-Xmx" + heap, "-XX:+UseG1GC",
        "-XX:MinHeapFreeRatio=10", "-XX:MaxHeapFreeRatio=20"));
    cmd.addAll(jvm);
    if (jfr != null) {
      cmd.add("-XX:StartFlightRecording=filename=" + jfr + ",settings=profile,dumponexit=true");
    }
    cmd.addAll(List.of("-jar", jar));
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().putAll(env);
    pb.redirectErrorStream(true).redirectOutput(log.toFile());
    this.process = pb.start();
  }

  /** SIGKILL, for the failover phase: no shutdown hook runs. */
  void kill9() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
  }

  /** SIGTERM, as a rolling restart stops a node (its sockets close with 1012); returns at once. */
  void terminate() {
    process.destroy();
  }

  long pid() {
    return process.pid();
  }

  void awaitHealthy(int members, long timeoutMs) throws Exception {
    long deadline = System.currentTimeMillis() + timeoutMs;
    while (System.currentTimeMillis() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("node exited; see " + log);
      }
      try {
        String body = get("/health");
        if (body.contains("\"UP\"") && body.contains("\"members\":" + members)) {
          return;
        }
      } catch (IOException notYet) {
        // starting
      }
      Thread.sleep(250);
    }
    throw new IllegalStateException("node on " + httpPort + " not healthy in time; see " + log);
  }

  String get(String path) throws IOException, InterruptedException {
    return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path))
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()).body();
  }

  String post(String path, String body, String token) throws IOException, InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path))
        .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString()).body();
  }

  /** A value from /metrics (first sample of that name). */
  double metric(String name) throws IOException, InterruptedException {
    for (String line : get("/metrics").split("\n")) {
      if (line.startsWith(name + " ")) {
        return Double.parseDouble(line.substring(name.length() + 1).trim());
      }
    }
    return Double.NaN;
  }

  /** Full GC in the node (jcmd), then its heap in use. */
  long heapAfterGc() throws Exception {
    new ProcessBuilder("jcmd", String.valueOf(pid()), "GC.run").redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor();
    Thread.sleep(300);
    return (long) metric("jvm_memory_heap_used_bytes");
  }

  long rssBytes() throws IOException {
    return ProcStats.rssBytes(pid());
  }

  @Override
  public void close() {
    process.destroy(); // SIGTERM: the node's shutdown hook closes it
    try {
      if (!process.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
    }
  }

  static String jar() {
    File f = new File("target/agentbus.jar");
    if (!f.isFile()) {
      throw new IllegalStateException("target/agentbus.jar is missing: run mvn package first");
    }
    return f.getAbsolutePath();
  }

  static String readLog(Path log) {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      return "";
    }
  }

  /** A free TCP port on this machine. */
  static int freePort() throws IOException {
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /** Drops a benchmark's own database (the phases each make one), reporting rather than failing. */
  static void dropDatabase(io.vertx.core.Vertx vertx, String db) {
    io.vertx.sqlclient.Pool admin = io.vertx.pgclient.PgBuilder.pool()
        .connectingTo(io.vertx.pgclient.PgConnectOptions.fromUri("postgresql://postgres@127.0.0.1:5432/postgres"))
        .with(new io.vertx.sqlclient.PoolOptions().setMaxSize(1)).using(vertx).build();
    try {
      admin.query("DROP DATABASE IF EXISTS " + db + " WITH (FORCE)").execute().await();
    } catch (Exception e) {
      System.err.println("could not drop " + db + ": " + e.getMessage());
    } finally {
      admin.close().await();
    }
  }
}
