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
 * workflow templates differ from the most common ones are marked {@code templatesMatch: false}.
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
      Map<String, Integer> hashes = new HashMap<>();
      for (Future<JsonObject> f : asks) {
        JsonObject m = f.result();
        members.add(m);
        if (m.getString("templatesHash") != null) {
          hashes.merge(m.getString("templatesHash"), 1, Integer::sum);
        }
      }
      String common = hashes.entrySet().stream().max(Map.Entry.comparingByValue()).map(Map.Entry::getKey).orElse(null);
      for (Object o : members) {
        JsonObject m = (JsonObject) o;
        String h = m.getString("templatesHash");
        m.put("templatesMatch", h == null ? null : h.equals(common));
      }
      return Future.succeededFuture(new JsonObject().put("nodeId", ClusterMembers.nodeId(vertx))
          .put("members", members).put("templatesHash", common).put("templatesAgree", hashes.size() <= 1));
    });
  }

}
