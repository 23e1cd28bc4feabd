package io.agentbus.orchestrator;

import io.agentbus.admin.NodeInfo;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Nodes of one cluster must offer the same workflow templates, or a workflow started on one node
 * and taken over by another would be read against different roles. The hash of this node's
 * workflows file (its JSON, re-encoded) goes into the node's info for the cluster view, and at
 * start the node compares it with every other member's and says so in its log when they differ.
 */
final class TemplatesCheck {

  private static final Logger LOG = LoggerFactory.getLogger(TemplatesCheck.class);

  private TemplatesCheck() {}

  static Future<Void> start(Vertx vertx, io.agentbus.bus.NodeState state, String self, String file) {
    return vertx.executeBlocking(() -> io.agentbus.bus.Hashing.sha256Hex(Catalog.readFile(file).encode())).map(hash -> {
      state.templatesHash(hash);
      for (String node : ((VertxInternal) vertx).clusterManager().getNodes()) {
        if (!node.equals(self)) {
          compare(vertx, node, hash, file, 1);
        }
      }
      return null;
    });
  }

  /**
   * Asks {@code node} for its hash, again (up to {@link #ATTEMPTS} times, a second apart) while it
   * does not answer or has not loaded its templates yet: a node just started may be slow to answer
   * its first question (the event bus's first TLS handshake, a cold JIT) or be starting itself.
   */
  private static void compare(Vertx vertx, String node, String hash, String file, int attempt) {
    NodeInfo.ask(vertx, node).onSuccess(info -> {
      String theirs = info.getString("templatesHash");
      if (theirs == null) {
        if (attempt < ATTEMPTS) {
          vertx.setTimer(1_000, t -> compare(vertx, node, hash, file, attempt + 1));
        }
        return;
      }
      if (!theirs.equals(hash)) {
        LOG.warn("This node's workflow templates ({} → {}) differ from node {}'s ({}): workflows taken "
            + "over between them may run other steps. Give every node the same file.", file,
            hash.substring(0, 12), node, theirs.substring(0, Math.min(12, theirs.length())));
      }
    });
  }

  private static final int ATTEMPTS = 10;

}
