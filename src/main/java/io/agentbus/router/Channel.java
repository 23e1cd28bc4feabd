package io.agentbus.router;

import io.agentbus.bus.Principal;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.util.List;

/**
 * A channel row. {@code writeRoles} null means every authenticated user may post. {@code kind}:
 * {@code public} (everyone reads it), {@code private} (its members only) or {@code dm} (two users,
 * or a user and the agent role {@code dmAgent}) — PROTOCOL §7.1.
 */
record Channel(String name, String description, List<String> writeRoles, String createdBy, String createdAt,
               String kind, String dmAgent, String title, String archivedAt) {

  static final String PUBLIC = "public";
  static final String PRIVATE = "private";
  static final String DM = "dm";

  static Channel of(Row r) {
    String[] roles = r.getArrayOfStrings("write_roles");
    return new Channel(r.getString("name"), r.getString("description"), roles == null ? null : List.of(roles),
        r.getString("created_by"), String.valueOf(r.getOffsetDateTime("created_at").toInstant()),
        r.getString("kind"), r.getString("dm_agent"), r.getString("title"),
        r.getOffsetDateTime("archived_at") == null ? null : r.getOffsetDateTime("archived_at").toInstant().toString());
  }

  boolean archived() {
    return archivedAt != null;
  }

  boolean isPublic() {
    return PUBLIC.equals(kind);
  }

  boolean mayWrite(Principal p) {
    return writeRoles == null || p.hasAny(writeRoles);
  }

  /** As listed: {@code type} is {@code dm} or {@code channel}; {@code private} for both non-public kinds. */
  JsonObject toJson() {
    JsonObject j = new JsonObject().put("name", name).put("description", description)
        .put("writeRoles", writeRoles == null ? null : new JsonArray(writeRoles))
        .put("createdBy", createdBy).put("createdAt", createdAt)
        .put("type", DM.equals(kind) ? "dm" : "channel").put("private", !isPublic())
        .put("title", title == null ? name : title).put("archived", archived()).put("archivedAt", archivedAt);
    if (dmAgent != null) {
      j.put("with", "@" + dmAgent);
    }
    return j;
  }
}
