package io.agentbus.bench;

import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/**
 * The {@code idle} phase of {@link Benchmark}: {@code --idle} subscribed connections per node (or
 * all on node 0 with {@code --idle-one-node true}), spread over source addresses 127.0.0.1, .2, …
 * (25 000 each), each sending the JS client's heartbeat every {@code --idle-ping} seconds; then
 * RSS and live heap per connection and the node's CPU per connection per minute over a measured
 * minute.
 */
final class IdlePhase {

  private final Benchmark b;

  IdlePhase(Benchmark b) {
    this.b = b;
  }

  void run() throws Exception {
    System.out.println();
    System.out.println("== phase 2: idle connections ==");
    int nodeCount = b.idleOneNode ? 1 : 2;
    int total = b.idle * nodeCount;
    long[] rssBefore = new long[2];
    long[] heapBefore = new long[2];
    for (int i = 0; i < nodeCount; i++) {
      heapBefore[i] = b.nodes.get(i).heapAfterGc();
      rssBefore[i] = b.nodes.get(i).rssBytes();
    }
    // A source address per 25 000 connections: one address has about 28 000 ephemeral ports.
    List<WebSocketClient> sources = new ArrayList<>();
    for (int a = 0; a * 25_000 < total; a++) {
      sources.add(a == 0 ? b.client : b.vertx.createWebSocketClient(new WebSocketClientOptions().setMaxConnections(1_000_000)
          .setConnectTimeout(30_000).setLocalAddress("127.0.0." + (a + 1))));
    }
    LongAdder pongs = new LongAdder();
    long t0 = System.nanoTime();
    List<WebSocket> conns = b.inBatches(total, 200, i -> b.connectSubscribed(sources.get(i / 25_000), i % nodeCount, "general",
        buf -> {
          if (buf.length() < 80 && buf.toString(StandardCharsets.UTF_8).contains("\"pong\"")) {
            pongs.increment();
          }
        }));
    System.out.printf("  %d connections (%d per node, %d source addresses) subscribed in %.1f s%n", conns.size(), b.idle,
        sources.size(), (System.nanoTime() - t0) / 1e9);
    // Heartbeats spread evenly: every connection pings once per idlePingSeconds, as the JS client does.
    int[] next = {0};
    double perTick = conns.size() / (b.idlePingSeconds * 10.0);
    double[] credit = {0};
    long pinger = b.idlePingSeconds <= 0 ? -1 : b.vertx.setPeriodic(100, id -> {
      credit[0] += perTick;
      while (credit[0] >= 1) {
        credit[0] -= 1;
        conns.get(next[0]++ % conns.size()).writeTextMessage("{\"type\":\"ping\"}");
      }
    });
    Thread.sleep(Math.max(b.idleHold, 1) * 1000L);
    double[] cpu0 = new double[nodeCount];
    for (int i = 0; i < nodeCount; i++) {
      cpu0[i] = ProcStats.cpuSeconds(b.nodes.get(i).pid());
    }
    long pongs0 = pongs.sum();
    long h0 = System.nanoTime();
    Thread.sleep(60_000);
    double minutes = (System.nanoTime() - h0) / 60e9;
    long answered = pongs.sum() - pongs0;
    for (int i = 0; i < nodeCount; i++) {
      double cpu = ProcStats.cpuSeconds(b.nodes.get(i).pid()) - cpu0[i];
      long heap = b.nodes.get(i).heapAfterGc();
      long rss = b.nodes.get(i).rssBytes();
      String v = String.format("%.1f KB RSS/conn (RSS %d -> %d MiB), heap after GC %.1f KB/conn; heartbeat %.1f us CPU "
              + "per connection per minute (%.1f %% of a core, pings every %d s)",
          (rss - rssBefore[i]) / 1024.0 / b.idle, rssBefore[i] >> 20, rss >> 20, (heap - heapBefore[i]) / 1024.0 / b.idle,
          cpu / minutes / b.idle * 1e6, cpu / (minutes * 60) * 100, b.idlePingSeconds);
      System.out.printf("  node%d: %s%n", i, v);
      b.results.put("idle node" + i + " (" + b.idle + " conns)", v);
    }
    b.results.put("idle pongs in the measured minute", String.format("%d (%.0f expected)", answered,
        b.idlePingSeconds > 0 ? conns.size() * minutes * 60 / b.idlePingSeconds : 0));
    if (pinger >= 0) {
      b.vertx.cancelTimer(pinger);
    }
    b.closeAll(conns);
    for (WebSocketClient c : sources) {
      if (c != b.client) {
        c.close();
      }
    }
  }
}
