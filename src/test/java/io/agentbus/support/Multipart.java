package io.agentbus.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** A multipart/form-data body built by hand, as browsers send uploads. */
public final class Multipart {

  private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();
  private final String boundary = "----agentbus" + System.nanoTime();
  private final List<byte[]> parts = new ArrayList<>();

  public Multipart field(String name, String value) {
    parts.add(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name + "\"\r\n\r\n" + value + "\r\n")
        .getBytes(StandardCharsets.UTF_8));
    return this;
  }

  public Multipart file(String field, String filename, String contentType, byte[] data) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + field + "\"; filename=\"" + filename
        + "\"\r\nContent-Type: " + contentType + "\r\n\r\n").getBytes(StandardCharsets.UTF_8));
    b.writeBytes(data);
    b.writeBytes("\r\n".getBytes(StandardCharsets.UTF_8));
    parts.add(b.toByteArray());
    return this;
  }

  /** A file part whose filename is raw bytes (e.g. not UTF-8), as a hostile client may send. */
  public Multipart fileRawName(String field, byte[] filename, String contentType, byte[] data) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + field + "\"; filename=\"")
        .getBytes(StandardCharsets.UTF_8));
    b.writeBytes(filename);
    b.writeBytes(("\"\r\nContent-Type: " + contentType + "\r\n\r\n").getBytes(StandardCharsets.UTF_8));
    b.writeBytes(data);
    b.writeBytes("\r\n".getBytes(StandardCharsets.UTF_8));
    parts.add(b.toByteArray());
    return this;
  }

  public byte[] body() {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    parts.forEach(b::writeBytes);
    b.writeBytes(("--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
    return b.toByteArray();
  }

  public String contentType() {
    return "multipart/form-data; boundary=" + boundary;
  }

  /** POSTs it to {@code /api/upload} of the node on {@code port}. */
  public Http.Response post(int port, String token) {
    HttpRequest.Builder r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/upload"))
        .timeout(Duration.ofSeconds(60)).header("Content-Type", contentType())
        .POST(HttpRequest.BodyPublishers.ofByteArray(body()));
    if (token != null) {
      r.header("Authorization", "Bearer " + token);
    }
    try {
      HttpResponse<String> resp = CLIENT.send(r.build(), HttpResponse.BodyHandlers.ofString());
      return new Http.Response(resp.statusCode(), resp.body());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Sends the headers and the first {@code bytes} of the body, then drops the connection. */
  public void abortAfter(int port, String token, int bytes) throws IOException, InterruptedException {
    byte[] body = body();
    try (Socket s = new Socket("127.0.0.1", port)) {
      OutputStream out = s.getOutputStream();
      out.write(("POST /api/upload HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + token
          + "\r\nContent-Type: " + contentType() + "\r\nContent-Length: " + body.length + "\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      out.write(body, 0, Math.min(bytes, body.length));
      out.flush();
      Thread.sleep(300);
    }
  }
}
