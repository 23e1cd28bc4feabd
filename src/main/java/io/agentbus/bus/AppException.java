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
          return new AppException(ErrorCode.UNAVAILABLE, "the service did not answer in time; retry shortly");
        case NO_HANDLERS:
          return new AppException(ErrorCode.UNAVAILABLE, "no node of the cluster serves this right now; retry shortly");
        default:
          try {
            JsonObject j = new JsonObject(r.getMessage());
            return new AppException(ErrorCode.valueOf(j.getString("code")), j.getString("error"));
          } catch (DecodeException | IllegalArgumentException | NullPointerException e) {
            return new AppException(ErrorCode.ofHttpStatus(r.failureCode()), String.valueOf(r.getMessage()));
          }
      }
    }
    if (isUnavailable(t)) {
      return new AppException(ErrorCode.UNAVAILABLE, "the database is unavailable; retry shortly");
    }
    return new AppException(ErrorCode.INTERNAL_ERROR, "internal error");
  }

  /**
   * Whether {@code t} says PostgreSQL cannot be reached right now: no connection (refused, closed,
   * reset), the server shutting down or starting, too many connections, or a pool that could not
   * get a connection in time. Matched by class name and SQLSTATE, so this kernel does not depend
   * on the driver.
   */
  public static boolean isUnavailable(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
      String name = c.getClass().getName();
      // An I/O failure under a request is the connection to PostgreSQL (reset, refused, closed).
      // (Jackson's parse errors are IOExceptions too, but a bug here, not the database.)
      boolean io = c instanceof java.io.IOException && !name.startsWith("com.fasterxml.");
      if (name.endsWith("ClosedConnectionException") || io
          || name.equals("io.vertx.core.net.ConnectException")
          || name.endsWith("PoolWaitTimeoutException") || name.endsWith("NoStackTraceTimeoutException")) {
        return true;
      }
      String state = sqlState(c);
      if (state != null && (state.startsWith("08") || state.startsWith("57P") || state.equals("53300"))) {
        return true;
      }
      String m = String.valueOf(c.getMessage());
      if (m.contains("Connection refused") || m.contains("connection is closed") || m.contains("Connection is closed")
          || m.contains("Pending requests") || m.contains("Timeout while waiting for a connection")) {
        return true;
      }
    }
    return false;
  }

  private static String sqlState(Throwable t) {
    try {
      Object s = t.getClass().getMethod("getSqlState").invoke(t);
      return s instanceof String str ? str : null;
    } catch (ReflectiveOperationException | RuntimeException e) {
      return null;
    }
  }
}
