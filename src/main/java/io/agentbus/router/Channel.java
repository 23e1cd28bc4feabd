package io.agentbus.router;

import io.agentbus.bus.Principal;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.util.List;

/** A channel row. {@code writeRoles} null means every authenticated user may post. */
record Channel(String name, String description, List<String> writeRoles, String createdBy, String createdAt) {

  static Channel of(Row r) {
    String[] roles = r.getArrayOfStrings("write_roles");
    return new Channel(r.getString("name"), r.getString("description"), roles == null ? null : List.of(roles),
        r.getString("created_by"), String.valueOf(r.getOffsetDateTime("created_at").toInstant()));
  }

  boolean mayWrite(Principal p) {
    return writeRoles == null || p.hasAny(writeRoles);
  }

  JsonObject toJson() {
    return new JsonObject().put("name", name).put("description", description)
        .put("writeRoles", writeRoles == null ? null : new JsonArray(writeRoles))
        .put("createdBy", createdBy).put("createdAt", createdAt);
  }
}
