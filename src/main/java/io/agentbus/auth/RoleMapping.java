package io.agentbus.auth;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * How an identity provider's claims become an agentbus identity ({@code auth.userClaim},
 * {@code auth.rolesClaim}, {@code auth.roleMap}): the user id is one claim's value; the roles are
 * the values found at the roles claim (a dot path, a list or a space-separated string), each
 * mapped by the role map ({@code agentbus-approvers=approver,ops=admin}; several values may give
 * one role). With no map, a value that is an agentbus role counts as itself. Role {@code user} is
 * always held; values the map does not name give nothing.
 */
public final class RoleMapping {

  private final String userClaim;
  private final String[] rolesClaim;
  private final Map<String, List<String>> map;

  public RoleMapping(String userClaim, String rolesClaim, String roleMap) {
    this.userClaim = userClaim.isEmpty() ? "sub" : userClaim;
    this.rolesClaim = rolesClaim.split("\\.");
    this.map = parse(roleMap);
  }

  /** {@code value=role,value=role}; fails with a readable reason on anything else. */
  public static Map<String, List<String>> parse(String roleMap) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    for (String pair : roleMap.split(",")) {
      if (pair.isBlank()) {
        continue;
      }
      int eq = pair.lastIndexOf('=');
      String value = eq > 0 ? pair.substring(0, eq).trim() : "";
      String role = eq > 0 ? pair.substring(eq + 1).trim() : "";
      if (value.isEmpty() || !TokenService.KNOWN_ROLES.contains(role)) {
        throw new IllegalArgumentException("'" + pair.trim() + "' is not claimValue=role with a role of "
            + TokenService.KNOWN_ROLES);
      }
      out.computeIfAbsent(value, k -> new ArrayList<>()).add(role);
    }
    return out;
  }

  /** The user id the claims name (null when the claim is missing or not a string). */
  public String userId(JsonObject claims) {
    return claims.getValue(userClaim) instanceof String s ? s : null;
  }

  /** The user a verified token names, whoever signed it ({@code sub} of this cluster's own, the user claim of a provider's). */
  public String userIdOr(JsonObject claims) {
    return claims.getBoolean("provider", false) ? userId(claims) : claims.getString("sub");
  }

  public String userClaim() {
    return userClaim;
  }

  /** The agentbus roles of these claims, {@code user} first. */
  public List<String> roles(JsonObject claims) {
    Object at = claims;
    for (String part : rolesClaim) {
      at = at instanceof JsonObject o ? o.getValue(part) : null;
    }
    List<String> values = new ArrayList<>();
    if (at instanceof JsonArray a) {
      a.forEach(v -> {
        if (v instanceof String s) {
          values.add(s);
        }
      });
    } else if (at instanceof String s) {
      values.addAll(List.of(s.trim().split("\\s+")));
    }
    Set<String> roles = new LinkedHashSet<>();
    roles.add("user");
    for (String v : values) {
      if (map.isEmpty()) {
        if (TokenService.KNOWN_ROLES.contains(v)) {
          roles.add(v);
        }
      } else {
        roles.addAll(map.getOrDefault(v, List.of()));
      }
    }
    return List.copyOf(roles);
  }
}
