package io.agentbus.admin;

import io.agentbus.support.IntegrationTest;
import io.agentbus.support.NodeProcesses;
import io.agentbus.support.NodeProcesses.Cli;
import io.agentbus.support.NodeProcesses.NodeProc;
import io.agentbus.support.TestCluster;
import io.agentbus.support.WsClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Operators with real node processes: the command line of the jar (run as a process, as
 * {@code java -jar agentbus.jar} runs it), the cluster view with a frozen member, and nodes whose
 * workflow templates differ.
 */
@IntegrationTest
class OperatorProcessesTest {

  static final String ADMIN = "ops-admin-token-0123456789";
  static TestCluster db;

  @BeforeAll
  static void database() {
    db = TestCluster.start();
  }

  @AfterAll
  static void drop() {
    db.close();
  }

  static Map<String, String> env(NodeProcesses nodes, String... kv) {
    Map<String, String> e = new HashMap<>(nodes.env());
    for (int i = 0; i + 1 < kv.length; i += 2) {
      e.put(kv[i], kv[i + 1]);
    }
    return e;
  }

  @Test
  void theCommandLineMintsTokensMigratesChecksConfigPublishesAndTailsAcrossADisconnect() throws Exception {
    try (NodeProcesses nodes = new NodeProcesses(db, Map.of("AGENTBUS_ADMIN_TOKEN", ADMIN))) {
      List<NodeProc> started = nodes.startAll(2);
      NodeProc a = started.get(0);
      NodeProc b = started.get(1);
      Map<String, String> env = env(nodes, "AGENTBUS_ADMIN_TOKEN", ADMIN);

      Cli help = NodeProcesses.cli(env, "--help");
      assertEquals(0, help.exit(), help.output());
      for (String c : List.of("serve", "token", "migrate", "check-config", "publish", "tail")) {
        assertTrue(help.output().contains(c), c + " in " + help.output());
        assertEquals(0, NodeProcesses.cli(env, c, "--help").exit(), c);
      }
      Cli bogus = NodeProcesses.cli(env, "token", "--user", "x", "--bogus");
      assertEquals(2, bogus.exit(), bogus.output());
      assertTrue(bogus.output().contains("--bogus"), bogus.output());
      assertEquals(2, NodeProcesses.run(env, "io.agentbus.worker.ExampleWorker", "--rolez", "code").exit());

      // token: a worker's JWT, accepted by the cluster for agent_register.
      Cli token = NodeProcesses.cli(env, "token", "--user", "worker-7", "--role", "agent");
      assertEquals(0, token.exit(), token.output());
      String jwt = token.output().trim().lines().reduce((x, y) -> y).orElseThrow();
      try (WsClient w = db.wsAt(b.httpPort, "token=" + jwt)) {
        assertTrue(w.next("auth_response").getBoolean("success"));
        JsonObject reg = w.replyTo(w.send(new JsonObject().put("type", "agent_register")
            .put("roles", new JsonArray().add("code"))));
        assertFalse("error".equals(reg.getString("type")), reg.encode());
      }

      // --roles beside --role; a failure is one line, never a stack trace.
      Cli roles = NodeProcesses.cli(env, "token", "--user", "ops-1", "--roles", "user,approver");
      assertEquals(0, roles.exit(), roles.output());
      Cli noVar = NodeProcesses.cli(env, "publish", "--url", "http://127.0.0.1:" + a.httpPort, "--token", "@NO_SUCH_VAR",
          "--address", "agentbus.channel.general", "--body", "{}");
      assertEquals(1, noVar.exit(), noVar.output());
      assertTrue(noVar.output().contains("agentbus publish: environment variable NO_SUCH_VAR is not set"), noVar.output());
      assertFalse(noVar.output().contains("\tat "), "no stack trace: " + noVar.output());
      String carol = nodes.http(a).post("/api/auth/token", "{\"userId\":\"carol\"}", null).json().getString("token");
      Cli unknown = NodeProcesses.cli(env, "tail", "--url", "ws://127.0.0.1:" + a.httpPort + "/ws", "--token", carol,
          "--stream", "channel:no-such-channel", "--count", "1");
      assertEquals(1, unknown.exit(), unknown.output());
      assertTrue(unknown.output().contains("NOT_FOUND"), unknown.output());

      // An operator reaches the workflow service: agentbus.workflow.start is no stream's address.
      Cli startedByOps = NodeProcesses.cli(env, "publish", "--url", "http://127.0.0.1:" + a.httpPort, "--token", ADMIN,
          "--mode", "request", "--address", "agentbus.workflow.start",
          "--body", "{\"content\":\"from the operator\",\"sessionId\":\"ops-session-1\"}");
      assertEquals(0, startedByOps.exit(), startedByOps.output());
      assertTrue(new JsonObject(startedByOps.output().trim().substring(4)).getJsonObject("reply").getString("workflowId")
          != null, startedByOps.output());

      // check-config masks secrets; migrate --status says where the schema is.
      Cli cfg = NodeProcesses.cli(env(nodes, "AGENTBUS_ADMIN_TOKEN", ADMIN, "AGENTBUS_OPENAI_API_KEY", "sk-verysecret",
          "AGENTBUS_DB_URL", "postgresql://postgres:hunter2@127.0.0.1:5432/" + db.dbName), "check-config");
      assertEquals(0, cfg.exit(), cfg.output());
      for (String secret : List.of(ADMIN, "sk-verysecret", "hunter2", nodes.env().get("AGENTBUS_JWT_SECRET"))) {
        assertFalse(cfg.output().contains(secret), "leaked " + secret);
      }
      assertTrue(cfg.output().contains("***"));
      Cli migrate = NodeProcesses.cli(env, "migrate", "--status");
      assertEquals(0, migrate.exit(), migrate.output());
      assertTrue(migrate.output().contains("database schema version " + io.agentbus.db.Migrator.latest() + "; this build's "
          + io.agentbus.db.Migrator.latest()), migrate.output());
      assertEquals(1, NodeProcesses.cli(env(nodes, "AGENTBUS_HTTP_PORT", "eighty"), "check-config").exit());

      // publish, and tail following through a kill -9 of its node.
      String alice = nodes.http(a).post("/api/auth/token", "{\"userId\":\"alice\"}", null).json().getString("token");
      Cli first = NodeProcesses.cli(env(nodes, "OPS_TOKEN", ADMIN), "publish", "--url", "http://127.0.0.1:" + a.httpPort, "--token", "@OPS_TOKEN",
          "--address", "agentbus.channel.general", "--body", "{\"content\":\"one\"}");
      assertEquals(0, first.exit(), first.output());
      long seq = new JsonObject(first.output().trim().substring(4)).getLong("seq");
      Path out = Files.createTempFile("tail-", ".out");
      Process tail = NodeProcesses.startCli(env, out, "tail", "--url", "ws://127.0.0.1:" + a.httpPort + "/ws,ws://127.0.0.1:"
          + b.httpPort + "/ws", "--token", alice, "--stream", "channel:general", "--after", String.valueOf(seq - 1),
          "--count", "3");
      awaitLines(out, 1);
      a.kill9();
      for (String c : List.of("two", "three")) {
        Cli p = NodeProcesses.cli(env, "publish", "--url", "http://127.0.0.1:" + b.httpPort, "--token", ADMIN,
            "--address", "agentbus.channel.general", "--body", "{\"content\":\"" + c + "\"}",
            "--idempotency-key", "tail-" + c);
        // Seconds after a kill -9 a request may still be routed to the dead member and answered
        // 503 "retry shortly": retried as an operator would, the key keeps it to one message.
        for (int attempt = 0; p.exit() != 0 && p.output().startsWith("503") && attempt < 5; attempt++) {
          Thread.sleep(1000);
          p = NodeProcesses.cli(env, "publish", "--url", "http://127.0.0.1:" + b.httpPort, "--token", ADMIN,
              "--address", "agentbus.channel.general", "--body", "{\"content\":\"" + c + "\"}",
              "--idempotency-key", "tail-" + c);
        }
        assertEquals(0, p.exit(), p.output());
      }
      assertTrue(tail.waitFor(60, java.util.concurrent.TimeUnit.SECONDS), "tail did not finish");
      List<String> lines = Files.readAllLines(out).stream().filter(l -> l.startsWith("{")).toList();
      assertEquals(List.of("one", "two", "three"), lines.stream().map(l -> new JsonObject(l).getString("content")).toList());
      assertEquals(List.of(seq, seq + 1, seq + 2), lines.stream().map(l -> new JsonObject(l).getLong("seq")).toList());
      Files.deleteIfExists(out);
    }
  }

