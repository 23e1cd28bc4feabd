package io.agentbus.config;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's configuration: built-in defaults ({@link ConfigKeys}) &lt; the config file &lt;
 * {@code AGENTBUS_*} environment variables, validated at load. Code outside this package reads it
 * through the typed sections ({@link #db()}, {@link #limits()}, … — {@link Sections}), so no key
 * is spelled at a call site.
 */
public final class AgentbusConfig {

  private static final Logger LOG = LoggerFactory.getLogger(AgentbusConfig.class);
  /** Env var naming an alternative config file. */
  public static final String CONFIG_FILE_ENV = "AGENTBUS_CONFIG";
  /** Read by logback.xml: the log format (text, json) and agentbus's log level. */
  public static final java.util.List<String> LOG_ENV = java.util.List.of("AGENTBUS_LOG_FORMAT", "AGENTBUS_LOG_LEVEL");

  private final JsonObject json;

  public AgentbusConfig(JsonObject json) {
    this.json = json;
  }

  /** Loads defaults, the config file and the environment; fails with a readable message. */
  public static AgentbusConfig load(Map<String, String> env) {
    JsonObject merged = new JsonObject();
    for (ConfigKeys.Key k : ConfigKeys.all()) {
      put(merged, k.path(), k.dflt());
    }
    JsonObject file = readFile(env.get(CONFIG_FILE_ENV));
    Set<String> paths = ConfigKeys.all().stream().map(ConfigKeys.Key::path).collect(Collectors.toSet());
    for (String p : leaves(file, "")) {
      if (!paths.contains(p)) {
        // A misspelt key would otherwise be ignored and its default used without a word.
        throw new IllegalArgumentException("config file: unknown key '" + p + "' (docs/configuration.md, lists them)");
      }
    }
    for (ConfigKeys.Key k : ConfigKeys.all()) {
      Object v = get(file, k.path());
      if (v != null) {
        put(merged, k.path(), coerce(k, v));
      }
    }
    Set<String> known = ConfigKeys.all().stream().map(ConfigKeys.Key::env).collect(Collectors.toSet());
    known.add(CONFIG_FILE_ENV);
    known.addAll(LOG_ENV); // read by logback.xml itself
    for (Map.Entry<String, String> e : env.entrySet()) {
      if (!e.getKey().startsWith("AGENTBUS_")) {
        continue;
      }
      if (!known.contains(e.getKey())) {
        LOG.warn("Unknown environment variable {} ignored (see docs/configuration.md)", e.getKey());
      }
    }
    for (ConfigKeys.Key k : ConfigKeys.all()) {
      String v = env.get(k.env());
      if (v != null) {
        put(merged, k.path(), coerce(k, v));
      }
    }
    AgentbusConfig cfg = new AgentbusConfig(merged);
    cfg.validate();
    return cfg;
  }

  /** The dotted paths of a config file's values ({@code _doc}-style keys, starting with _, are comments). */
  private static java.util.List<String> leaves(JsonObject o, String prefix) {
    java.util.List<String> out = new java.util.ArrayList<>();
    for (String k : o.fieldNames()) {
      if (k.startsWith("_")) {
        continue;
      }
      Object v = o.getValue(k);
      if (v instanceof JsonObject child) {
        out.addAll(leaves(child, prefix + k + "."));
      } else {
        out.add(prefix + k);
      }
    }
    return out;
  }

  private static JsonObject readFile(String explicit) {
    try {
      if (explicit != null && !explicit.isBlank()) {
        return new JsonObject(Files.readString(Path.of(explicit)));
      }
      Path local = Path.of("conf", "agentbus.json");
      if (Files.isRegularFile(local)) {
        return new JsonObject(Files.readString(local));
      }
      try (InputStream in = AgentbusConfig.class.getResourceAsStream("/conf/agentbus.json")) {
        return in == null ? new JsonObject() : new JsonObject(new String(in.readAllBytes(), StandardCharsets.UTF_8));
      }
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException("Cannot read the configuration file"
          + (explicit == null ? "" : " " + explicit) + ": " + e.getMessage(), e);
    }
  }

  private static Object coerce(ConfigKeys.Key k, Object v) {
    Object d = k.dflt();
    try {
      if (d instanceof Integer) {
        return v instanceof Number n ? n.intValue() : Integer.parseInt(v.toString().trim());
      }
      if (d instanceof Boolean) {
        return v instanceof Boolean b ? b : Boolean.parseBoolean(v.toString().trim());
      }
      return v.toString();
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("Configuration " + k.path() + " (" + k.env() + ") must be a whole number, got '" + v + "'");
    }
  }

  private static Object get(JsonObject o, String path) {
    String[] parts = path.split("\\.");
    JsonObject cur = o;
    for (int i = 0; i < parts.length - 1; i++) {
      Object next = cur.getValue(parts[i]);
      if (!(next instanceof JsonObject j)) {
        return null;
      }
      cur = j;
    }
    return cur.getValue(parts[parts.length - 1]);
  }

  private static void put(JsonObject o, String path, Object value) {
    String[] parts = path.split("\\.");
    JsonObject cur = o;
    for (int i = 0; i < parts.length - 1; i++) {
      JsonObject next = cur.getJsonObject(parts[i]);
      if (next == null) {
        next = new JsonObject();
        cur.put(parts[i], next);
      }
      cur = next;
    }
    cur.put(parts[parts.length - 1], value);
  }

  private void validate() {
    List<String> problems = new ArrayList<>();
    if (!Set.of("dev", "prod").contains(string(ConfigKeys.PROFILE))) {
      problems.add("profile (AGENTBUS_PROFILE) must be dev or prod");
    }
    for (ConfigKeys.Key k : List.of(ConfigKeys.HTTP_PORT, ConfigKeys.CLUSTER_PORT)) {
      int p = integer(k);
      if (p < 0 || p > 65535) {
        problems.add(k.path() + " (" + k.env() + ") must be a port number");
      }
    }
    if (!Set.of("epoll", "io_uring", "nio").contains(string(ConfigKeys.TRANSPORT))) {
      problems.add("transport (AGENTBUS_TRANSPORT) must be epoll, io_uring or nio");
    }
    for (String v : verticles()) {
      if (Verticle.named(v) == null) {
        problems.add("verticles (AGENTBUS_VERTICLES): unknown verticle '" + v + "' (known: "
            + String.join(", ", Verticle.names()) + ")");
      }
    }
    for (ConfigKeys.Key k : List.of(ConfigKeys.DB_POOL_SIZE, ConfigKeys.MAX_FRAME_BYTES, ConfigKeys.MAX_CONTENT_CHARS,
        ConfigKeys.HISTORY_MAX, ConfigKeys.RATE_PER_SECOND, ConfigKeys.RATE_BURST, ConfigKeys.SEND_QUEUE_BYTES,
        ConfigKeys.AUTH_TIMEOUT_MS, ConfigKeys.TOKEN_TTL_SECONDS, ConfigKeys.HTTP_SSE_KEEP_ALIVE_MS, ConfigKeys.GAP_FILL_MS, ConfigKeys.RESYNC_MS,
        ConfigKeys.LEASE_SECONDS, ConfigKeys.APPROVALS_SWEEP_MS, ConfigKeys.UPLOADS_MAX_FILE_BYTES,
        ConfigKeys.UPLOADS_MAX_FILES, ConfigKeys.UPLOADS_QUOTA_BYTES)) {
      if (integer(k) <= 0) {
        problems.add(k.path() + " (" + k.env() + ") must be positive");
      }
    }
    for (Verticle v : Verticle.values()) {
      ConfigKeys.Key k = v.instances;
      if (integer(k) <= 0) {
        problems.add(k.path() + " (" + k.env() + ") must be positive");
      }
    }
    if (integer(ConfigKeys.EVENTS_KEPT_SECONDS) < 0) {
      problems.add(ConfigKeys.EVENTS_KEPT_SECONDS.path() + " (" + ConfigKeys.EVENTS_KEPT_SECONDS.env()
          + ") must be 0 (for ever) or positive");
    }
    String tls = string(ConfigKeys.CLUSTER_TLS);
    if (!tls.equals("on") && !tls.equals("off")) {
      problems.add(ConfigKeys.CLUSTER_TLS.path() + " (" + ConfigKeys.CLUSTER_TLS.env() + ") must be on or off");
    } else if (isProd() && tls.equals("off")) {
      problems.add("the prod profile keeps the clustered event bus closed: AGENTBUS_CLUSTER_TLS=off is for dev only");
    } else if (isProd() && (string(ConfigKeys.CLUSTER_TLS_CERT).isEmpty() || string(ConfigKeys.CLUSTER_TLS_KEY).isEmpty())) {
      problems.add("the prod profile needs the cluster's TLS pair: AGENTBUS_CLUSTER_TLS_CERT and AGENTBUS_CLUSTER_TLS_KEY "
          + "(PEM files; `java -jar agentbus.jar cluster-cert --out <dir>` makes them)");
    }
    if (!string(ConfigKeys.OIDC_ISSUER).isBlank() && isProd() && string(ConfigKeys.OIDC_REDIRECT_URL).isBlank()) {
      problems.add("single sign-on in the prod profile needs the public callback URL: set AGENTBUS_AUTH_OIDC_REDIRECT_URL "
          + "(https://<your host>/auth/callback, as registered at the provider)");
    }
    try {
      io.agentbus.auth.RoleMapping.parse(string(ConfigKeys.ROLE_MAP));
    } catch (IllegalArgumentException e) {
      problems.add(ConfigKeys.ROLE_MAP.path() + " (" + ConfigKeys.ROLE_MAP.env() + "): " + e.getMessage());
    }
    if (isProd() && string(ConfigKeys.JWT_SECRET).isEmpty()) {
      problems.add("the prod profile needs a JWT secret: set AGENTBUS_JWT_SECRET (at least 32 characters)");
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException("Invalid configuration:\n  - " + String.join("\n  - ", problems));
    }
  }

  public JsonObject json() {
    return json;
  }

  public Sections.Http http() {
    return Sections.Http.of(this);
  }

  public Sections.Cluster cluster() {
    return Sections.Cluster.of(this);
  }

  public Sections.Db db() {
    return Sections.Db.of(this);
  }

  public Sections.Auth auth() {
    return Sections.Auth.of(this);
  }

  public Sections.Admin admin() {
    return Sections.Admin.of(this);
  }

  public Sections.Limits limits() {
    return Sections.Limits.of(this);
  }

  public Sections.Orchestrator orchestrator() {
    return Sections.Orchestrator.of(this);
  }

  public Sections.Uploads uploads() {
    return Sections.Uploads.of(this);
  }

  public Sections.Node node() {
    return Sections.Node.of(this);
  }

  /** How many instances of {@code v} this node deploys. */
  public int instances(Verticle v) {
    return integer(v.instances);
  }

  /** A copy with the resolved JWT secret and database URL (the node resolves both at start). */
  public AgentbusConfig resolved(String jwtSecret, String dbUrl) {
    return with(ConfigKeys.JWT_SECRET, jwtSecret).with(ConfigKeys.DB_URL, dbUrl);
  }

  /** The value of one key; for tools that list keys (the CLI's config check), not for the node's parts. */
  public String string(ConfigKeys.Key k) {
    Object v = get(json, k.path());
    return v == null ? "" : v.toString();
  }

  int integer(ConfigKeys.Key k) {
    Object v = get(json, k.path());
    return v instanceof Number n ? n.intValue() : Integer.parseInt(String.valueOf(v));
  }

  /** A copy with one key changed (used to hand resolved values, such as the JWT secret, to verticles). */
  AgentbusConfig with(ConfigKeys.Key k, Object value) {
    JsonObject copy = json.copy();
    put(copy, k.path(), value);
    return new AgentbusConfig(copy);
  }

  public boolean isProd() {
    return "prod".equals(string(ConfigKeys.PROFILE));
  }

  public boolean devLogin() {
    String v = string(ConfigKeys.DEV_LOGIN).trim();
    return v.isEmpty() ? !isProd() : Boolean.parseBoolean(v);
  }

  /** Whether this node runs {@code v}. */
  public boolean runs(Verticle v) {
    return verticles().contains(v.id);
  }

  /** The verticles this node runs, as named in config (validated: each is a {@link Verticle}). */
  public List<String> verticles() {
    return Arrays.stream(string(ConfigKeys.VERTICLES).split(","))
        .map(String::trim).filter(s -> !s.isEmpty()).toList();
  }
}
