package io.agentbus.support;

import java.util.Map;
import org.junit.jupiter.api.AfterAll;

/**
 * Base of test classes that share one two-node cluster, with tokens for alice and bob. A subclass
 * starts it from its own {@code @BeforeAll} (choosing the nodes' environment); it is closed after
 * the class.
 */
@IntegrationTest
public abstract class TwoNodeClusterTest {

  protected static TestCluster cluster;
  protected static String alice;
  protected static String bob;

  protected static void startCluster(Map<String, String> env) {
    cluster = TestCluster.start(env, env);
    alice = cluster.token("alice");
    bob = cluster.token("bob");
  }

  @AfterAll
  static void stopCluster() {
    if (cluster != null) {
      cluster.close();
      cluster = null;
    }
  }
}
