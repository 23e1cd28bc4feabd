package io.agentbus.cli;

import io.agentbus.auth.TokenService;
import io.agentbus.config.AgentbusConfig;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code token}: mints a JWT with the configured secret (how a prod worker gets its token). */
@Command(name = "token", mixinStandardHelpOptions = true,
    description = "Print a JWT for a user or an agent worker, signed with the cluster's secret.")
final class TokenCommand implements Callable<Integer> {

  @Option(names = "--user", required = true, description = "the user id (a worker: its name)")
  String user;

  @Option(names = {"--role", "--roles"}, split = ",",
      description = "roles: user, approver, admin, agent (repeat or comma list)")
  List<String> roles = List.of();

  @Option(names = "--ttl-seconds", description = "lifetime (default: auth.tokenTtlSeconds)")
  Integer ttl;

  @Override
  public Integer call() {
    for (String r : roles) {
      if (!TokenService.KNOWN_ROLES.contains(r)) {
        System.err.println("unknown role '" + r + "' (roles: " + TokenService.KNOWN_ROLES + ")");
        return 2;
      }
    }
    if (!io.agentbus.bus.Names.isUserId(user)) {
      System.err.println("'" + user + "' is not a valid user id");
      return 2;
    }
    AgentbusConfig cfg = Config.load();
    Vertx vertx = Vertx.vertx();
    try {
      io.agentbus.config.Sections.Auth auth = cfg.auth();
      int lifetime = ttl != null ? ttl : auth.tokenTtlSeconds();
      TokenService tokens = new TokenService(vertx, Config.jwtSecret(vertx, cfg), lifetime,
          auth.issuer(), auth.audience(), auth.rolesClaim());
      System.out.println(tokens.issue(user, roles).getString("token"));
      return 0;
    } catch (RuntimeException e) {
      System.err.println("token: " + e.getMessage());
      return 1;
    } finally {
      vertx.close().await();
    }
  }
}
