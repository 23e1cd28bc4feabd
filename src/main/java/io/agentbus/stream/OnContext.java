package io.agentbus.stream;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.function.Supplier;

/**
 * Runs an action on a node-wide component's own context (the hub's) and hands its outcome back on
 * the caller's, so the component's state is only ever touched from one thread while callers on
 * any event loop get their futures completed where they are.
 */
final class OnContext {

  private OnContext() {}

  static <T> Future<T> call(Vertx vertx, Context context, Supplier<Future<T>> action) {
    Context caller = vertx.getOrCreateContext();
    Promise<T> p = Promise.promise();
    Runnable run = () -> {
      Future<T> f;
      try {
        f = action.get();
      } catch (RuntimeException e) {
        f = Future.failedFuture(e);
      }
      f.onComplete(ar -> {
        if (caller == context) {
          p.handle(ar);
        } else {
          caller.runOnContext(x -> p.handle(ar));
        }
      });
    };
    if (Vertx.currentContext() == context) {
      run.run();
    } else {
      context.runOnContext(v -> run.run());
    }
    return p.future();
  }
}
