package io.agentbus.bus;

import io.vertx.core.Vertx;
import io.vertx.core.shareddata.LocalMap;
import io.vertx.core.shareddata.Shareable;

/**
 * Where this node stands in its life (PROTOCOL §10), shared by its verticles: deployed once every
 * configured verticle is, draining once a shutdown has begun (readiness then fails, so a load
 * balancer stops sending new clients while the node finishes what it has).
 */
public final class NodeState implements Shareable {

  private static final String MAP = "agentbus.node.state";
  private volatile boolean deployed;
  private volatile boolean draining;

  private NodeState() {}

  /** This node's state (one per Vert.x instance). */
  public static NodeState of(Vertx vertx) {
    LocalMap<String, NodeState> map = vertx.sharedData().getLocalMap(MAP);
    synchronized (NodeState.class) {
      NodeState s = map.get("state");
      if (s == null) {
        s = new NodeState();
        map.put("state", s);
      }
      return s;
    }
  }

  public boolean deployed() {
    return deployed;
  }

  public boolean draining() {
    return draining;
  }

  public void markDeployed() {
    deployed = true;
  }

  public void markDraining() {
    draining = true;
  }
}
