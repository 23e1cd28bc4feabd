package io.agentbus.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Test hosts on one machine: one Linux network namespace per node, each with a veth into a bridge
 * in the test's own namespace, on a /24 of its own (10.77.N.0, N drawn per run). The test process
 * is host {@code .1} on that bridge, so it reaches every node, and forwards PostgreSQL there
 * ({@link PgGate}). A partition is made with blackhole routes inside the namespaces (no iptables
 * needed): packets between the two sides are dropped both ways, while each side still reaches the
 * test host and PostgreSQL. Everything is made by this test run and removed by {@link #close}.
 *
 * <p>Needs root (CAP_NET_ADMIN) and {@code ip} from iproute2: {@link #unavailable} says why not.
 */
public final class Netns implements AutoCloseable {

  private final String prefix = "ab" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0xffff));
  private final int subnet = ThreadLocalRandom.current().nextInt(10, 250);
  private final String bridge = prefix + "br";
  private final List<String> namespaces = new ArrayList<>();
  private final List<String[]> blackholes = new ArrayList<>();

  private Netns() {}

  /** Null when namespaces can be made here, else why not (to skip with). */
  public static String unavailable() {
    String probe = "abprobe" + ThreadLocalRandom.current().nextInt(1000);
    try {
      Result r = run("ip", "netns", "add", probe);
      if (r.code != 0) {
        return "network namespaces cannot be made here (needs root and iproute2): " + r.out.trim();
      }
      run("ip", "netns", "del", probe);
      return null;
    } catch (IOException e) {
      return "no 'ip' command (iproute2): " + e.getMessage();
    }
  }

  /** A bridge with the test host on it and {@code hosts} namespaces attached. */
  public static Netns create(int hosts) {
    Netns n = new Netns();
    try {
      n.must("ip", "link", "add", n.bridge, "type", "bridge");
      n.must("ip", "addr", "add", n.testHost() + "/24", "dev", n.bridge);
      n.must("ip", "link", "set", n.bridge, "up");
      for (int i = 0; i < hosts; i++) {
        String ns = n.prefix + "n" + i;
        String outer = n.prefix + "v" + i;
        String inner = n.prefix + "p" + i;
        n.must("ip", "netns", "add", ns);
        n.namespaces.add(ns);
        n.must("ip", "link", "add", outer, "type", "veth", "peer", "name", inner);
        n.must("ip", "link", "set", inner, "netns", ns);
        n.must("ip", "link", "set", outer, "master", n.bridge, "up");
        n.must("ip", "netns", "exec", ns, "ip", "addr", "add", n.host(i) + "/24", "dev", inner);
        n.must("ip", "netns", "exec", ns, "ip", "link", "set", inner, "up");
        n.must("ip", "netns", "exec", ns, "ip", "link", "set", "lo", "up");
      }
      return n;
    } catch (RuntimeException e) {
      n.close();
      throw e;
    }
  }

  /** The test process's address on the bridge (where it serves PostgreSQL to the nodes). */
  public String testHost() {
    return "10.77." + subnet + ".1";
  }

  /** Host {@code i}'s address. */
  public String host(int i) {
    return "10.77." + subnet + "." + (10 + i);
  }

  /** Host {@code i}'s namespace name (for {@code ip netns exec}). */
  public String namespace(int i) {
    return namespaces.get(i);
  }

  /** Cuts every host of {@code a} from every host of {@code b}, both ways; each still reaches the test host. */
  public void partition(List<Integer> a, List<Integer> b) {
    for (int x : a) {
      for (int y : b) {
        blackhole(x, y);
        blackhole(y, x);
      }
    }
  }

  /** Ends every partition. */
  public void heal() {
    for (String[] bh : new ArrayList<>(blackholes)) {
      must("ip", "netns", "exec", bh[0], "ip", "route", "del", "blackhole", bh[1] + "/32");
      blackholes.remove(bh);
    }
  }

  private void blackhole(int from, int to) {
    String ns = namespace(from);
    must("ip", "netns", "exec", ns, "ip", "route", "add", "blackhole", host(to) + "/32");
    blackholes.add(new String[] {ns, host(to)});
  }

  @Override
  public void close() {
    for (String ns : namespaces) {
      try {
        run("ip", "netns", "del", ns); // its veth end goes with it, and so the pair
      } catch (IOException ignored) {
        // best effort
      }
    }
    try {
      run("ip", "link", "del", bridge);
    } catch (IOException ignored) {
      // best effort
    }
  }

  private record Result(int code, String out) {}

  private void must(String... cmd) {
    try {
      Result r = run(cmd);
      if (r.code != 0) {
        throw new IllegalStateException(String.join(" ", cmd) + " failed (" + r.code + "): " + r.out.trim());
      }
    } catch (IOException e) {
      throw new IllegalStateException(String.join(" ", cmd) + ": " + e.getMessage(), e);
    }
  }

  private static Result run(String... cmd) throws IOException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    try {
      if (!p.waitFor(20, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return new Result(-1, "timed out");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Result(-1, "interrupted");
    }
    return new Result(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
  }
}
