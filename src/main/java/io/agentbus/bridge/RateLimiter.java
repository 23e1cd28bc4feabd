package io.agentbus.bridge;

/**
 * A token bucket: {@code rate} a second sustained, {@code burst} at once — one per {@code /ws}
 * connection (frames) and one per user for HTTP writes ({@code http.UserRates}). Not thread-safe.
 */
public final class RateLimiter {

  private final double rate;
  private final double burst;
  private double tokens;
  private long lastNanos = System.nanoTime();
  /** Frames refused in the current one-second window; more than {@code burst} of them is a flood. */
  int strikes;
  private long windowStart = System.nanoTime();

  public RateLimiter(int rate, int burst) {
    this.rate = rate;
    this.burst = burst;
    this.tokens = burst;
  }

  public boolean tryAcquire() {
    long now = System.nanoTime();
    tokens = Math.min(burst, tokens + (now - lastNanos) / 1e9 * rate);
    lastNanos = now;
    if (now - windowStart > 1_000_000_000L) {
      windowStart = now;
      strikes = 0;
    }
    if (tokens >= 1) {
      tokens -= 1;
      return true;
    }
    strikes++;
    return false;
  }

  public boolean flooding() {
    return strikes > burst;
  }

  /** Whole seconds until the next token (at least 1): the {@code Retry-After} of a refusal. */
  public long secondsToNext() {
    return Math.max(1, (long) Math.ceil((1 - tokens) / rate));
  }

  /** Full again by {@code nanos} ({@link System#nanoTime}): nothing is lost by forgetting it. */
  public boolean fullAt(long nanos) {
    return tokens + (nanos - lastNanos) / 1e9 * rate >= burst;
  }
}
