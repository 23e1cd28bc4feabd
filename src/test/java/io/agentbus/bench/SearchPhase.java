package io.agentbus.bench;

import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.URLEncoder;
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
import java.util.concurrent.ThreadLocalRandom;

/**
 * {@code --phases search}: {@code --search-messages} (default 1 M) stored messages in ten
 * channels, then {@code GET /api/search} through a node, one query at a time, for words of every
 * frequency. The messages are written by SQL into the node's own schema (the same table and index
 * the trigger of migration V7 fills), since posting a million through the API would measure the
 * writer instead (the persist phase measures that). Words follow a Zipf-like law over a vocabulary of 8 000 made-up words, so a
 * query may match a handful of messages or a fifth of them; the latency is reported per class of
 * how many messages the query matches, as the class decides the cost (ranking reads every match).
 */
final class SearchPhase {

  private static final String[] SYLLABLES = {"ka", "lo", "mi", "ne", "ru", "sa", "ti", "vo", "be", "da", "fi", "go",
      "hu", "ja", "ke", "lu", "mo", "ni", "po", "ze"};
  private final int messages;
  private final int queries;
  private final Map<String, String> results;
  private final String db = "agentbus_search_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);

  SearchPhase(int messages, int queries, Map<String, String> results) {
    this.messages = messages;
    this.queries = queries;
    this.results = results;
  }

  /** Word n of the vocabulary: three syllables from n's base-20 digits. */
  static String word(int n) {
    return SYLLABLES[n % 20] + SYLLABLES[(n / 20) % 20] + SYLLABLES[(n / 400) % 20];
  }

  void run() throws Exception {
    System.out.println();
    System.out.printf("== phase: search (%,d messages, %d queries) ==%n", messages, queries);
    Path logs = Files.createDirectories(Path.of("target", "bench"));
    int port = NodeProcess.freePort();
    Map<String, String> env = new HashMap<>();
    env.put("AGENTBUS_DB_URL", "postgresql://postgres@127.0.0.1:5432/" + db);
    env.put("AGENTBUS_CLUSTER_NAME", "agentbus-search-" + db);
    int hz = 37000 + ThreadLocalRandom.current().nextInt(500) * 4;
    env.put("AGENTBUS_CLUSTER_PORT", String.valueOf(hz));
    env.put("AGENTBUS_CLUSTER_MEMBERS", "127.0.0.1:" + hz);
    env.put("AGENTBUS_HTTP_PORT", String.valueOf(port));
    env.put("AGENTBUS_HTTP_HOST", "127.0.0.1");
    env.put("AGENTBUS_JWT_SECRET", UUID.randomUUID() + "-" + UUID.randomUUID());
    NodeProcess node = new NodeProcess(NodeProcess.jar(), env, port, "256m", List.of(), logs.resolve("search-node.log"),
        null);
    io.vertx.core.Vertx vertx = io.vertx.core.Vertx.vertx();
    try {
      node.awaitHealthy(1, 90_000);
      long t0 = System.nanoTime();
      load(vertx);
      double loadS = (System.nanoTime() - t0) / 1e9;
      String token = new JsonObject(node.post("/api/auth/token", "{\"userId\":\"bench\"}", null)).getString("token");
      HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      // Query classes by the rank of their word in the Zipf law (0 = most common).
      Map<String, int[]> classes = new java.util.LinkedHashMap<>();
      classes.put("rare word (rank 2000-7999)", new int[] {2000, 7999});
      classes.put("mid word (rank 200-1999)", new int[] {200, 1999});
      classes.put("common word (rank 20-199)", new int[] {20, 199});
      classes.put("top word (rank 0-19)", new int[] {0, 19});
      classes.put("two words, AND", null);
      for (int warm = 0; warm < 50; warm++) {
        search(http, port, token, word(ThreadLocalRandom.current().nextInt(8000)));
      }
      List<Long> all = new ArrayList<>();
      for (Map.Entry<String, int[]> c : classes.entrySet()) {
        long[] ms = new long[queries];
        long hits = 0;
        for (int i = 0; i < queries; i++) {
          ThreadLocalRandom r = ThreadLocalRandom.current();
          String q = c.getValue() == null ? word(r.nextInt(20, 400)) + " " + word(r.nextInt(20, 400))
              : word(r.nextInt(c.getValue()[0], c.getValue()[1] + 1));
          long s = System.nanoTime();
          JsonObject res = search(http, port, token, q);
          ms[i] = (System.nanoTime() - s) / 1000;
          hits += res.getJsonArray("results").size();
        }
        Arrays.sort(ms);
        for (long m : ms) {
          all.add(m);
        }
        results.put("search p50/p99, " + c.getKey(), String.format("%.1f / %.1f ms (%d queries, %.1f results a page)",
            ms[ms.length / 2] / 1000.0, ms[(int) Math.ceil(ms.length * 0.99) - 1] / 1000.0, queries,
            hits / (double) queries));
      }
      all.sort(Long::compare);
      results.put("search p99, all queries", String.format("%.1f ms over %,d stored messages (loaded in %.0f s)",
          all.get((int) Math.ceil(all.size() * 0.99) - 1) / 1000.0, messages, loadS));
    } finally {
      node.close();
      NodeProcess.dropDatabase(vertx, db);
      vertx.close().await();
    }
  }

