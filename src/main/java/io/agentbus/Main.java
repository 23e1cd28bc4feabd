package io.agentbus;

import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code java -jar target/agentbus.jar}: one node configured from conf/ and AGENTBUS_* variables. */
public final class Main {

  private static final Logger LOG = LoggerFactory.getLogger(Main.class);

  private Main() {}

  public static void main(String[] args) {
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
          node.close().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
        } catch (Exception e) {
          // exiting anyway
        }
      }, "agentbus-shutdown"));
    });
  }
}
