package io.agentbus.stream;

import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.util.function.Consumer;

/**
 * Members leaving the cluster, as Hazelcast sees them. Vert.x keeps the cluster manager's one node
 * listener for itself, so this listens on Hazelcast directly (Vert.x's node id is the member's
 * UUID). Listeners run on a Hazelcast thread: callers hop to their own context.
 */
final class ClusterMembers {

  private ClusterMembers() {}

  /** Calls {@code left} with the node id of each member that leaves (dies, or is cut off). */
  static void onLeft(Vertx vertx, Consumer<String> left) {
    if (vertx instanceof VertxInternal vi && vi.clusterManager() instanceof HazelcastClusterManager hz
        && hz.getHazelcastInstance() != null) {
      hz.getHazelcastInstance().getCluster().addMembershipListener(new MembershipListener() {
        @Override
        public void memberAdded(MembershipEvent e) {
          // interest is announced by the new member itself
        }

        @Override
        public void memberRemoved(MembershipEvent e) {
          left.accept(e.getMember().getUuid().toString());
        }
      });
    }
  }
}
