package io.agentbus.uploads;

import io.agentbus.support.IntegrationTest;
import io.agentbus.support.NodeProcesses;
import io.agentbus.support.NodeProcesses.NodeProc;
import io.agentbus.support.TestCluster;
import io.agentbus.support.WsClient;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Upload bodies are streamed, never held whole: a node process with a 96 MiB heap takes twenty
 * concurrent 10 MiB uploads, then serves them back intact.
 */
@IntegrationTest
class UploadMemoryTest {

  /** The node's errors, for a failure's message. */
  static String errors(NodeProc node) {
    return node.logText().lines().filter(l -> !l.contains("WARN"))
        .limit(60).reduce("", (a, b) -> a + b + "\n");
  }

  @Test
  void twentyConcurrentTenMebibyteUploadsFitIn96MebibytesOfHeap() throws Exception {
    try (TestCluster db = TestCluster.start();
         NodeProcesses nodes = new NodeProcesses(db, Map.of())) {
      NodeProc node = nodes.start(0, "96m");
      NodeProcesses.awaitUp(node, 1, 90_000);
      String token = nodes.http(node).post("/api/auth/token", "{\"userId\":\"heavy\"}", null).json().getString("token");
      String session = "heavy-session";
      WsClient ws = db.wsAt(node.httpPort, "token=" + token + "&session=" + session);
      ws.next("auth_response");

      byte[] content = new byte[10 * 1024 * 1024];
      Arrays.fill(content, (byte) 'a');
      for (int i = 99; i < content.length; i += 100) {
        content[i] = '\n';
      }
      String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
      HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10))
          .build();
      List<CompletableFuture<HttpResponse<String>>> all = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        String boundary = "b" + i + "x" + System.nanoTime();
        byte[] head = ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"sessionId\"\r\n\r\n" + session
            + "\r\n--" + boundary + "\r\nContent-Disposition: form-data; name=\"files\"; filename=\"big" + i
            + ".txt\"\r\nContent-Type: text/plain\r\n\r\n").getBytes(StandardCharsets.UTF_8);
        byte[] tail = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8);
        HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.httpPort + "/api/upload"))
            .timeout(Duration.ofSeconds(120)).header("Authorization", "Bearer " + token)
            .header("Content-Type", "multipart/form-data; boundary=" + boundary)
            .POST(HttpRequest.BodyPublishers.concat(HttpRequest.BodyPublishers.ofByteArray(head),
                HttpRequest.BodyPublishers.ofByteArray(content), HttpRequest.BodyPublishers.ofByteArray(tail)))
            .build();
        all.add(http.sendAsync(req, HttpResponse.BodyHandlers.ofString()));
      }
      List<String> ids = new ArrayList<>();
      for (CompletableFuture<HttpResponse<String>> f : all) {
        HttpResponse<String> r = f.join();
        assertEquals(200, r.statusCode(), () -> r.body() + "\n" + errors(node));
        JsonObject file = new JsonObject(r.body()).getJsonArray("files").getJsonObject(0);
        assertEquals(content.length, file.getLong("size"));
        assertEquals(sha, file.getString("sha256"));
        ids.add(file.getString("fileId"));
      }
      assertTrue(node.alive(), "the node is still up:\n" + node.logText());
      assertTrue(!node.logText().contains("OutOfMemoryError"), node.logText());
      HttpResponse<byte[]> back = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.httpPort
          + "/api/files/" + ids.get(7))).header("Authorization", "Bearer " + token).build(),
          HttpResponse.BodyHandlers.ofByteArray());
      assertEquals(200, back.statusCode());
      assertEquals(sha, HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(back.body())));
      ws.close();
    }
  }
}
