package io.agentbus.bus;

import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

/**
 * A failure with a protocol error code. Across the event bus it travels as a
 * {@link ReplyException} (the router's {@code msg.fail}) whose failure code is the HTTP status and whose message is
 * {@code {"code":…,"error":…}} — this is also what SockJS bridge clients see in a failed reply.
 * {@link #from(Throwable)} turns anything back into one, in exactly one place.
 */
public final class AppException extends RuntimeException {

  public final ErrorCode code;

  public AppException(ErrorCode code, String message) {
    super(message, null, false, false);
    this.code = code;
  }

  public static AppException invalid(String message) {
    return new AppException(ErrorCode.INVALID_MESSAGE, message);
  }

  public static AppException notFound(String message) {
    return new AppException(ErrorCode.NOT_FOUND, message);
  }

  public static AppException forbidden(String message) {
    return new AppException(ErrorCode.FORBIDDEN, message);
  }


  public JsonObject toJson() {
    return new JsonObject().put("code", code.name()).put("error", getMessage());
  }

  public static AppException from(Throwable t) {
    if (t instanceof AppException a) {
      return a;
    }
    if (t instanceof ReplyException r) {
      switch (r.failureType()) {
        case TIMEOUT:
          return new AppException(ErrorCode.INTERNAL_ERROR, "the service did not answer in time");
        case NO_HANDLERS:
          return new AppException(ErrorCode.INTERNAL_ERROR, "no node of the cluster serves this right now");
        default:
          try {
            JsonObject j = new JsonObject(r.getMessage());
            return new AppException(ErrorCode.valueOf(j.getString("code")), j.getString("error"));
          } catch (DecodeException | IllegalArgumentException | NullPointerException e) {
            return new AppException(ErrorCode.ofHttpStatus(r.failureCode()), String.valueOf(r.getMessage()));
          }
      }
    }
    return new AppException(ErrorCode.INTERNAL_ERROR, "internal error");
  }
}
