package io.agentbus.bridge.http;

import io.agentbus.bridge.RateLimiter;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The per-user rate of HTTP writes (PROTOCOL §12): a {@link RateLimiter} per user with the same rate
 * and burst as a {@code /ws} connection, kept by this bridge instance (so per node with the default
 * single bridge instance). One user's bucket never refuses another user. Buckets full again are
 * dropped now and then, so the map holds only recent writers.
 */
final class UserRates {

  private final int rate;
  private final int burst;
  private final ConcurrentHashMap<String, RateLimiter> buckets = new ConcurrentHashMap<>();
  private volatile long lastSweep = System.nanoTime();

  UserRates(int rate, int burst) {
    this.rate = rate;
    this.burst = burst;
  }

  /** Takes one write for {@code user}: 0 when allowed, else the seconds to wait (at least 1). */
  long take(String user) {
    long now = System.nanoTime();
    if (now - lastSweep >= 60_000_000_000L) {
      lastSweep = now;
      buckets.values().removeIf(b -> b.fullAt(now));
    }
    long[] wait = {0};
    // Under the map's lock for this key: a bucket is used by one thread at a time.
    buckets.compute(user, (k, b) -> {
      RateLimiter bucket = b == null ? new RateLimiter(rate, burst) : b;
      if (!bucket.tryAcquire()) {
        wait[0] = bucket.secondsToNext();
      }
      return bucket;
    });
    return wait[0];
  }
}
