package io.agentbus.uploads;

import io.agentbus.support.Http;
import io.agentbus.support.Multipart;
import io.agentbus.support.NoUnhandledExceptions;
import io.agentbus.support.TestFiles;
import io.agentbus.support.TwoNodeClusterTest;
import io.agentbus.support.WorkflowKit;
import io.agentbus.support.WsClient;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Uploads on two clustered nodes and real PostgreSQL: stored on one node, downloaded from the
 * other; every refusal of PROTOCOL §8 leaves no row, no chunk and no spool file.
 */
@ExtendWith(NoUnhandledExceptions.class)
class UploadsTest extends TwoNodeClusterTest {

  static Path spool;
  static final int MAX = 200_000;

  @BeforeAll
  static void start() throws Exception {
    spool = Files.createTempDirectory("agentbus-spool-test");
    startCluster(Map.of("AGENTBUS_UPLOADS_TMP_DIR", spool.toString(), "AGENTBUS_UPLOADS_MAX_FILE_BYTES",
        String.valueOf(MAX), "AGENTBUS_UPLOADS_QUOTA_BYTES", "900000",
        "AGENTBUS_ORCHESTRATOR_WORKFLOWS_FILE", WorkflowKit.testWorkflowsFile(),
        "AGENTBUS_ORCHESTRATOR_AGENT_KINDS", "ext=worker"));
  }

