package io.agentbus.cli;

import io.agentbus.admin.NodeInfo;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The top command: with no subcommand it serves, like {@code serve}. */
@Command(name = "agentbus", mixinStandardHelpOptions = true, versionProvider = Cli.Version.class,
    description = "The agentbus node and its operator tools. With no command: serve.",
    subcommands = {ServeCommand.class, TokenCommand.class, MigrateCommand.class, CheckConfigCommand.class,
        PublishCommand.class, TailCommand.class, ClusterCertCommand.class})
public final class Cli implements Callable<Integer> {

  @Override
  public Integer call() {
    return new ServeCommand().call();
  }

  /** {@code --version}: this build's. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"agentbus " + NodeInfo.VERSION};
    }
  }

  /** Runs the command line; answers the exit code, or -1 when a node now serves (the JVM keeps running). */
  public static int run(String[] args) {
    CommandLine cl = new CommandLine(new Cli());
    // An operator sees one line saying what went wrong (a missing token variable, a node that does
    // not answer), never a stack trace.
    cl.setExecutionExceptionHandler((e, line, parsed) -> {
      String what = e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
      line.getErr().println("agentbus " + parsed.subcommand().commandSpec().name() + ": " + what);
      return 1;
    });
    int code = cl.execute(args);
    return code == ServeCommand.SERVING ? -1 : code;
  }
}
