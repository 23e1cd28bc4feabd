package io.agentbus.bridge.agui;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * The RFC 6902 operations {@link AguiRun}'s state deltas use ({@code replace}, {@code add},
 * {@code /a/b/0/c} paths, {@code -} for an array's end), applied to a state to recompute it at a cursor.
 */
final class JsonPatch {

  private JsonPatch() {}

  static void apply(JsonObject doc, JsonObject op) {
    String[] path = op.getString("path", "").substring(1).split("/");
    Object parent = doc;
    for (int i = 0; i < path.length - 1; i++) {
      parent = parent instanceof JsonObject o ? o.getValue(path[i])
          : parent instanceof JsonArray a ? a.getValue(Integer.parseInt(path[i])) : null;
      if (parent == null) {
        return;
      }
    }
    String last = path[path.length - 1];
    Object value = op.getValue("value") instanceof JsonObject j ? j.copy() : op.getValue("value");
    if (parent instanceof JsonObject o) {
      o.put(last, value);
    } else if (parent instanceof JsonArray a) {
      if ("-".equals(last)) {
        a.add(value);
      } else if ("add".equals(op.getString("op"))) {
        a.getList().add(Integer.parseInt(last), value);
      } else {
        a.set(Integer.parseInt(last), value);
      }
    }
  }
}
