package io.agentbus.clients;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentbus.support.Commands;
import io.agentbus.support.NodeJs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The TypeScript client (src/clients/js, package agentbus-client) in the fast tier: its Node tests
 * (a fake socket: requests, resume, the outbox, the token provider, close codes, the live views),
 * and its build — type declarations made by tsc from the sources — when its dev dependencies are
 * installed ({@code npm ci} there; {@code .ci/run} does it, so CI never skips it).
 */
class ClientJsTest {

  static final Path DIR = Path.of("src", "clients", "js");

  @Test
  void theClientPassesItsNodeTests() throws Exception {
    Commands.Run r = Commands.run(DIR, Map.of(), 120, NodeJs.require(), "--test", "test/");
    assertEquals(0, r.exit(), r.out());
    assertTrue(r.out().contains("# fail 0"), r.out());
    if (System.getenv("CI") != null) {
      // The hooks' tests need React (npm ci, which .ci/run does): in CI nothing may skip.
      assertTrue(r.out().contains("# skipped 0"), r.out());
    }
  }

  @Test
  void thePackageBuildsWithTypeDeclarations() throws Exception {
    String node = NodeJs.require();
    Path tsc = DIR.resolve("node_modules/typescript/bin/tsc");
    if (!Files.exists(tsc)) {
      Assumptions.assumeTrue(System.getenv("CI") != null,
          "the client's dev dependencies are not installed (cd src/clients/js && npm ci)");
      throw new AssertionError("CI must install the client's dev dependencies (.ci/run runs npm ci in src/clients/js)");
    }
    Commands.Run r = Commands.run(DIR, Map.of(), 180, node, "node_modules/typescript/bin/tsc", "-p", "tsconfig.json");
    assertEquals(0, r.exit(), r.out());
    for (String d : new String[] {"index.d.ts", "client.d.ts", "react.d.ts", "stores.d.ts"}) {
      assertTrue(Files.exists(DIR.resolve("dist").resolve(d)), d + " was made");
    }
    String client = Files.readString(DIR.resolve("dist/client.d.ts"));
    assertTrue(client.contains("class AgentbusClient"), client);
    assertTrue(client.contains("subscribe(target"), client);
  }
}
