package io.agentbus.cli;

import io.agentbus.Node;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;

/** {@code serve}: one node configured from conf/ and AGENTBUS_* variables (docs/configuration.md). */
@Command(name = "serve", mixinStandardHelpOptions = true,
    description = "Run a node (the default): joins its cluster, makes the database ready, serves HTTP, /ws and SockJS.")
final class ServeCommand implements Callable<Integer> {

  /** Not an exit code: the node runs on in its own threads. */
  static final int SERVING = 1000;
  private static final Logger LOG = LoggerFactory.getLogger(ServeCommand.class);

  @Override
  public Integer call() {
    Node.start(System.getenv()).onComplete(ar -> {
      if (ar.failed()) {
        LOG.error("agentbus node failed to start: {}", ar.cause().getMessage());
        LOG.debug("cause", ar.cause());
        System.exit(1);
      }
      Node node = ar.result();
      // A plain main() has no shutdown hook: without one SIGTERM would drop the node like SIGKILL.
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        try {
          node.close().toCompletionStage().toCompletableFuture().get(node.shutdownSeconds(), TimeUnit.SECONDS);
        } catch (Exception e) {
          // exiting anyway
        }
      }, "agentbus-shutdown"));
    });
    return SERVING;
  }
}
