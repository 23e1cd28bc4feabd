package io.agentbus.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The peers of the fan-out figure, measured in the same run under the same load and with the same
 * client as agentbus's fan-out phase: N WebSocket subscribers of one room spread over the peer's
 * servers, publishers on each at R msgs/s in all, payloads of the same size. Peers:
 * <ul>
 *   <li><b>socketio</b>: Socket.IO 4.8, two Node.js processes with the Redis adapter and Debian's
 *   {@code redis-server} ({@code src/bench/peers/socketio}); nothing stored.</li>
 *   <li><b>netty</b>: {@link NettyFloor}, bare Netty writing pre-encoded frames — the JVM's floor.</li>
 *   <li><b>floor</b>: {@code src/bench/peers/floor/floor.c} built with gcc, one {@code write} per
 *   delivery — the physical floor.</li>
 * </ul>
 * CPU per delivery counts every process of the peer (both Node.js processes and Redis for
 * Socket.IO). Latency is publish → receipt on this JVM's clock. Each publisher numbers its
 * messages, so loss, duplicates and reordering are checked per publisher and subscriber.
 */
final class PeersPhase {

  /** One measured fan-out. */
  record Figures(String name, double cpuPerDeliveryUs, double deliveriesPerSec, LatencyHistogram latency, long lost,
      long dups, long outOfOrder) {
    String line() {
      return String.format("%.2f us CPU/delivery | %.0f deliveries/s | %s | lost/dup/ooo %d / %d / %d", cpuPerDeliveryUs,
          deliveriesPerSec, latency.summary(), lost, dups, outOfOrder);
    }
  }

  private static final byte[] SEQ = "\"seq\":".getBytes(StandardCharsets.UTF_8);
  private static final byte[] PUB = "\"p\":".getBytes(StandardCharsets.UTF_8);
  private static final byte[] STAMP = "\"content\":\"T".getBytes(StandardCharsets.UTF_8);

  private final Vertx vertx;
  private final WebSocketClient client;
  private final int subscribers;
  private final int rate;
  private final int duration;
  private final int warmup;
  private final int payload;
  private final int publishers;
  private final Path work;

  PeersPhase(Vertx vertx, WebSocketClient client, int subscribers, int rate, int duration, int warmup, int payload,
      int publishers) throws IOException {
    this.vertx = vertx;
    this.client = client;
    this.subscribers = subscribers;
    this.rate = rate;
    this.duration = duration;
    this.warmup = warmup;
    this.payload = payload;
    this.publishers = publishers;
    this.work = Files.createDirectories(Path.of("target", "bench")).toAbsolutePath();
  }

  /** Starts {@code peer}'s servers, measures, stops them. */
  Figures measure(String peer) throws Exception {
    List<Process> procs = new ArrayList<>();
    try {
      List<Integer> ports = start(peer, procs);
      return fanout(peer, ports, procs, peer.equals("socketio"));
    } finally {
      for (Process p : procs) {
        p.destroy();
        if (!p.waitFor(5, TimeUnit.SECONDS)) {
          p.destroyForcibly();
        }
      }
    }
  }

