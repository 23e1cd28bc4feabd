package io.agentbus.bridge.http;

import java.util.concurrent.ConcurrentHashMap;

/**
 * The per-user rate of HTTP writes (PROTOCOL §12): a token bucket per user with the same rate and
 * burst as a {@code /ws} connection, kept by this bridge instance (so per node with the default
 * single bridge instance). One user's bucket never refuses another user. Buckets full again are
 * dropped now and then, so the map holds only recent writers.
 */
final class UserRates {

  private final double rate;
  private final double burst;
  private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();
  private long lastSweep = System.nanoTime();

  UserRates(int rate, int burst) {
    this.rate = rate;
    this.burst = burst;
  }

  /** Takes one write for {@code user}: 0 when allowed, else the seconds to wait (at least 1). */
  long take(String user) {
    long now = System.nanoTime();
    sweep(now);
    long[] wait = {0};
    // Updated under the map's lock for this key.
    buckets.compute(user, (k, b) -> {
      Bucket s = b == null ? new Bucket(burst, now) : b;
      s.tokens = Math.min(burst, s.tokens + (now - s.last) / 1e9 * rate);
      s.last = now;
      if (s.tokens >= 1) {
        s.tokens -= 1;
      } else {
        wait[0] = Math.max(1, (long) Math.ceil((1 - s.tokens) / rate));
      }
      return s;
    });
    return wait[0];
  }

  private void sweep(long now) {
    if (now - lastSweep < 60_000_000_000L) {
      return;
    }
    lastSweep = now;
    buckets.values().removeIf(s -> s.tokens + (now - s.last) / 1e9 * rate >= burst);
  }

  private static final class Bucket {
    double tokens;
    long last;

    Bucket(double tokens, long last) {
      this.tokens = tokens;
      this.last = last;
    }
  }
}
