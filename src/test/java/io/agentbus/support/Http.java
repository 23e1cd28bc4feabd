package io.agentbus.support;

import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A plain JDK HTTP client against one node. */
public final class Http {

  private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
  private final int port;
  private final String host;

  public record Response(int status, String body, java.net.http.HttpHeaders headers) {
    public Response(int status, String body) {
      this(status, body, java.net.http.HttpHeaders.of(java.util.Map.of(), (a, b) -> true));
    }

    public JsonObject json() {
      return new JsonObject(body);
    }

    /** A response header's first value, or null. */
    public String header(String name) {
      return headers.firstValue(name).orElse(null);
    }
  }

  Http(int port) {
    this(TestCluster.HOST, port);
  }

  /** A node at another address (one in a test namespace, {@link Netns}). */
  public Http(String host, int port) {
    this.host = host;
    this.port = port;
  }

  public Response get(String path, String token) {
    return send(builder(path, token).GET());
  }

  public Response post(String path, String body, String token) {
    return send(builder(path, token).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)));
  }

  /** Any request: {@code headers} as name, value pairs. */
  public Response request(String method, String path, String body, String... headers) {
    HttpRequest.Builder b = builder(path, null).method(method,
        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    for (int i = 0; i + 1 < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return send(b);
  }

  private HttpRequest.Builder builder(String path, String token) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://" + host + ":" + port + path))
        .timeout(Duration.ofSeconds(15));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return b;
  }

  private static Response send(HttpRequest.Builder b) {
    try {
      HttpResponse<String> r = CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
      return new Response(r.statusCode(), r.body(), r.headers());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