  private static JsonObject search(HttpClient http, int port, String token, String q) throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/search?limit=20&q="
            + URLEncoder.encode(q, StandardCharsets.UTF_8))).timeout(Duration.ofSeconds(30))
        .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IllegalStateException("search answered " + r.statusCode() + ": " + r.body());
    }
    return new JsonObject(r.body());
  }

  /**
   * Fills {@code messages} in batches of 100 k rows, each message 8 to 15 words, word ranks drawn
   * as 8000 × u³ (u uniform), so low ranks are frequent (rank 0 is in about 45 % of messages). The
   * text index is dropped for the load and built once after it (as a bulk import would), with the
   * same definition as migration V7's.
   */
  private void load(io.vertx.core.Vertx vertx) {
    io.vertx.sqlclient.Pool pool = io.vertx.pgclient.PgBuilder.pool()
        .connectingTo(io.vertx.pgclient.PgConnectOptions.fromUri("postgresql://postgres@127.0.0.1:5432/" + db))
        .with(new io.vertx.sqlclient.PoolOptions().setMaxSize(1)).using(vertx).build();
    try {
      StringBuilder syl = new StringBuilder("'{");
      for (int i = 0; i < SYLLABLES.length; i++) {
        syl.append(i == 0 ? "" : ",").append(SYLLABLES[i]);
      }
      String s = syl.append("}'::text[]").toString();
      pool.query("DROP INDEX messages_search").execute().await();
      int batch = 100_000;
      for (int from = 1; from <= messages; from += batch) {
        int to = Math.min(messages, from + batch - 1);
        pool.query("INSERT INTO messages (message_id, channel, seq, author_id, content, frame) "
            + "SELECT 'bench-' || g, 'general', g, 'user' || (g % 50), c, "
            + "jsonb_build_object('type', 'message', 'messageId', 'bench-' || g, 'channel', 'general', "
            + "'authorId', 'user' || (g % 50), 'authorType', 'user', 'content', c) "
            + "FROM (SELECT g, (SELECT string_agg(s[1 + n % 20] || s[1 + (n / 20) % 20] || s[1 + (n / 400) % 20], ' ') "
            + "FROM (SELECT floor(8000 * power(random(), 3))::int AS n, " + s + " AS s "
            + "FROM generate_series(1, 8 + (g % 8)) k WHERE g > 0) z) AS c "
            + "FROM generate_series(" + from + ", " + to + ") g) x").execute().await();
        System.out.printf("  %,d messages stored%n", to);
      }
      pool.query("SET maintenance_work_mem = '256MB'").execute().await();
      pool.query("CREATE INDEX messages_search ON messages USING gin (search)").execute().await();
      pool.query("VACUUM ANALYZE messages").execute().await();
    } finally {
      pool.close().await();
    }
  }
}