  static void awaitLines(Path out, int n) throws Exception {
    long deadline = System.currentTimeMillis() + 30_000;
    while (Files.readAllLines(out).stream().filter(l -> l.startsWith("{")).count() < n) {
      if (System.currentTimeMillis() > deadline) {
        throw new AssertionError("tail printed " + Files.readString(out));
      }
      Thread.sleep(100);
    }
  }

  @Test
  void aFrozenMemberIsUnreachableInTheViewAndDifferentTemplatesAndAgentKindsAreReported() throws Exception {
    String other = Path.of(OperatorProcessesTest.class.getResource("/workflows-chaos.json").toURI()).toString();
    try (NodeProcesses nodes = new NodeProcesses(db, Map.of("AGENTBUS_ADMIN_TOKEN", ADMIN))) {
      NodeProc a = nodes.start(0);
      NodeProcesses.awaitUp(a, 1, 90_000);
      // b has other templates, and a model key: its scripted roles are played by the model.
      NodeProc b = nodes.start(1, "256m", Map.of("AGENTBUS_ORCHESTRATOR_WORKFLOWS_FILE", other,
          "AGENTBUS_OPENAI_API_KEY", "sk-test-not-used"));
      NodeProcesses.awaitUp(b, 2, 90_000);
      long deadline = System.currentTimeMillis() + 10_000;
      while (!b.logText().contains("differ from node") && System.currentTimeMillis() < deadline) {
        Thread.sleep(200);
      }
      assertTrue(b.logText().contains("differ from node"), "no warning in the log of the node with other templates");
      JsonObject view = nodes.http(a).request("GET", "/admin/cluster", null, "Authorization", "Bearer " + ADMIN).json();
      assertFalse(view.getBoolean("templatesAgree"), view.encode());
      assertFalse(view.getBoolean("agentKindsAgree"), view.encode());
      JsonObject bView = view.getJsonArray("members").stream().map(JsonObject.class::cast)
          .filter(m -> !view.getString("nodeId").equals(m.getString("nodeId"))).findFirst().orElseThrow();
      assertTrue(bView.getString("agentKinds").contains("=openai") && !bView.getString("agentKinds").contains("=scripted"),
          bView.encode());

      b.signal("STOP");
      try {
        long t0 = System.currentTimeMillis();
        JsonObject frozen = nodes.http(a).request("GET", "/admin/cluster", null, "Authorization", "Bearer " + ADMIN).json();
        long took = System.currentTimeMillis() - t0;
        assertTrue(took < 2_500, "answered after " + took + " ms");
        JsonArray members = frozen.getJsonArray("members");
        assertEquals(2, members.size(), frozen.encode());
        assertTrue(members.stream().anyMatch(m -> !((JsonObject) m).getBoolean("reachable")), frozen.encode());
        assertTrue(members.stream().anyMatch(m -> ((JsonObject) m).getBoolean("reachable")), frozen.encode());
      } finally {
        b.signal("CONT");
      }
    }
  }
}
