package io.agentbus.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;

/**
 * {@code --phases upload}: one node JVM with a small heap ({@code --upload-heap}, default 96m)
 * takes {@code --upload-files} concurrent uploads of {@code --upload-mib} MiB each, several
 * rounds; reports MiB/s stored (bodies received, checked, processed and written to PostgreSQL)
 * and the node's heap after GC and RSS.
 */
final class UploadPhase {

  private final int files;
  private final int mib;
  private final String heap;
  private final Map<String, String> results;
  private final String db = "agentbus_upload_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);

  UploadPhase(int files, int mib, String heap, Map<String, String> results) {
    this.files = files;
    this.mib = mib;
    this.heap = heap;
    this.results = results;
  }

  void run() throws Exception {
    System.out.println();
    System.out.printf("== phase: upload (%d × %d MiB at once, node heap %s) ==%n", files, mib, heap);
    Path logs = Files.createDirectories(Path.of("target", "bench"));
    int port = NodeProcess.freePort();
    Map<String, String> env = new HashMap<>();
    env.put("AGENTBUS_DB_URL", "postgresql://postgres@127.0.0.1:5432/" + db);
    env.put("AGENTBUS_CLUSTER_NAME", "agentbus-upload-" + db);
    int hz = 36000 + ThreadLocalRandom.current().nextInt(500) * 4;
    env.put("AGENTBUS_CLUSTER_PORT", String.valueOf(hz));
    env.put("AGENTBUS_CLUSTER_MEMBERS", "127.0.0.1:" + hz);
    env.put("AGENTBUS_HTTP_PORT", String.valueOf(port));
    env.put("AGENTBUS_HTTP_HOST", "127.0.0.1");
    env.put("AGENTBUS_JWT_SECRET", UUID.randomUUID() + "-" + UUID.randomUUID());
    env.put("AGENTBUS_UPLOADS_QUOTA_BYTES", String.valueOf(Integer.MAX_VALUE));
    NodeProcess node = new NodeProcess(NodeProcess.jar(), env, port, heap, List.of(), logs.resolve("upload-node.log"), null);
    try {
      node.awaitHealthy(1, 90_000);
      String token = new io.vertx.core.json.JsonObject(node.post("/api/auth/token", "{\"userId\":\"bench\"}", null))
          .getString("token");
      byte[] content = new byte[mib * 1024 * 1024];
      Arrays.fill(content, (byte) 'b');
      for (int i = 79; i < content.length; i += 80) {
        content[i] = '\n';
      }
      HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      round(http, port, token, content); // warm-up
      long rounds = 3;
      long t0 = System.nanoTime();
      for (int r = 0; r < rounds; r++) {
        round(http, port, token, content);
      }
      double seconds = (System.nanoTime() - t0) / 1e9;
      double total = rounds * files * (double) mib;
      long heapAfter = node.heapAfterGc();
      results.put("upload throughput", String.format("%.1f MiB/s (%d rounds of %d × %d MiB at once, %.1f s)",
          total / seconds, rounds, files, mib, seconds));
      results.put("upload node memory", String.format("heap after GC %.1f MiB, RSS %.0f MiB (-Xmx%s)",
          heapAfter / 1048576.0, node.rssBytes() / 1048576.0, heap));
    } finally {
      node.close();
      dropDatabase();
    }
  }

  private void round(HttpClient http, int port, String token, byte[] content) {
    List<CompletableFuture<HttpResponse<String>>> all = new ArrayList<>();
    for (int i = 0; i < files; i++) {
      String boundary = "bench" + i + "x" + System.nanoTime();
      byte[] head = ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"sessionId\"\r\n\r\nbench-uploads\r\n--"
          + boundary + "\r\nContent-Disposition: form-data; name=\"files\"; filename=\"f" + i
          + ".txt\"\r\nContent-Type: text/plain\r\n\r\n").getBytes(StandardCharsets.UTF_8);
      byte[] tail = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8);
      all.add(http.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/upload"))
          .timeout(Duration.ofSeconds(300)).header("Authorization", "Bearer " + token)
          .header("Content-Type", "multipart/form-data; boundary=" + boundary)
          .POST(HttpRequest.BodyPublishers.concat(HttpRequest.BodyPublishers.ofByteArray(head),
              HttpRequest.BodyPublishers.ofByteArray(content), HttpRequest.BodyPublishers.ofByteArray(tail)))
          .build(), HttpResponse.BodyHandlers.ofString()));
    }
    for (CompletableFuture<HttpResponse<String>> f : all) {
      HttpResponse<String> r = f.join();
      if (r.statusCode() != 200) {
        throw new IllegalStateException("upload answered " + r.statusCode() + ": " + r.body());
      }
    }
  }

  private void dropDatabase() {
    io.vertx.core.Vertx v = io.vertx.core.Vertx.vertx();
    NodeProcess.dropDatabase(v, db);
    v.close().await();
  }


}
