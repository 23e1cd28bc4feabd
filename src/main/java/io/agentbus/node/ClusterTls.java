package io.agentbus.node;

import io.agentbus.config.Sections;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.core.net.SelfSignedCertificate;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.UUID;

/**
 * A closed cluster (PROTOCOL §13): node-to-node event-bus traffic over TLS with mutual
 * authentication — each node presents the cluster's certificate and accepts only peers that
 * present one chaining to the configured CA (by default that certificate itself: one pair shared
 * by the nodes). A process that reaches the event-bus port without the key can neither send to nor
 * receive from any address. Hazelcast (membership and the consumer map) stays open-source
 * Hazelcast, without TLS: docs/operations.md says what that leaves open.
 *
 * <p>Prod needs the pair configured ({@code cluster.tlsCert}, {@code cluster.tlsKey}); dev without
 * one generates a pair once per machine and cluster name under the temp directory, so every dev
 * node of that cluster on this machine shares it (a dev node on another machine is given the same
 * two files).
 */
public final class ClusterTls {

  private ClusterTls() {}

  /** TLS with required client certificates on {@code eb}, unless {@code cluster.tls} is off (dev only). */
  public static EventBusOptions apply(EventBusOptions eb, Sections.Cluster c) {
    if (!c.tls()) {
      return eb;
    }
    String cert = c.tlsCert();
    String key = c.tlsKey();
    if (cert.isEmpty() || key.isEmpty()) {
      Path dir = devPair(c.name());
      cert = dir.resolve("cert.pem").toString();
      key = dir.resolve("key.pem").toString();
    }
    String ca = c.tlsCa().isEmpty() ? cert : c.tlsCa();
    return eb.setSsl(true).setClientAuth(ClientAuth.REQUIRED)
        .setKeyCertOptions(new PemKeyCertOptions().setCertPath(cert).setKeyPath(key))
        .setTrustOptions(new PemTrustOptions().addCertPath(ca));
  }

  /**
   * The dev pair of {@code cluster} on this machine, made by the first node that needs it: written
   * to a directory of its own, then moved into place in one step, so two nodes starting at once
   * never mix one's certificate with the other's key.
   */
  static Path devPair(String cluster) {
    Path dir = Path.of(System.getProperty("java.io.tmpdir"), "agentbus-cluster-tls-" + cluster.replaceAll("[^A-Za-z0-9_.-]", "_"));
    IOException last = null;
    // Nodes started together race for it: whoever moves theirs into place first wins, the others
    // use that one (a failed attempt is retried: a lost race may show as any error of the move).
    for (int attempt = 0; attempt < 5; attempt++) {
      if (Files.exists(dir.resolve("key.pem")) && Files.exists(dir.resolve("cert.pem"))) {
        return dir;
      }
      Path fresh = dir.resolveSibling(dir.getFileName() + ".new-" + UUID.randomUUID());
      try {
        write(fresh, "agentbus-" + cluster);
        Files.move(fresh, dir, StandardCopyOption.ATOMIC_MOVE);
        return dir;
      } catch (IOException e) {
        last = e;
        try {
          deleteTree(fresh);
          Thread.sleep(50L * (attempt + 1));
        } catch (IOException | InterruptedException ignored) {
          // best effort: a leftover temp directory holds nothing anyone uses
        }
      }
    }
    if (Files.exists(dir.resolve("key.pem")) && Files.exists(dir.resolve("cert.pem"))) {
      return dir;
    }
    throw new UncheckedIOException("could not make the dev cluster's TLS pair in " + dir + ": " + last, last);
  }

  /** Writes a new self-signed pair as {@code cert.pem} and {@code key.pem} (key readable by its owner only) into {@code dir}. */
  public static void write(Path dir, String commonName) throws IOException {
    SelfSignedCertificate made = SelfSignedCertificate.create(commonName);
    try {
      Files.createDirectories(dir);
      Files.copy(Path.of(made.certificatePath()), dir.resolve("cert.pem"), StandardCopyOption.REPLACE_EXISTING);
      Path key = dir.resolve("key.pem");
      Files.copy(Path.of(made.privateKeyPath()), key, StandardCopyOption.REPLACE_EXISTING);
      try {
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
      } catch (UnsupportedOperationException notPosix) {
        // (not a POSIX file system: left as created)
      }
    } finally {
      made.delete();
    }
  }

  private static void deleteTree(Path p) throws IOException {
    if (!Files.exists(p)) {
      return;
    }
    try (var files = Files.walk(p)) {
      for (Path f : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(f);
      }
    }
  }
}