  static String sha256(byte[] b) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
  }

  static HttpResponse<byte[]> get(int node, String path, String token, String... headers) throws Exception {
    HttpRequest.Builder r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + cluster.port(node) + path))
        .header("Authorization", "Bearer " + token);
    for (int i = 0; i + 1 < headers.length; i += 2) {
      r.header(headers[i], headers[i + 1]);
    }
    return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build().send(r.build(),
        HttpResponse.BodyHandlers.ofByteArray());
  }

  private static void assertNothingLeft(long filesBefore, long chunksBefore) throws Exception {
    assertEquals(filesBefore, cluster.count("SELECT count(*) FROM files"), "no row left");
    assertEquals(chunksBefore, cluster.count("SELECT count(*) FROM file_chunks"), "no chunk left");
    Thread.sleep(200);
    try (Stream<Path> s = Files.walk(spool)) {
      assertEquals(0, s.filter(Files::isRegularFile).count(), "no spool file left");
    }
  }

  @Test
  void aFileUploadedOnOneNodeIsDownloadedFromTheOtherWithItsHeadersAndRanges() throws Exception {
    String session = "up-" + UUID.randomUUID();
    try (WsClient ws = WsClient.authed(cluster, 0, alice, session)) {
      // Uploads come over HTTP: the connection follows its session stream explicitly to see them.
      ws.replyTo(ws.send(new JsonObject().put("type", "subscribe").put("sessionId", session)));
      byte[] text = "line one\nline two\n".getBytes(StandardCharsets.UTF_8);
      byte[] image = TestFiles.png(8, 5);
      Http.Response r = new Multipart().field("sessionId", session).file("files", "notes.txt", "text/plain", text)
          .file("files", "pic.png", "image/png", image).post(cluster.port(0), alice);
      assertEquals(200, r.status(), r.body());
      JsonObject answer = r.json();
      assertEquals("success", answer.getString("status"));
      JsonObject t = answer.getJsonArray("files").getJsonObject(0);
      JsonObject p = answer.getJsonArray("files").getJsonObject(1);
      assertEquals("notes.txt", t.getString("originalName"));
      assertEquals("text/plain", t.getString("contentType"));
      assertEquals(text.length, t.getLong("size"));
      assertEquals(sha256(text), t.getString("sha256"));
      assertEquals(2, t.getJsonObject("processedContent").getLong("lines"));
      assertEquals("image", p.getJsonObject("processedContent").getString("type"));
      assertEquals(8, p.getJsonObject("processedContent").getInteger("width"));

      JsonObject event = ws.next(f -> "files_uploaded".equals(f.getString("type")), "files_uploaded");
      assertEquals(2, event.getJsonArray("files").size());

      HttpResponse<byte[]> d = get(1, "/api/files/" + p.getString("fileId"), alice);
      assertEquals(200, d.statusCode());
      assertEquals(sha256(image), sha256(d.body()));
      assertEquals("image/png", d.headers().firstValue("Content-Type").orElse(""));
      assertEquals("nosniff", d.headers().firstValue("X-Content-Type-Options").orElse(""));
      assertEquals("sandbox", d.headers().firstValue("Content-Security-Policy").orElse(""));
      assertTrue(d.headers().firstValue("Content-Disposition").orElse("").startsWith("attachment; filename*=UTF-8''pic.png"));

      HttpResponse<byte[]> part = get(1, "/api/files/" + t.getString("fileId"), alice, "Range", "bytes=5-7");
      assertEquals(206, part.statusCode());
      assertEquals("one", new String(part.body(), StandardCharsets.UTF_8));
      assertEquals("bytes 5-7/" + text.length, part.headers().firstValue("Content-Range").orElse(""));
      assertEquals(416, get(1, "/api/files/" + t.getString("fileId"), alice, "Range", "bytes=900-").statusCode());
      HttpResponse<byte[]> head = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build().send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + cluster.port(0) + "/api/files/" + p.getString("fileId")))
              .method("HEAD", HttpRequest.BodyPublishers.noBody()).header("Authorization", "Bearer " + alice).build(),
          HttpResponse.BodyHandlers.ofByteArray());
      assertEquals(200, head.statusCode());
      assertEquals(String.valueOf(image.length), head.headers().firstValue("Content-Length").orElse(""));
      assertEquals(0, head.body().length, "HEAD has no body");

      // Someone else: not found, the same as an unknown id.
      assertEquals(404, get(1, "/api/files/" + t.getString("fileId"), bob).statusCode());
      assertEquals(404, get(0, "/api/files/no-such-file", alice).statusCode());

      // Deleted by its owner: gone for everyone, its bytes too.
      assertEquals(403, cluster.http(1).request("DELETE", "/api/files/" + t.getString("fileId"), null,
          "Authorization", "Bearer " + bob).status());
      assertEquals(200, cluster.http(1).request("DELETE", "/api/files/" + t.getString("fileId"), null,
          "Authorization", "Bearer " + alice).status());
      assertEquals(404, get(0, "/api/files/" + t.getString("fileId"), alice).statusCode());
      assertEquals(0, cluster.count("SELECT count(*) FROM file_chunks WHERE file_id = $1", t.getString("fileId")));
    }
  }

  @Test
  void everyRefusalIsCodedAndLeavesNothing() throws Exception {
    String session = "refuse-" + UUID.randomUUID();
    cluster.http(0).get("/api/channels", alice); // a token that works
    long files = cluster.count("SELECT count(*) FROM files");
    long chunks = cluster.count("SELECT count(*) FROM file_chunks");
    int port = cluster.port(0);
    byte[] ok = "hello".getBytes(StandardCharsets.UTF_8);

    Http.Response renamed = new Multipart().field("sessionId", session).file("files", "report.pdf", "application/pdf",
        TestFiles.png(4, 4)).post(port, alice);
    assertError(renamed, 415, "UNSUPPORTED_MEDIA_TYPE");
    assertError(new Multipart().field("sessionId", session).file("files", "tool.exe", "application/octet-stream", ok)
        .post(port, alice), 415, "UNSUPPORTED_MEDIA_TYPE");
    assertError(new Multipart().field("sessionId", session).file("files", "big.txt", "text/plain",
        "x".repeat(MAX + 1).getBytes()).post(port, alice), 413, "PAYLOAD_TOO_LARGE");
    Multipart six = new Multipart().field("sessionId", session);
    for (int i = 0; i < 6; i++) {
      six.file("files", "f" + i + ".txt", "text/plain", ok);
    }
    assertError(six.post(port, alice), 413, "PAYLOAD_TOO_LARGE");
    assertError(new Multipart().field("sessionId", session).file("files", "a.txt", "text/plain", ok).post(port, null),
        401, "NOT_AUTHENTICATED");
    assertError(new Multipart().file("files", "a.txt", "text/plain", ok).post(port, alice), 400, "INVALID_MESSAGE");
    assertError(new Multipart().field("sessionId", session).post(port, alice), 400, "INVALID_MESSAGE");
    String bobs = "bobs-" + UUID.randomUUID();
    try (WsClient b = WsClient.authed(cluster, 1, bob, bobs)) {
      assertError(new Multipart().field("sessionId", bobs).file("files", "a.txt", "text/plain", ok).post(port, alice),
          403, "FORBIDDEN");
    }
    assertEquals(400, cluster.http(0).request("POST", "/api/upload", "{}", "Authorization", "Bearer " + alice,
        "Content-Type", "application/json").status());
    // Past the quota (900 000 bytes in this test): refused before anything is stored.
    Multipart heavy = new Multipart().field("sessionId", session);
    for (int i = 0; i < 5; i++) {
      heavy.file("files", "h" + i + ".txt", "text/plain", "y".repeat(MAX - 10).getBytes());
    }
    assertError(heavy.post(port, alice), 413, "PAYLOAD_TOO_LARGE");
    // A client that goes away mid-body.
    new Multipart().field("sessionId", session).file("files", "cut.txt", "text/plain", "z".repeat(100_000).getBytes())
        .abortAfter(port, alice, 30_000);
    assertNothingLeft(files, chunks);
  }

  @Test
  void namesAreDataAndABrokenFileIsStoredAsAnError() throws Exception {
    String session = "names-" + UUID.randomUUID();
    String evil = "../../etc/pass\u0007wd" + "n".repeat(1000) + ".txt";
    Http.Response r = new Multipart().field("sessionId", session).file("files", evil, "text/plain", "ok".getBytes())
        .file("files", "broken.pdf", "application/pdf", "%PDF-1.7\n1 0 obj garbage".getBytes()).post(cluster.port(1), alice);
    assertEquals(200, r.status(), r.body());
    JsonObject named = r.json().getJsonArray("files").getJsonObject(0);
    String stored = named.getString("originalName");
    assertFalse(stored.contains("/") || stored.contains("..") || stored.chars().anyMatch(Character::isISOControl), stored);
    assertTrue(stored.length() <= 255 && stored.endsWith(".txt"), stored);
    HttpResponse<byte[]> d = get(0, "/api/files/" + named.getString("fileId"), alice);
    assertEquals(200, d.statusCode());
    assertFalse(d.headers().firstValue("Content-Disposition").orElse("").contains("/"));
    JsonObject broken = r.json().getJsonArray("files").getJsonObject(1).getJsonObject("processedContent");
    assertEquals("error", broken.getString("type"), broken.encode());
    // A file name that is not UTF-8 at all, and a real PDF.
    byte[] latin1 = "caf\u00e9 r\u00e9sum\u00e9.pdf".getBytes(StandardCharsets.ISO_8859_1);
    Http.Response odd = new Multipart().field("sessionId", session)
        .fileRawName("files", latin1, "application/pdf", TestFiles.pdf("page one words")).post(cluster.port(0), alice);
    assertEquals(200, odd.status(), odd.body());
    JsonObject pdf = odd.json().getJsonArray("files").getJsonObject(0);
    assertEquals("pdf", pdf.getJsonObject("processedContent").getString("type"), pdf.encode());
    assertEquals(1, pdf.getJsonObject("processedContent").getInteger("pages"));
    HttpResponse<byte[]> pdfBack = get(1, "/api/files/" + pdf.getString("fileId"), alice);
    assertEquals(200, pdfBack.statusCode());
    assertTrue(pdfBack.headers().firstValue("Content-Disposition").orElse("").startsWith("attachment; filename*=UTF-8''"));
  }

  @Test
  void attachedFilesTravelWithMessagesAndReachAgents() throws Exception {
    String session = "att-" + UUID.randomUUID();
    try (WsClient ws = WsClient.authed(cluster, 0, alice, session);
         WsClient reader = WsClient.authed(cluster, 1, bob, null)) {
      reader.replyTo(reader.send(new JsonObject().put("type", "subscribe").put("channel", "general")));
      Http.Response up = new Multipart().field("sessionId", session)
          .file("files", "spec.md", "text/markdown", "# The spec\nBuild the parser first.\n".getBytes()).post(cluster.port(0), alice);
      assertEquals(200, up.status(), up.body());
      String fileId = up.json().getJsonArray("files").getJsonObject(0).getString("fileId");

      JsonObject ack = ws.replyTo(ws.send(new JsonObject().put("type", "chat").put("channel", "general")
          .put("content", "here is the spec").put("attachments", new io.vertx.core.json.JsonArray().add(fileId))));
      assertEquals("ack", ack.getString("type"), ack.encode());
      JsonObject message = reader.next(f -> "message".equals(f.getString("type"))
          && "here is the spec".equals(f.getString("content")), "the message");
      JsonObject meta = message.getJsonArray("attachments").getJsonObject(0);
      assertEquals("spec.md", meta.getString("originalName"));
      assertFalse(meta.containsKey("text"), "messages carry metadata, not the file's text");
      assertEquals(200, get(1, "/api/files/" + fileId, bob).statusCode(), "attached to a channel: its readers may download");

      JsonObject unknown = ws.replyTo(ws.send(new JsonObject().put("type", "chat").put("channel", "general")
          .put("content", "x").put("attachments", new io.vertx.core.json.JsonArray().add("no-such-file"))));
      assertEquals("NOT_FOUND", unknown.getString("code"), unknown.encode());

      JsonObject withFile = ws.replyTo(ws.send(new JsonObject().put("type", "user_input").put("content", "use it")
          .put("attachments", new io.vertx.core.json.JsonArray().add(fileId))));
      String wf2 = withFile.getString("workflowId");
      java.util.List<JsonObject> events2 = WorkflowKit.eventsUntilEnd(ws, wf2);
      JsonObject quoted = events2.stream().filter(e -> "agent_completed".equals(e.getString("type"))).findFirst().orElseThrow();
      String text = quoted.getJsonObject("outputs").getString("text");
      assertTrue(text.contains("spec.md") && text.contains("Build the parser first"), text);
      JsonObject started = events2.stream().filter(e -> "agent_started".equals(e.getString("type"))).findFirst().orElseThrow();
      JsonObject seen = started.getJsonObject("inputs").getJsonArray("attachments").getJsonObject(0);
      assertEquals("text", seen.getJsonObject("processedContent").getString("type"));
      assertFalse(seen.containsKey("text"), "events do not carry the file's text");
    }
  }

  @Test
  void filesSentWithAMentionAnAssignOrAParallelReachTheAgentsWithTheirText() throws Exception {
    String session = "entry-" + UUID.randomUUID();
    try (WsClient ws = WsClient.authed(cluster, 0, alice, session)) {
      ws.replyTo(ws.send(new JsonObject().put("type", "subscribe").put("channel", "general")));
      Http.Response up = new Multipart().field("sessionId", session)
          .file("files", "notes.md", "text/markdown", "# Notes\nThe answer is forty-two.\n".getBytes())
          .post(cluster.port(0), alice);
      assertEquals(200, up.status(), up.body());
      io.vertx.core.json.JsonArray files = new io.vertx.core.json.JsonArray()
          .add(up.json().getJsonArray("files").getJsonObject(0).getString("fileId"));

      // A mention: the agent's answer in the channel quotes what it read of the file.
      JsonObject asked = ws.replyTo(ws.send(new JsonObject().put("type", "chat").put("channel", "general")
          .put("content", "@code what do the notes say?").put("attachments", files)));
      assertEquals("ack", asked.getString("type"), asked.encode());
      JsonObject answer = WorkflowKit.last(WorkflowKit.agentAnswer(ws, asked.getString("messageId")));
      assertEquals("complete", answer.getString("status"), answer.encode());
      assertTrue(answer.getString("content").contains("The answer is forty-two"), answer.encode());

      // /assign and /parallel: the workflow's agents get the file.
      for (String command : java.util.List.of("/assign code \"read the notes\"", "/parallel \"@code read\" \"@qa check\"")) {
        JsonObject result = ws.replyTo(ws.send(new JsonObject().put("type", "chat").put("channel", "general")
            .put("content", command).put("attachments", files)));
        assertTrue(result.getBoolean("ok"), result.encode());
        String wf = result.getJsonObject("data").getString("workflowId");
        java.util.List<JsonObject> events = WorkflowKit.eventsUntilEnd(ws, wf);
        java.util.List<JsonObject> done = events.stream().filter(e -> "agent_completed".equals(e.getString("type"))).toList();
        assertFalse(done.isEmpty(), command + ": " + events);
        for (JsonObject c : done) {
          assertTrue(c.getJsonObject("outputs").getString("text").contains("The answer is forty-two"),
              command + ": " + c.encode());
        }
      }
    }
  }

  @Test
  void anExternalWorkerGetsTheProcessedContentAndTextOfTheWorkflowsFiles() throws Exception {
    String session = "worker-" + UUID.randomUUID();
    try (WsClient ws = WsClient.authed(cluster, 0, alice, session);
         WsClient worker = WsClient.authed(cluster, 1, cluster.token("w1", "agent"), null)) {
      JsonObject reg = worker.replyTo(worker.send(new JsonObject().put("type", "agent_register")
          .put("roles", new io.vertx.core.json.JsonArray().add("ext")).put("capacity", 1)));
      assertEquals("agent_registered", reg.getString("type"), reg.encode());
      Http.Response up = new Multipart().field("sessionId", session)
          .file("files", "table.csv", "text/csv", "city,people\nOslo,700000\nBergen,290000\n".getBytes())
          .post(cluster.port(1), alice);
      assertEquals(200, up.status(), up.body());
      String fileId = up.json().getJsonArray("files").getJsonObject(0).getString("fileId");
      JsonObject started = ws.replyTo(ws.send(new JsonObject().put("type", "user_input").put("workflow", "external")
          .put("content", "count the people").put("attachments", new io.vertx.core.json.JsonArray().add(fileId))));
      assertEquals("ack", started.getString("type"), started.encode());
      JsonObject task = worker.next("task");
      JsonObject file = task.getJsonObject("input").getJsonArray("attachments").getJsonObject(0);
      assertEquals("table.csv", file.getString("originalName"));
      assertEquals("csv", file.getJsonObject("processedContent").getString("type"));
      assertEquals(2, file.getJsonObject("processedContent").getLong("rows"));
      assertTrue(file.getString("text").contains("Bergen,290000"), file.encode());
      worker.send(new JsonObject().put("type", "task_result").put("taskId", task.getString("taskId"))
          .put("outputs", new JsonObject().put("text", "990000 people")));
      java.util.List<JsonObject> events = WorkflowKit.eventsUntilEnd(ws, started.getString("workflowId"));
      assertEquals("workflow_completed", events.get(events.size() - 1).getString("type"));
    }
  }

  @Test
  void aDeletedFileIsShownAsRemovedWhereItWasAttached() throws Exception {
    String session = "del-" + UUID.randomUUID();
    String channel = "files-" + (System.nanoTime() % 100000);
    assertEquals(201, cluster.http(0).post("/api/channels", new JsonObject().put("name", channel).encode(), alice).status());
    try (WsClient ws = WsClient.authed(cluster, 0, alice, session)) {
      Http.Response up = new Multipart().field("sessionId", session).file("files", "old.txt", "text/plain",
          "soon gone".getBytes()).post(cluster.port(0), alice);
      String fileId = up.json().getJsonArray("files").getJsonObject(0).getString("fileId");
      ws.replyTo(ws.send(new JsonObject().put("type", "chat").put("channel", channel).put("content", "see file")
          .put("attachments", new io.vertx.core.json.JsonArray().add(fileId))));
      assertEquals(200, cluster.http(0).request("DELETE", "/api/files/" + fileId, null, "Authorization",
          "Bearer " + alice).status());
      JsonObject history = cluster.http(1).get("/api/channels/" + channel + "/messages", bob).json();
      JsonObject att = history.getJsonArray("messages").getJsonObject(0).getJsonArray("attachments").getJsonObject(0);
      assertEquals(fileId, att.getString("fileId"));
      assertEquals(true, att.getBoolean("removed"), history.encode());
    }
  }

  private static void assertError(Http.Response r, int status, String code) {
    assertEquals(status, r.status(), r.body());
    assertEquals(code, r.json().getString("code"), r.body());
  }
}
