package io.agentbus.config;

import java.util.Arrays;
import java.util.List;

/**
 * The verticles a node can run, in deployment order: the services answer requests before the
 * bridge that calls them accepts connections. Each has its name (as in {@code AGENTBUS_VERTICLES})
 * and the key of its instance count. {@code io.agentbus.Node} maps each to its factory with an
 * exhaustive switch, so a verticle added here without one does not compile.
 */
public enum Verticle {
  ROUTER("router", ConfigKeys.INSTANCES_ROUTER),
  APPROVALS("approvals", ConfigKeys.INSTANCES_APPROVALS),
  ORCHESTRATOR("orchestrator", ConfigKeys.INSTANCES_ORCHESTRATOR),
  UPLOADS("uploads", ConfigKeys.INSTANCES_UPLOADS),
  ADMIN("admin", ConfigKeys.INSTANCES_ADMIN),
  BRIDGE("bridge", ConfigKeys.INSTANCES_BRIDGE);

  /** The name in config and logs. */
  public final String id;
  /** How many instances a node deploys. */
  public final ConfigKeys.Key instances;

  Verticle(String id, ConfigKeys.Key instances) {
    this.id = id;
    this.instances = instances;
  }

  /** Every name, in deployment order. */
  public static List<String> names() {
    return Arrays.stream(values()).map(v -> v.id).toList();
  }

  /** The verticle named {@code id}, or null. */
  public static Verticle named(String id) {
    for (Verticle v : values()) {
      if (v.id.equals(id)) {
        return v;
      }
    }
    return null;
  }
}
