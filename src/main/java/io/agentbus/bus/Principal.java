package io.agentbus.bus;

import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import java.util.Arrays;
import java.util.List;

/**
 * The authenticated caller. Transports verify the token and put the principal in message headers;
 * the router reads it from there and never from the message body, so authorId and rights cannot be
 * forged by a client.
 */
public record Principal(String userId, List<String> roles, String sessionId) {

  public static final String H_USER = "ab-user";
  public static final String H_ROLES = "ab-roles";
  public static final String H_SESSION = "ab-session";

  public boolean has(String role) {
    return roles.contains(role);
  }

  /** The caller is {@code owner}, or holds one of {@code roles} (who may see or act on something owned). */
  public boolean isOwnerOr(String owner, String... roles) {
    return userId.equals(owner) || Arrays.stream(roles).anyMatch(this::has);
  }

  /** An approver or an admin: sees every pending approval (and is told when that list changes). */
  public boolean seesAllApprovals() {
    return has("approver") || has("admin");
  }

  public boolean hasAny(List<String> wanted) {
    return wanted.stream().anyMatch(roles::contains);
  }

  public Principal withSession(String session) {
    return new Principal(userId, roles, session);
  }

  /**
   * The caller as the headers of a raw bridge frame (the SockJS bridge puts them on what a browser
   * sends, replacing the browser's own): user and roles, named and written as {@link #toDelivery}
   * writes them (a bridge frame names no session).
   */
  public io.vertx.core.json.JsonObject toHeaders() {
    return new io.vertx.core.json.JsonObject().put(H_USER, userId).put(H_ROLES, String.join(",", roles));
  }

  public DeliveryOptions toDelivery() {
    DeliveryOptions o = new DeliveryOptions().addHeader(H_USER, userId).addHeader(H_ROLES, String.join(",", roles));
    if (sessionId != null) {
      o.addHeader(H_SESSION, sessionId);
    }
    return o;
  }


  /** The caller of a bus message, or a NOT_AUTHENTICATED failure when a transport sent none. */
  public static Principal of(Message<?> msg) {
    String user = msg.headers().get(H_USER);
    if (user == null || user.isEmpty()) {
      throw new AppException(ErrorCode.NOT_AUTHENTICATED, "authentication required");
    }
    String roles = msg.headers().get(H_ROLES);
    return new Principal(user, roles == null || roles.isEmpty() ? List.of() : Arrays.asList(roles.split(",")),
        msg.headers().get(H_SESSION));
  }
}