  private List<Integer> start(String peer, List<Process> procs) throws Exception {
    switch (peer) {
      case "floor" -> {
        Path bin = work.resolve("floor");
        run(List.of("gcc", "-O2", "-o", bin.toString(), Path.of("src/bench/peers/floor/floor.c").toAbsolutePath().toString()),
            null);
        int port = NodeProcess.freePort();
        procs.add(spawn(List.of(bin.toString(), String.valueOf(port)), null, "floor"));
        return awaitListening(List.of(port));
      }
      case "netty" -> {
        int port = NodeProcess.freePort();
        procs.add(spawn(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xms64m", "-Xmx512m",
            "-XX:+UseG1GC", "-cp", System.getProperty("java.class.path"), NettyFloor.class.getName(), String.valueOf(port)),
            null, "netty"));
        return awaitListening(List.of(port));
      }
      case "socketio" -> {
        Path dir = Path.of("src/bench/peers/socketio").toAbsolutePath();
        if (!Files.isDirectory(dir.resolve("node_modules"))) {
          run(List.of("npm", "ci", "--no-audit", "--no-fund"), dir);
        }
        int redis = NodeProcess.freePort();
        procs.add(spawn(List.of("redis-server", "--port", String.valueOf(redis), "--bind", "127.0.0.1", "--save", "",
            "--appendonly", "no"), null, "redis"));
        awaitListening(List.of(redis));
        List<Integer> ports = List.of(NodeProcess.freePort(), NodeProcess.freePort());
        for (int i = 0; i < 2; i++) {
          procs.add(spawn(List.of("node", "server.js", String.valueOf(ports.get(i)), String.valueOf(redis)), dir,
              "socketio" + i));
        }
        return awaitListening(ports);
      }
      default -> throw new IllegalArgumentException("unknown peer " + peer + " (socketio, netty, floor)");
    }
  }

  private void run(List<String> cmd, Path dir) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(work.resolve("peers-build.log").toFile());
    if (dir != null) {
      pb.directory(dir.toFile());
    }
    int rc = pb.start().waitFor();
    if (rc != 0) {
      throw new IllegalStateException(cmd + " exited " + rc + "; see target/bench/peers-build.log");
    }
  }

  private Process spawn(List<String> cmd, Path dir, String log) throws IOException {
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(work.resolve(log + ".log").toFile());
    if (dir != null) {
      pb.directory(dir.toFile());
    }
    return pb.start();
  }

  private static List<Integer> awaitListening(List<Integer> ports) throws InterruptedException {
    long until = System.currentTimeMillis() + 30_000;
    for (int port : ports) {
      while (true) {
        try (Socket s = new Socket("127.0.0.1", port)) {
          break;
        } catch (IOException e) {
          if (System.currentTimeMillis() > until) {
            throw new IllegalStateException("nothing listens on " + port + " after 30 s");
          }
          Thread.sleep(100);
        }
      }
    }
    return ports;
  }

  // ---------------------------------------------------------------- the load

  /** Per-subscriber state, touched only on its connection's event loop. */
  private static final class Sub {
    final long[] last;
    long received;
    long dups;
    long outOfOrder;

    Sub(int publishers) {
      last = new long[publishers];
    }
  }

  private Figures fanout(String name, List<Integer> ports, List<Process> procs, boolean sio) throws Exception {
    System.out.printf("  %s: %d subscribers over %d server(s) ...%n", name, subscribers, ports.size());
    LatencyHistogram latency = new LatencyHistogram();
    AtomicLong windowStart = new AtomicLong(Long.MAX_VALUE);
    AtomicLong windowEnd = new AtomicLong(Long.MAX_VALUE);
    List<Sub> subs = new ArrayList<>();
    List<WebSocket> sockets = new ArrayList<>();
    for (int i = 0; i < subscribers; i++) {
      subs.add(new Sub(publishers));
    }
    for (int start = 0; start < subscribers; start += 100) {
      List<Future<WebSocket>> batch = new ArrayList<>();
      for (int i = start; i < Math.min(subscribers, start + 100); i++) {
        Sub st = subs.get(i);
        batch.add(connect(ports.get(i % ports.size()), sio, true, buf -> {
          byte[] b = buf.getBytes();
          long seq = Benchmark.scanLong(b, SEQ);
          long p = Benchmark.scanLong(b, PUB);
          if (seq < 0 || p < 0 || p >= publishers) {
            return;
          }
          int pi = (int) p;
          if (seq <= st.last[pi]) {
            st.dups++;
            return;
          }
          if (seq != st.last[pi] + 1) {
            st.outOfOrder++;
          }
          st.last[pi] = seq;
          st.received++;
          long sent = Benchmark.scanLong(b, STAMP);
          if (sent >= windowStart.get() && sent < windowEnd.get()) {
            latency.record((System.nanoTime() - sent) / 1000);
          }
        }));
      }
      Future.all(batch).await();
      batch.forEach(f -> sockets.add(f.result()));
    }
    List<WebSocket> pubs = new ArrayList<>();
    for (int p = 0; p < publishers; p++) {
      pubs.add(connect(ports.get(p % ports.size()), sio, false, buf -> { }).await());
    }
    String padding = "x".repeat(Math.max(0, payload - 45));
    double perPubPerTick = rate / (double) publishers / 100.0;
    double[] credit = new double[publishers];
    long[] seq = new long[publishers];
    long[] timers = new long[publishers];
    for (int p = 0; p < publishers; p++) {
      int idx = p;
      WebSocket ws = pubs.get(p);
      timers[p] = vertx.setPeriodic(10, id -> {
        credit[idx] += perPubPerTick;
        while (credit[idx] >= 1) {
          credit[idx] -= 1;
          String msg = "{\"p\":" + idx + ",\"seq\":" + (++seq[idx]) + ",\"content\":\"T" + System.nanoTime() + ";" + padding
              + "\"}";
          ws.writeTextMessage(sio ? "42[\"pub\",{\"room\":\"bench\",\"msg\":" + msg + "}]" : msg);
        }
      });
    }
    Thread.sleep(warmup * 1000L);
    double cpu0 = cpu(procs);
    long before = received(subs);
    windowStart.set(System.nanoTime());
    windowEnd.set(windowStart.get() + duration * 1_000_000_000L);
    Thread.sleep(duration * 1000L);
    double cpu1 = cpu(procs);
    long inWindow = received(subs) - before;
    for (long t : timers) {
      vertx.cancelTimer(t);
    }
    long until = System.currentTimeMillis() + 10_000;
    Thread.sleep(500);
    while (System.currentTimeMillis() < until && !caughtUp(subs, seq)) {
      Thread.sleep(100);
    }
    long sent = 0;
    for (long s : seq) {
      sent += s;
    }
    long lost = 0;
    long dups = 0;
    long ooo = 0;
    for (Sub st : subs) {
      lost += Math.max(0, sent - st.received);
      dups += st.dups;
      ooo += st.outOfOrder;
    }
    for (WebSocket ws : sockets) {
      ws.close();
    }
    for (WebSocket ws : pubs) {
      ws.close();
    }
    Thread.sleep(1000);
    Figures f = new Figures(name, (cpu1 - cpu0) / Math.max(1, inWindow) * 1e6, inWindow / (double) duration, latency, lost,
        dups, ooo);
    System.out.printf("  %-9s %s%n", name, f.line());
    return f;
  }

  private static double cpu(List<Process> procs) {
    double s = 0;
    for (Process p : procs) {
      s += ProcStats.cpuSeconds(p.pid());
    }
    return s;
  }

  private static long received(List<Sub> subs) {
    long n = 0;
    for (Sub s : subs) {
      n += s.received;
    }
    return n;
  }

  private static boolean caughtUp(List<Sub> subs, long[] seq) {
    for (Sub s : subs) {
      for (int p = 0; p < seq.length; p++) {
        if (s.last[p] < seq[p]) {
          return false;
        }
      }
    }
    return true;
  }

  /**
   * Connects a subscriber (ready once the server confirms it) or a publisher. Socket.IO speaks
   * Engine.IO 4 over the WebSocket: open {@code 0{…}}, connect {@code 40}, events {@code 42[…]},
   * and a ping {@code 2} the client must answer with {@code 3}.
   */
  private Future<WebSocket> connect(int port, boolean sio, boolean subscriber, java.util.function.Consumer<Buffer> onData) {
    Promise<WebSocket> ready = Promise.promise();
    ClientWebSocket ws = client.webSocket();
    ws.handler(buf -> {
      if (sio && !(buf.length() > 6 && buf.getByte(4) == 'm' && buf.getByte(3) == '"' && buf.getByte(0) == '4')) {
        String s = buf.toString(StandardCharsets.UTF_8);
        if (s.equals("2")) {
          ws.writeTextMessage("3");
          return;
        }
        if (s.startsWith("0{")) {
          ws.writeTextMessage("40");
          return;
        }
        if (s.startsWith("40")) {
          if (subscriber) {
            ws.writeTextMessage("42[\"join\",\"bench\"]");
          } else {
            ready.tryComplete(ws);
          }
          return;
        }
        if (s.startsWith("42[\"subscribed\"")) {
          ready.tryComplete(ws);
        }
        return;
      } else if (!ready.future().isComplete()) {
        ready.tryComplete(ws); // {"type":"subscribed"}
        return;
      }
      onData.accept(buf);
    });
    String uri = sio ? "/socket.io/?EIO=4&transport=websocket" : subscriber ? "/sub" : "/pub";
    ws.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI(uri))
        .onSuccess(x -> {
          if (!sio && !subscriber) {
            ready.tryComplete(ws);
          }
        })
        .onFailure(ready::tryFail);
    return ready.future();
  }

  /** Lines comparing agentbus's fan-out with each peer measured in the same run. */
  static void compare(Map<String, String> results, double agentbusCpuUs, double agentbusP99Ms, List<Figures> peers) {
    for (Figures f : peers) {
      results.put("peers " + f.name(), f.line());
    }
    for (Figures f : peers) {
      double ratio = agentbusCpuUs / f.cpuPerDeliveryUs();
      results.put("peers agentbus CPU/delivery vs " + f.name(), String.format("%.2fx %s (%.2f vs %.2f us); p99 %.1f vs %.1f ms",
          ratio >= 1 ? ratio : 1 / ratio, ratio >= 1 ? "more" : "less", agentbusCpuUs, f.cpuPerDeliveryUs(), agentbusP99Ms,
          f.latency().percentileMs(0.99)));
    }
  }
}
