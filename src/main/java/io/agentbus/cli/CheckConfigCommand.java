package io.agentbus.cli;

import io.agentbus.config.AgentbusConfig;
import io.agentbus.config.ConfigKeys;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code check-config}: the effective configuration, validated, with secrets masked. */
@Command(name = "check-config", mixinStandardHelpOptions = true,
    description = "Load and check the configuration (conf/ and AGENTBUS_* variables); print it with secrets masked.")
final class CheckConfigCommand implements Callable<Integer> {

  static final List<ConfigKeys.Key> SECRETS = List.of(ConfigKeys.JWT_SECRET, ConfigKeys.ADMIN_TOKEN,
      ConfigKeys.OPENAI_API_KEY);

  @Override
  public Integer call() {
    AgentbusConfig cfg;
    try {
      cfg = Config.load();
    } catch (IllegalArgumentException e) {
      System.err.println("configuration error: " + e.getMessage());
      return 1;
    }
    System.out.println(masked(cfg).encodePrettily());
    return 0;
  }

  /** The config with every secret shown as {@code ***} (or empty when unset) and the database password hidden. */
  static JsonObject masked(AgentbusConfig cfg) {
    JsonObject out = cfg.json().copy();
    for (ConfigKeys.Key k : SECRETS) {
      String[] path = k.path().split("\\.");
      JsonObject at = out;
      for (int i = 0; i < path.length - 1; i++) {
        at = at.getJsonObject(path[i]);
      }
      String v = at.getString(path[path.length - 1], "");
      at.put(path[path.length - 1], v.isEmpty() ? "" : "***");
    }
    String url = cfg.db().url();
    out.getJsonObject("db").put("url", url.replaceAll("(//[^:/@]+):[^@]*@", "$1:***@"));
    return out;
  }
}
