package io.agentbus.bridge;

import io.agentbus.support.IntegrationTest;
import io.agentbus.support.TestCluster;
import io.agentbus.support.WsClient;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A client that stops reading cannot make the server buffer without bound, and loses nothing. */
@IntegrationTest
class SlowConsumerTest {

  @Test
  void aClientThatStopsReadingIsClosedWith4008AndResumesWithEverything() throws Exception {
    Map<String, String> env = Map.of("AGENTBUS_LIMITS_SEND_QUEUE_BYTES", "65536",
        "AGENTBUS_LIMITS_RATE_PER_SECOND", "100000", "AGENTBUS_LIMITS_RATE_BURST", "100000");
    try (TestCluster c = TestCluster.start(env, env)) {
      String token = c.token("reader");
      String writerToken = c.token("writer");
      assertEquals(201, c.http(0).post("/api/channels", "{\"name\":\"firehose\"}", token).status());
      WsClient slow = WsClient.authed(c, 0, token, null);
      String sub = slow.send(new JsonObject().put("type", "subscribe").put("channel", "firehose"));
      assertEquals(0, slow.replyTo(sub).getLong("seq"));
      slow.pause();

      String content = "z".repeat(15_000);
      AtomicBoolean stop = new AtomicBoolean();
      AtomicLong lastSeq = new AtomicLong();
      ExecutorService pool = Executors.newFixedThreadPool(4);
      List<Future<?>> writers = new ArrayList<>();
      for (int w = 0; w < 4; w++) {
        int node = w % 2;
        writers.add(pool.submit(() -> {
          try (WsClient pub = WsClient.authed(c, node, writerToken, null)) {
            for (int i = 0; i < 5000 && !stop.get(); i++) {
              String id = pub.send(new JsonObject().put("type", "chat").put("channel", "firehose").put("content", content));
              long seq = pub.replyTo(id).getLong("seq");
              lastSeq.accumulateAndGet(seq, Math::max);
            }
          }
          return null;
        }));
      }
      long deadline = System.currentTimeMillis() + 90_000;
      while (overflows(c) < 1 && System.currentTimeMillis() < deadline) {
        Thread.sleep(100);
      }
      stop.set(true);
      for (Future<?> f : writers) {
        f.get();
      }
      pool.shutdown();
      assertTrue(overflows(c) >= 1, "the paused client's queue overflowed");
      long published = lastSeq.get();

      // the slow client reads what reached it, then the 4008 close
      slow.resume();
      assertEquals(4008, slow.awaitClose());
      List<JsonObject> got = slow.drain(200).stream().filter(f -> "message".equals(f.getString("type"))).toList();
      for (int i = 0; i < got.size(); i++) {
        assertEquals(i + 1, got.get(i).getLong("seq"));
      }
      long resumeFrom = got.size();
      assertTrue(resumeFrom < published, "it was cut off before the end");

      // and recovers everything by resuming with lastSeq
      try (WsClient back = WsClient.authed(c, 1, token, null)) {
        back.send(new JsonObject().put("type", "subscribe").put("channel", "firehose").put("lastSeq", resumeFrom));
        List<JsonObject> rest = back.take("message", (int) (published - resumeFrom));
        for (int i = 0; i < rest.size(); i++) {
          assertEquals(resumeFrom + 1 + i, rest.get(i).getLong("seq"));
        }
      }
    }
  }

  private static long overflows(TestCluster c) {
    String text = c.http(0).get("/metrics", null).body();
    for (String line : text.split("\n")) {
      if (line.startsWith("agentbus_send_queue_overflows_total ")) {
        return (long) Double.parseDouble(line.substring(line.indexOf(' ') + 1).trim());
      }
    }
    throw new AssertionError("no overflow counter in /metrics");
  }
}
