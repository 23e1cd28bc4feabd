package io.agentbus.bus;

import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.util.function.Consumer;

/**
 * Members leaving the cluster, as Hazelcast sees them. Vert.x keeps the cluster manager's one node
 * listener for itself, so this listens on Hazelcast directly; Vert.x's node id is not the member's
 * UUID but its {@value #NODE_ID_ATTRIBUTE} attribute. Listeners run on a Hazelcast thread: callers
 * hop to their own context.
 */
public final class ClusterMembers {

  /** Where vertx-hazelcast keeps a member's Vert.x node id. */
  static final String NODE_ID_ATTRIBUTE = "__vertx.nodeId";

  private ClusterMembers() {}

  /** The Vert.x node id of a Hazelcast member. */
  public static String nodeIdOf(com.hazelcast.cluster.Member m) {
    String id = m.getAttribute(NODE_ID_ATTRIBUTE);
    return id != null ? id : m.getUuid().toString();
  }

  /** This node's id in the cluster (null when not clustered). */
  public static String nodeId(Vertx vertx) {
    return vertx instanceof VertxInternal vi && vi.clusterManager() != null ? vi.clusterManager().getNodeId() : null;
  }

  /** Calls {@code left} with the node id of each member that leaves (dies, or is cut off). */
  public static void onLeft(Vertx vertx, Consumer<String> left) {
    if (vertx instanceof VertxInternal vi && vi.clusterManager() instanceof HazelcastClusterManager hz
        && hz.getHazelcastInstance() != null) {
      hz.getHazelcastInstance().getCluster().addMembershipListener(new MembershipListener() {
        @Override
        public void memberAdded(MembershipEvent e) {
          // interest is announced by the new member itself
        }

        @Override
        public void memberRemoved(MembershipEvent e) {
          left.accept(nodeIdOf(e.getMember()));
        }
      });
    }
  }
}
