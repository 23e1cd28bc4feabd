package io.agentbus.bridge.http;

import io.agentbus.bus.ErrorCode;
import io.agentbus.config.AgentbusConfig;
import io.vertx.ext.web.RoutingContext;
import java.net.URI;
import java.util.List;

/**
 * Which browser origins may talk to the node (HTTP, {@code /ws} and SockJS upgrades alike): those
 * listed in {@code http.allowedOrigins}; when none are listed, any in the dev profile and only the
 * node's own (same-origin: the Origin's host and port are the request's Host) in prod. A request
 * without {@code Origin} (a non-browser client, a same-origin navigation) is not a cross-origin
 * one. A refused origin gets 403 before any handler, so neither a CORS header nor an upgrade is
 * ever given to it.
 */
public final class Origins {

  private final List<String> allowed;
  private final boolean any;

  public Origins(AgentbusConfig cfg) {
    this.allowed = cfg.http().allowedOrigins().stream().map(s -> s.replaceAll("/+$", "")).toList();
    this.any = allowed.contains("*") || allowed.isEmpty() && !cfg.isProd();
  }

  /** The configured list (empty: see the class comment). */
  public List<String> listed() {
    return allowed;
  }

  boolean allows(String origin, String host) {
    if (origin == null || any) {
      return true;
    }
    String o = origin.replaceAll("/+$", "");
    if (allowed.contains(o)) {
      return true;
    }
    try {
      URI u = URI.create(o);
      String authority = u.getPort() < 0 ? u.getHost() : u.getHost() + ":" + u.getPort();
      return host != null && (host.equalsIgnoreCase(authority) || host.equalsIgnoreCase(u.getHost() + ":"
          + ("https".equals(u.getScheme()) ? 443 : 80)));
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /** The guard, first on every route. */
  public void guard(RoutingContext ctx) {
    String origin = ctx.request().getHeader("Origin");
    if (allows(origin, ctx.request().getHeader("Host"))) {
      ctx.next();
    } else {
      HttpApi.fail(ctx, 403, ErrorCode.FORBIDDEN, "origin " + origin + " is not allowed here (http.allowedOrigins)");
    }
  }

  /**
   * Security headers on every answer: no MIME sniffing, no framing by other sites, no referrer
   * sent on, and a content security policy for the UI: scripts only from the node itself (the UI
   * is ES modules and WebJars, no inline script, so an injected script has nowhere to run), inline
   * styles allowed (progress bars and layout set them), images also as blob: (previews of
   * downloaded files) and data:.
   */
  public static void securityHeaders(RoutingContext ctx) {
    ctx.addHeadersEndHandler(v -> {
      io.vertx.core.MultiMap h = ctx.response().headers();
      h.set("X-Content-Type-Options", "nosniff").set("X-Frame-Options", "DENY").set("Referrer-Policy", "no-referrer");
      if (!h.contains("Content-Security-Policy")) { // a handler's own (file downloads: sandbox) stands
        h.set("Content-Security-Policy", "default-src 'self'; script-src 'self'; "
            + "style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self' ws: wss:; "
            + "object-src 'none'; base-uri 'none'; frame-ancestors 'none'");
      }
    });
    ctx.next();
  }
}
