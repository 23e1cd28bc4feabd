package io.agentbus.cli;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code publish}: one {@code POST /admin/bus} to a running node; prints its answer. */
@Command(name = "publish", mixinStandardHelpOptions = true,
    description = "Publish, send or request on the cluster's bus through a node's admin endpoint (POST /admin/bus).")
final class PublishCommand implements Callable<Integer> {

  @Option(names = "--url", defaultValue = "http://127.0.0.1:8080", description = "the node (default ${DEFAULT-VALUE})")
  String url;

  @Option(names = "--token", required = true,
      description = "the admin token (AGENTBUS_ADMIN_TOKEN) or an admin's JWT; or @ENV_VAR to read it from one")
  String token;

  @Option(names = "--address", required = true, description = "e.g. agentbus.channel.general")
  String address;

  @Option(names = "--body", required = true, description = "the message body, JSON")
  String body;

  @Option(names = "--mode", defaultValue = "publish", description = "publish, send or request (default ${DEFAULT-VALUE})")
  String mode;

  @Option(names = "--timeout-ms", description = "for request: how long to wait for the reply")
  Long timeoutMs;

  @Option(names = "--idempotency-key", description = "the same key again within the configured time stores nothing")
  String idempotencyKey;

  @Override
  public Integer call() throws Exception {
    Object parsed;
    try {
      parsed = Json.decodeValue(body);
    } catch (DecodeException e) {
      System.err.println("--body is not JSON: " + e.getMessage());
      return 2;
    }
    JsonObject call = new JsonObject().put("address", address).put("mode", mode).put("body", parsed);
    if (timeoutMs != null) {
      call.put("timeoutMs", timeoutMs);
    }
    if (idempotencyKey != null) {
      call.put("idempotencyKey", idempotencyKey);
    }
    HttpResponse<String> r = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()
        .send(HttpRequest.newBuilder(URI.create(url.replaceAll("/+$", "") + "/admin/bus"))
            .timeout(Duration.ofSeconds(45)).header("Authorization", "Bearer " + secret(token))
            .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(call.encode())).build(),
            HttpResponse.BodyHandlers.ofString());
    System.out.println(r.statusCode() + " " + r.body());
    return r.statusCode() / 100 == 2 ? 0 : 1;
  }

  /** A token given as {@code @NAME} is read from that environment variable (so it need not be in argv). */
  static String secret(String token) {
    if (token.startsWith("@")) {
      String v = System.getenv(token.substring(1));
      if (v == null) {
        throw new IllegalArgumentException("environment variable " + token.substring(1) + " is not set");
      }
      return v;
    }
    return token;
  }
}
