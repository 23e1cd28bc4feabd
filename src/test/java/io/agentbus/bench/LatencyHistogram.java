package io.agentbus.bench;

import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAccumulator;

/** Lock-free latency histogram in microseconds, log buckets of 2 % width (enough for p50/p99). */
final class LatencyHistogram {

  private static final double GROWTH = Math.log(1.02);
  private static final int BUCKETS = 1200; // 1.02^1200 µs ≈ 2e10 µs
  private final AtomicLongArray counts = new AtomicLongArray(BUCKETS);
  private final LongAccumulator max = new LongAccumulator(Math::max, 0);

  void record(long micros) {
    long us = Math.max(1, micros);
    int b = (int) Math.min(BUCKETS - 1, Math.log(us) / GROWTH);
    counts.incrementAndGet(b);
    max.accumulate(us);
  }

  void reset() {
    for (int i = 0; i < BUCKETS; i++) {
      counts.set(i, 0);
    }
    max.reset();
  }

  long count() {
    long n = 0;
    for (int i = 0; i < BUCKETS; i++) {
      n += counts.get(i);
    }
    return n;
  }

  /** The value at quantile q (0..1), in milliseconds. */
  double percentileMs(double q) {
    long total = count();
    if (total == 0) {
      return Double.NaN;
    }
    long rank = (long) Math.ceil(q * total);
    long seen = 0;
    for (int i = 0; i < BUCKETS; i++) {
      seen += counts.get(i);
      if (seen >= rank) {
        return Math.pow(1.02, i + 1) / 1000.0;
      }
    }
    return maxMs();
  }

  double maxMs() {
    return max.get() / 1000.0;
  }

  String summary() {
    return String.format("p50 %.2f ms  p90 %.2f ms  p99 %.2f ms  max %.2f ms", percentileMs(0.5), percentileMs(0.9),
        percentileMs(0.99), maxMs());
  }
}
