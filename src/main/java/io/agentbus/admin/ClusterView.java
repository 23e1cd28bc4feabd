package io.agentbus.admin;

import io.agentbus.bus.ClusterMembers;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /admin/cluster}: every member's {@link NodeInfo}, asked over the bus at once with a
 * deadline, so the view is answered within {@link #ASK_MS} plus a little whatever a member does: a
 * member that is slow, frozen or gone is listed with {@code reachable: false}. Members whose
 * workflow templates differ from the most common ones are marked {@code templatesMatch: false}, and
 * those whose agents are played by other kinds (a model on one node, scripted on another)
 * {@code agentKindsMatch: false}: the same step would behave differently after a takeover.
 */
final class ClusterView {

  static final long ASK_MS = 1_500;

  private ClusterView() {}

  static Future<JsonObject> gather(Vertx vertx) {
    List<String> nodes = ((VertxInternal) vertx).clusterManager().getNodes();
    List<Future<JsonObject>> asks = new ArrayList<>();
    for (String node : nodes) {
      asks.add(NodeInfo.ask(vertx, node));
    }
    return Future.join(asks).transform(x -> {
      JsonArray members = new JsonArray();
      for (Future<JsonObject> f : asks) {
        members.add(f.result());
      }
      String common = mark(members, "templatesHash", "templatesMatch");
      String kinds = mark(members, "agentKinds", "agentKindsMatch");
      return Future.succeededFuture(new JsonObject().put("nodeId", ClusterMembers.nodeId(vertx))
          .put("members", members).put("templatesHash", common).put("templatesAgree", agree(members, "templatesHash"))
          .put("agentKinds", kinds).put("agentKindsAgree", agree(members, "agentKinds")));
    });
  }

  /** Marks each member whose {@code field} differs from the most common value ({@code flag}: false); answers that value. */
  private static String mark(JsonArray members, String field, String flag) {
    Map<String, Integer> counts = new HashMap<>();
    for (Object o : members) {
      String v = ((JsonObject) o).getString(field);
      if (v != null) {
        counts.merge(v, 1, Integer::sum);
      }
    }
    String common = counts.entrySet().stream().max(Map.Entry.comparingByValue()).map(Map.Entry::getKey).orElse(null);
    for (Object o : members) {
      JsonObject m = (JsonObject) o;
      m.put(flag, m.getString(field) == null ? null : m.getString(field).equals(common));
    }
    return common;
  }

  private static boolean agree(JsonArray members, String field) {
    return members.stream().map(o -> ((JsonObject) o).getString(field)).filter(java.util.Objects::nonNull).distinct().count() <= 1;
  }
}
