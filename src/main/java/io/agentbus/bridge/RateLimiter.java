package io.agentbus.bridge;

/** Token bucket per connection: {@code rate} frames a second sustained, {@code burst} at once. */
final class RateLimiter {

  private final double rate;
  private final double burst;
  private double tokens;
  private long lastNanos = System.nanoTime();
  /** Frames refused in a row; a flood past {@code burst} of them closes the connection. */
  int strikes;

  RateLimiter(int rate, int burst) {
    this.rate = rate;
    this.burst = burst;
    this.tokens = burst;
  }

  boolean tryAcquire() {
    long now = System.nanoTime();
    tokens = Math.min(burst, tokens + (now - lastNanos) / 1e9 * rate);
    lastNanos = now;
    if (tokens >= 1) {
      tokens -= 1;
      strikes = 0;
      return true;
    }
    strikes++;
    return false;
  }

  boolean flooding() {
    return strikes > burst;
  }
}
