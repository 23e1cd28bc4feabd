package io.agentbus.uploads;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayDeque;
import java.util.function.Supplier;

/**
 * At most {@code n} asynchronous jobs at once; the rest wait their turn in order. Bounds the
 * memory that concurrent uploads hold while their chunks are written. Not thread-safe: one
 * verticle's context.
 */
final class Slots {

  private final int n;
  private int busy;
  private final ArrayDeque<Runnable> waiting = new ArrayDeque<>();

  Slots(int n) {
    this.n = n;
  }

  <T> Future<T> run(Supplier<Future<T>> job) {
    Promise<T> done = Promise.promise();
    Runnable start = () -> {
      busy++;
      Future<T> f;
      try {
        f = job.get();
      } catch (RuntimeException e) {
        f = Future.failedFuture(e);
      }
      f.onComplete(ar -> {
        busy--;
        Runnable next = waiting.poll();
        if (next != null) {
          next.run();
        }
        done.handle(ar);
      });
    };
    if (busy < n) {
      start.run();
    } else {
      waiting.add(start);
    }
    return done.future();
  }
}
