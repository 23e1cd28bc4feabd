package io.agentbus.bus;

import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;

/**
 * How many members this node sees, against how many it should (PROTOCOL §13): the configured
 * {@code cluster.expectedMembers}, or else the most it has seen since it started. A node that sees
 * fewer is cut off from some (a partition) or some died: its stream hub then re-reads its followed
 * streams at a short interval, since events written on the other side reach it only through
 * PostgreSQL, and readiness reports it once that lasted past the heartbeat limit.
 *
 * <p>Thread-safe: Hazelcast's listener thread writes, anyone reads.
 */
public final class ClusterSize {

  private final int configured;
  private volatile int seen;
  private volatile int most;
  /** {@link System#nanoTime} since when fewer are seen than expected; 0 while whole. */
  private volatile long shortSince;
  /** {@link System#nanoTime} of the last change of membership. */
  private volatile long changedAt = System.nanoTime();
  /** This node has seen the whole cluster at least once (so being short now means members were lost). */
  private volatile boolean wasWhole;

  ClusterSize(int configured) {
    this.configured = configured;
  }

  /** This node's view (the configured size, 0 = unknown), following Hazelcast's membership. */
  public static ClusterSize listening(Vertx vertx, int configured) {
    ClusterSize s = new ClusterSize(configured);
    s.listen(vertx);
    return s;
  }

  private void listen(Vertx vertx) {
    if (vertx instanceof VertxInternal vi && vi.clusterManager() instanceof HazelcastClusterManager hz
        && hz.getHazelcastInstance() != null) {
      com.hazelcast.cluster.Cluster cluster = hz.getHazelcastInstance().getCluster();
      cluster.addMembershipListener(new com.hazelcast.cluster.MembershipListener() {
        @Override
        public void memberAdded(com.hazelcast.cluster.MembershipEvent e) {
          update(e.getMembers().size());
        }

        @Override
        public void memberRemoved(com.hazelcast.cluster.MembershipEvent e) {
          update(e.getMembers().size());
        }
      });
      update(cluster.getMembers().size());
    }
  }

  synchronized void update(int members) {
    if (members != seen) {
      changedAt = System.nanoTime();
    }
    seen = members;
    most = Math.max(most, members);
    if (members >= expected() && expected() > 0) {
      wasWhole = true;
    }
    if (members < expected()) {
      if (shortSince == 0) {
        shortSince = System.nanoTime() | 1;
      }
    } else {
      shortSince = 0;
    }
  }

  /** The members this node should see: configured, else the most seen since start. */
  public int expected() {
    return configured > 0 ? configured : most;
  }

  public int seen() {
    return seen;
  }

  /**
   * True while this node sees fewer members than it should, and for {@code settleMs} after any
   * change of membership (a returning member's interest in streams may not be known yet).
   */
  public boolean unsettled(long settleMs) {
    return isShort() || (System.nanoTime() - changedAt) / 1_000_000 < settleMs;
  }

  /** True while this node sees fewer members than it should. */
  public boolean isShort() {
    return shortSince != 0;
  }

  /** True once this node has seen every member it should. */
  public boolean wasWhole() {
    return wasWhole;
  }

  /** How long this node has seen fewer members than it should (0 while whole). */
  public long shortForMs() {
    long since = shortSince;
    return since == 0 ? 0 : (System.nanoTime() - since) / 1_000_000;
  }
}
