package io.agentbus.bus;

/** The error codes of PROTOCOL §3, with the HTTP status each maps to. */
public enum ErrorCode {
  INVALID_JSON(400),
  INVALID_MESSAGE(400),
  UNKNOWN_TYPE(400),
  NOT_AUTHENTICATED(401),
  FORBIDDEN(403),
  NOT_FOUND(404),
  CONFLICT(409),
  /** What was asked for existed and is no longer kept (an AG-UI cursor into a dropped event log). */
  GONE(410),
  PAYLOAD_TOO_LARGE(413),
  /** A body of a type the endpoint does not take (a JSON API sent text/plain, an upload's type). */
  UNSUPPORTED_MEDIA_TYPE(415),
  RATE_LIMITED(429),
  INTERNAL_ERROR(500),
  /** A dependency (PostgreSQL, the service's verticle) is down or not answering: retry. */
  UNAVAILABLE(503);

  public final int httpStatus;

  /** Whether the same request may succeed when retried later (the {@code recoverable} of an error frame). */
  public boolean recoverable() {
    return this == RATE_LIMITED || this == INTERNAL_ERROR || this == UNAVAILABLE;
  }

  ErrorCode(int httpStatus) {
    this.httpStatus = httpStatus;
  }

  public static ErrorCode ofHttpStatus(int status) {
    for (ErrorCode c : values()) {
      if (c.httpStatus == status) {
        return c;
      }
    }
    return INTERNAL_ERROR;
  }
}
