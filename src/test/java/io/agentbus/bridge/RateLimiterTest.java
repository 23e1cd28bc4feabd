package io.agentbus.bridge;

import org.junit.jupiter.api.Test;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The per-connection token bucket: a burst at once, then the sustained rate; a flood is told apart. */
class RateLimiterTest {

  @Test
  void aBurstPassesThenFramesAreRefused() {
    RateLimiter l = new RateLimiter(1, 5);
    int passed = 0;
    for (int i = 0; i < 8; i++) {
      if (l.tryAcquire()) {
        passed++;
      }
    }
    assertEquals(5, passed, "exactly the burst passes at once (a rate of 1/s refills too slowly to matter)");
    assertEquals(3, l.strikes);
    assertFalse(l.flooding(), "three refusals in a burst of five are not a flood");
  }

  @Test
  void moreRefusalsThanTheBurstInOneSecondIsAFlood() {
    RateLimiter l = new RateLimiter(1, 3);
    for (int i = 0; i < 3 + 4; i++) {
      l.tryAcquire();
    }
    assertTrue(l.flooding());
  }

  @Test
  void tokensComeBackAtTheSustainedRate() throws InterruptedException {
    RateLimiter l = new RateLimiter(100, 1);
    assertTrue(l.tryAcquire());
    assertFalse(l.tryAcquire());
    Thread.sleep(30); // 100/s: a token every 10 ms
    assertTrue(l.tryAcquire());
  }

  @Test
  void aRefusalSaysHowManySecondsUntilTheNextToken() {
    RateLimiter l = new RateLimiter(1, 2);
    assertTrue(l.tryAcquire());
    assertTrue(l.tryAcquire());
    assertFalse(l.tryAcquire());
    assertTrue(l.secondsToNext() == 1, "one a second: at most a second");
    RateLimiter slow = new RateLimiter(1, 1);
    slow.tryAcquire();
    assertFalse(slow.fullAt(System.nanoTime()));
    assertTrue(slow.fullAt(System.nanoTime() + 2_000_000_000L));
  }
}
