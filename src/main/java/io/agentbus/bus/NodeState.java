package io.agentbus.bus;


/**
 * Where this node stands in its life (PROTOCOL §10), handed to its verticles ({@code NodeParts}): deployed once every
 * configured verticle is, draining once a shutdown has begun (readiness then fails, so a load
 * balancer stops sending new clients while the node finishes what it has).
 */
public final class NodeState {

  private volatile boolean deployed;
  private volatile boolean draining;
  /** The hash of the orchestrator's workflow templates once loaded (the cluster view compares them). */
  private volatile String templatesHash;

  /** How this node's orchestrator plays each role ({@code code=openai,…}); the cluster view flags nodes that differ. */
  private volatile String agentKinds;

  public String agentKinds() {
    return agentKinds;
  }

  public void agentKinds(String kinds) {
    agentKinds = kinds;
  }

  public String templatesHash() {
    return templatesHash;
  }

  public void templatesHash(String hash) {
    templatesHash = hash;
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
