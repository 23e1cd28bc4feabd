package io.agentbus.bridge.http;

import io.agentbus.bridge.ws.UpgradeToken;
import io.agentbus.bus.AppException;
import io.agentbus.bus.ErrorCode;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;

/**
 * The token an HTTP request signs with: {@code Authorization: Bearer}, else the browser's
 * {@code agentbus_token} cookie (PROTOCOL §11: an {@code EventSource} or a page's {@code fetch}
 * cannot always set a header). A browser sends a cookie on a cross-site form too, so a POST signed
 * by the cookie must be {@code application/json}: a form cannot send that type, and a script on
 * another origin can only after a CORS preflight, which the node's origin rules answer. GET, HEAD
 * and DELETE need no such rule (a form cannot DELETE; a cross-origin read is the CORS rules' to allow).
 */
final class RequestToken {

  static final String COOKIE = "agentbus_token";

  private RequestToken() {}

  /** The token, or null when the request carries none; a cookie-signed form-type POST is refused. */
  static String of(HttpServerRequest req) {
    String h = req.getHeader("Authorization");
    if (h != null && h.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return h.substring(7).trim();
    }
    String cookie = UpgradeToken.cookie(req.getHeader("Cookie"), COOKIE);
    if (cookie == null || cookie.isEmpty()) {
      return null;
    }
    if (req.method() == HttpMethod.POST && !isJson(req.getHeader("Content-Type"))) {
      throw new AppException(ErrorCode.FORBIDDEN,
          "a POST signed by the agentbus_token cookie must be application/json (a cross-site form cannot be)");
    }
    return cookie;
  }

  private static boolean isJson(String contentType) {
    return contentType != null && contentType.toLowerCase(java.util.Locale.ROOT).startsWith("application/json");
  }
}
