package io.agentbus.support;

import java.io.File;
import java.util.List;
import org.junit.jupiter.api.Assumptions;

/**
 * Node.js for the tests of the JavaScript code (the web UI's modules, the client library): where
 * it is missing the test is skipped saying why — except in CI, where {@code .ci/run} installs it
 * and its absence is a failure.
 */
public final class NodeJs {

  private NodeJs() {}

  /** The node executable, or the test is skipped (failed in CI). */
  public static String require() {
    String node = List.of("/usr/bin/node", "/usr/local/bin/node").stream().filter(p -> new File(p).canExecute())
        .findFirst().orElse(null);
    if (node == null) {
      Assumptions.assumeFalse(System.getenv("CI") == null, "node is not installed (Debian's nodejs; .ci/run installs it)");
      throw new AssertionError("node is required in CI (.ci/run installs Debian's nodejs)");
    }
    return node;
  }
}
