package io.agentbus.auth;

import io.agentbus.bus.AppException;
import io.agentbus.bus.Names;
import io.agentbus.bus.Principal;
import io.vertx.core.json.JsonArray;
import java.util.ArrayList;
import java.util.List;

/**
 * The dev profile's login (PROTOCOL §2): anyone may say who they are. Checks what they say, for
 * the {@code /ws} auth frame's {@code userId}/{@code role} and for {@code POST /api/auth/token}.
 * Only reachable when {@code auth.devLogin} is on.
 */
public final class DevLogin {

  private DevLogin() {}

  /** The principal of a dev {@code auth} frame: {@code userId} and an optional single {@code role}. */
  public static Principal principal(Object userId, Object role) {
    String user = userId(userId);
    if (role != null && !(role instanceof String r && TokenService.KNOWN_ROLES.contains(r))) {
      throw AppException.invalid("'role' must be one of " + TokenService.KNOWN_ROLES);
    }
    return new Principal(user, role == null || "user".equals(role) ? List.of("user") : List.of("user", (String) role),
        null);
  }

  /** A valid user id, or INVALID_MESSAGE. */
  public static String userId(Object userId) {
    if (!Names.isUserId(userId)) {
      throw AppException.invalid("'userId' must match " + Names.USER_ID.pattern());
    }
    return (String) userId;
  }

  /** The roles a dev token asks for: an optional array of known roles. */
  public static List<String> roles(Object roles) {
    List<String> out = new ArrayList<>();
    if (roles == null) {
      return out;
    }
    if (!(roles instanceof JsonArray a)) {
      throw AppException.invalid("'roles' must be an array");
    }
    for (Object o : a) {
      if (!(o instanceof String s) || !TokenService.KNOWN_ROLES.contains(s)) {
        throw AppException.invalid("'roles' may hold only " + TokenService.KNOWN_ROLES);
      }
      out.add(s);
    }
    return out;
  }
}
