package io.agentbus.bus;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import java.util.function.Function;
import org.slf4j.Logger;

/** Request handlers on the bus, shared by the service verticles (router, orchestrator). */
public final class Services {

  private Services() {}

  /**
   * Registers a request handler and maps every failure to a coded reply ({@link AppException}) in
   * one place; unexpected failures are logged, the caller sees INTERNAL_ERROR.
   */
  public static MessageConsumer<Object> serve(Vertx vertx, Logger log, String address,
      Function<Message<Object>, Future<JsonObject>> handler) {
    return vertx.eventBus().consumer(address, msg -> {
      Future<JsonObject> result;
      // The caller in the MDC while the handler runs, so its log lines say whose request it was.
      String user = msg.headers().get(Principal.H_USER);
      if (user != null) {
        org.slf4j.MDC.put("userId", user);
      }
      try {
        result = handler.apply(msg);
      } catch (RuntimeException e) {
        result = Future.failedFuture(e);
      } finally {
        org.slf4j.MDC.remove("userId");
      }
      result.onComplete(ar -> {
        if (ar.succeeded()) {
          msg.reply(ar.result());
        } else {
          AppException e = AppException.from(ar.cause());
          if (e.code == ErrorCode.INTERNAL_ERROR) {
            log.error("{} failed", address, ar.cause());
          } else if (e.code == ErrorCode.UNAVAILABLE && !(ar.cause() instanceof AppException)) {
            log.warn("{} failed: {}", address, ar.cause().toString()); // what the caller's "retry" is about
          }
          msg.fail(e.code.httpStatus, e.toJson().encode());
        }
      });
    });
  }

  /** True when a request failed because nobody serves its address (the verticle is not deployed). */
  public static boolean noHandlers(Throwable err) {
    return err instanceof ReplyException re && re.failureType() == ReplyFailure.NO_HANDLERS;
  }

  /** The body of a request, which must be a JSON object. */
  public static JsonObject body(Message<Object> msg) {
    if (msg.body() instanceof JsonObject j) {
      return j;
    }
    throw AppException.invalid("the body must be a JSON object");
  }
}
