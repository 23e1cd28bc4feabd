package io.agentbus.bridge.ws;

/** Token bucket per connection: {@code rate} frames a second sustained, {@code burst} at once. */
final class RateLimiter {

  private final double rate;
  private final double burst;
  private double tokens;
  private long lastNanos = System.nanoTime();
  /** Frames refused in the current one-second window; more than {@code burst} of them is a flood. */
  int strikes;
  private long windowStart = System.nanoTime();

  RateLimiter(int rate, int burst) {
    this.rate = rate;
    this.burst = burst;
    this.tokens = burst;
  }

  boolean tryAcquire() {
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

  boolean flooding() {
    return strikes > burst;
  }
}
