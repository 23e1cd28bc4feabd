package io.agentbus.support;

import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Test kit for fault tests: steady publishers, dev tokens, and what a record must show after a fault. */
public final class FaultKit {

  private FaultKit() {}

  public static String token(Http http, String user) {
    return http.post("/api/auth/token", "{\"userId\":\"" + user + "\"}", null).json().getString("token");
  }

  /** Publishes to a channel, waiting for each answer, until stopped; remembers what was acknowledged. */
  public static final class Publisher extends Thread {
    public final WsClient ws;
    final String channel;
    public final AtomicBoolean stop = new AtomicBoolean();
    public final Map<Long, String> acked = new ConcurrentHashMap<>();
    public int refused;

    public Publisher(WsClient ws, String channel) {
      this.ws = ws;
      this.channel = channel;
      setDaemon(true);
    }

    @Override
    public void run() {
      int n = 0;
      while (!stop.get()) {
        String content = getName() + "-" + n++;
        try {
          JsonObject r = ws.replyTo(ws.send(new JsonObject().put("type", "chat").put("channel", channel)
              .put("content", content)));
          if ("ack".equals(r.getString("type"))) {
            acked.put(r.getLong("seq"), content);
          } else {
            refused++;
          }
          Thread.sleep(40);
        } catch (Throwable e) {
          refused++;
        }
      }
    }
  }

  /** Seqs of the channel's messages a client received, in order of arrival. */
  public static List<Long> seqs(List<JsonObject> frames, String stream) {
    List<Long> out = new ArrayList<>();
    for (JsonObject f : frames) {
      if ("message".equals(f.getString("type")) && stream.equals(f.getString("stream"))) {
        out.add(f.getLong("seq"));
      }
    }
    return out;
  }

  /** What a survivor's record of a workflow must show: each completed step once, one end. */
  public static void assertNoStepRepeated(String workflowId, List<JsonObject> events) {
    Map<Integer, Integer> completions = new HashMap<>();
    Set<String> starts = new TreeSet<>();
    int ends = 0;
    for (JsonObject e : events) {
      switch (e.getString("type")) {
        case "agent_completed" -> completions.merge(e.getInteger("position"), 1, Integer::sum);
        case "agent_started" -> assertTrue(starts.add(e.getInteger("position") + "/" + e.getInteger("attempt")),
            "attempt " + e.getInteger("attempt") + " of position " + e.getInteger("position") + " started twice");
        case "workflow_completed", "workflow_failed", "cancelled" -> ends++;
        default -> { }
      }
    }
    completions.forEach((p, n) -> assertEquals(1, n, workflowId + ": position " + p + " completed " + n + " times"));
    assertEquals(1, ends, workflowId + ": exactly one terminal event");
  }

  public static void assertGapless(List<Long> seqs, long first, long atLeastTo, String who) {
    assertTrue(!seqs.isEmpty(), who + " received nothing");
    Set<Long> seen = new TreeSet<>();
    long prev = first - 1;
    for (long s : seqs) {
      assertTrue(seen.add(s), who + ": seq " + s + " twice");
      assertEquals(prev + 1, s, who + ": after " + prev + " came " + s);
      prev = s;
    }
    assertTrue(prev >= atLeastTo, who + " stopped at " + prev + ", before the last acknowledged " + atLeastTo);
  }
}
