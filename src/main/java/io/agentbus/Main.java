package io.agentbus;

import io.agentbus.cli.Cli;

/**
 * {@code java -jar target/agentbus.jar [command]}: the command line ({@link Cli}); with no command,
 * one node configured from conf/ and AGENTBUS_* variables.
 */
public final class Main {

  private Main() {}

  public static void main(String[] args) {
    int code = Cli.run(args);
    if (code >= 0) {
      System.exit(code); // a command that ran to its end; a serving node keeps the JVM alive itself
    }
  }
}
