package io.agentbus.node;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** (fast tier) Dev nodes started together agree on one generated pair: none fails, none keeps its own. */
class ClusterTlsTest {

  @Test
  void nodesStartingTogetherShareOneDevPair() throws Exception {
    String cluster = "race-" + UUID.randomUUID();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<Path>> made = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        made.add(pool.submit(() -> ClusterTls.devPair(cluster)));
      }
      Path dir = made.get(0).get();
      for (Future<Path> f : made) {
        assertEquals(dir, f.get());
      }
      assertTrue(Files.readString(dir.resolve("cert.pem")).startsWith("-----BEGIN CERTIFICATE-----"));
      assertTrue(Files.readString(dir.resolve("key.pem")).contains("PRIVATE KEY"));
      try (var left = Files.list(dir.getParent())) {
        assertTrue(left.noneMatch(p -> p.getFileName().toString().startsWith(dir.getFileName() + ".new-")),
            "no half-made pair is left behind");
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
