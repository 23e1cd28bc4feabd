package io.agentbus.cli;

import io.agentbus.node.ClusterTls;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code cluster-cert}: makes the pair a closed cluster's nodes share (AGENTBUS_CLUSTER_TLS_CERT / _KEY). */
@Command(name = "cluster-cert", mixinStandardHelpOptions = true,
    description = "Write a new self-signed certificate and key (PEM) for the clustered event bus: give both files "
        + "to every node (AGENTBUS_CLUSTER_TLS_CERT, AGENTBUS_CLUSTER_TLS_KEY), e.g. as a Kubernetes Secret.")
final class ClusterCertCommand implements Callable<Integer> {

  @Option(names = "--out", required = true, description = "directory for cert.pem and key.pem (must not hold them yet)")
  Path out;

  @Option(names = "--name", defaultValue = "agentbus-cluster", description = "the certificate's common name")
  String name;

  @Override
  public Integer call() throws Exception {
    if (Files.exists(out.resolve("key.pem")) || Files.exists(out.resolve("cert.pem"))) {
      System.err.println(out + " already has a cert.pem or key.pem: not overwritten");
      return 2;
    }
    ClusterTls.write(out, name);
    System.out.println("AGENTBUS_CLUSTER_TLS_CERT=" + out.resolve("cert.pem").toAbsolutePath());
    System.out.println("AGENTBUS_CLUSTER_TLS_KEY=" + out.resolve("key.pem").toAbsolutePath());
    return 0;
  }
}
