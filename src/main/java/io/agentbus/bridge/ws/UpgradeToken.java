package io.agentbus.bridge.ws;

import io.vertx.core.http.ServerWebSocket;

/** Where a browser's token may come with the upgrade, so it need not ride in the URL. */
public final class UpgradeToken {

  private UpgradeToken() {}

  /**
   * The token of the upgrade request: {@code ?token=}, else {@code Authorization: Bearer}, else the
   * {@code agentbus_token} cookie — so a browser need not put it in the URL (where proxies log it).
   * Null: the first frame authenticates.
   */
  static String of(ServerWebSocket ws, String urlToken) {
    if (urlToken != null) {
      return urlToken;
    }
    String auth = ws.headers().get("Authorization");
    if (auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return auth.substring(7).trim();
    }
    return cookie(ws.headers().get("Cookie"), "agentbus_token");
  }

  /** One cookie's value from a {@code Cookie} header, or null. */
  public static String cookie(String header, String name) {
    if (header == null) {
      return null;
    }
    for (String part : header.split(";")) {
      int eq = part.indexOf('=');
      if (eq > 0 && part.substring(0, eq).trim().equals(name)) {
        return part.substring(eq + 1).trim();
      }
    }
    return null;
  }
}
