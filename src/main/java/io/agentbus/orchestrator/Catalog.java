package io.agentbus.orchestrator;

import io.agentbus.bus.Names;
import io.agentbus.orchestrator.agent.AgentSpec;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The templates and role agents of {@code conf/workflows.json}, validated once at start so a typo
 * stops the node with a message naming the template and field instead of failing a user's
 * workflow later.
 */
public final class Catalog {

  private static final Logger LOG = LoggerFactory.getLogger(Catalog.class);

  public static final Set<String> KINDS = Set.of("scripted", "worker", "openai");
  private static final Pattern ROLE = Names.AGENT_ROLE;
  private static final Set<String> ON_REJECT = Set.of("revise", "fail");
  private static final Set<String> ON_TIMEOUT = Set.of("fail", "approve");

  /** How one role is played: {@code kind} plus that kind's settings (the whole JSON entry). */
  private final String defaultTemplate;
  private final String defaultRole;
  private final Map<String, Template> templates = new LinkedHashMap<>();
  private final Map<String, AgentSpec> agents = new LinkedHashMap<>();
  private final int defaultTimeout;
  private final int defaultRetries;
  private final long defaultRetryDelay;

  /**
   * @param file the parsed workflows file
   * @param kindOverrides {@code role=kind} pairs (config {@code orchestrator.agentKinds}), applied on top
   */
  public Catalog(JsonObject file, Map<String, String> kindOverrides) {
    WorkflowsFile.bind(file.encode()); // the shape first: unknown and mistyped fields stop here, named
    JsonObject d = file.getJsonObject("defaults", new JsonObject());
    defaultTimeout = positive(d, "timeoutSeconds", 120, "defaults");
    defaultRetries = nonNegative(d, "retries", 1, "defaults");
    defaultRetryDelay = nonNegative(d, "retryDelayMs", 500, "defaults");
    JsonObject a = file.getJsonObject("agents", new JsonObject());
    for (String role : a.fieldNames()) {
      if (!ROLE.matcher(role).matches()) {
        throw bad("agents", "role '" + role + "' must match " + ROLE.pattern());
      }
      JsonObject s = a.getJsonObject(role);
      String fileKind = s.getString("kind", "scripted");
      // "*=kind" plays every scripted role so (a model key alone turns the demo team into models).
      String kind = kindOverrides.getOrDefault(role, "scripted".equals(fileKind) && kindOverrides.containsKey(EVERY)
          ? kindOverrides.get(EVERY) : fileKind);
      if (!KINDS.contains(kind)) {
        throw bad("agents." + role, "kind '" + kind + "' is not one of " + KINDS);
      }
      agents.put(role, new AgentSpec(role, kind, s.getString("name", capitalise(role)), s));
    }
    for (String role : kindOverrides.keySet()) {
      if (EVERY.equals(role)) {
        if (!KINDS.contains(kindOverrides.get(role))) {
          throw bad("orchestrator.agentKinds", "'*=" + kindOverrides.get(role) + "' is not *=kind");
        }
      } else if (!agents.containsKey(role)) {
        if (!ROLE.matcher(role).matches() || !KINDS.contains(kindOverrides.get(role))) {
          throw bad("orchestrator.agentKinds", "'" + role + "=" + kindOverrides.get(role) + "' is not role=kind");
        }
        agents.put(role, new AgentSpec(role, kindOverrides.get(role), capitalise(role), new JsonObject()));
      }
    }
    JsonObject t = file.getJsonObject("templates", new JsonObject());
    for (String name : t.fieldNames()) {
      templates.put(name, parse(name, t.getJsonObject(name)));
    }
    defaultTemplate = file.getString("defaultTemplate", "default");
    defaultRole = file.getString("defaultRole", agents.containsKey("code") ? "code" : agents.keySet().iterator().next());
    if (!agents.containsKey(defaultRole)) {
      throw bad("defaultRole", "no agent role '" + defaultRole + "'");
    }
    if (!templates.containsKey(defaultTemplate)) {
      throw bad("defaultTemplate", "no template named '" + defaultTemplate + "'");
    }
  }

  /** Reads the workflows file, or the copy built into the jar when the configured path does not exist. */
  public static JsonObject readFile(String file) throws IOException {
    Path p = Path.of(file);
    if (Files.isRegularFile(p)) {
      return new JsonObject(Files.readString(p));
    }
    try (InputStream in = Catalog.class.getResourceAsStream("/conf/workflows.json")) {
      if (in == null) {
        throw new IOException("no workflows file at " + p.toAbsolutePath() + " and none built in");
      }
      LOG.info("No workflows file at {}; using the built-in templates", p.toAbsolutePath());
      return new JsonObject(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
  }

  /** In a kinds override list, the role that stands for every scripted role of the file. */
  static final String EVERY = "*";

  /** Every role and how it is played, sorted: {@code code=openai,design=scripted} (the cluster view compares them). */
  public String kindsSummary() {
    return agents.values().stream().sorted(java.util.Comparator.comparing(AgentSpec::role))
        .map(s -> s.role() + "=" + s.kind()).collect(java.util.stream.Collectors.joining(","));
  }

  /** Parses a kinds override list: {@code code=worker,qa=openai}; {@code *=openai} for every scripted role. */
  public static Map<String, String> parseKinds(String list) {
    Map<String, String> m = new LinkedHashMap<>();
    for (String pair : list.split(",")) {
      if (pair.isBlank()) {
        continue;
      }
      String[] kv = pair.trim().split("=", 2);
      if (kv.length != 2) {
        throw bad("orchestrator.agentKinds", "'" + pair + "' is not role=kind");
      }
      m.put(kv[0].trim(), kv[1].trim());
    }
    return m;
  }

  private Template parse(String name, JsonObject j) {
    String where = "templates." + name;
    int timeout = positive(j, "timeoutSeconds", defaultTimeout, where);
    int retries = nonNegative(j, "retries", defaultRetries, where);
    long delay = nonNegative(j, "retryDelayMs", (int) defaultRetryDelay, where);
    JsonArray steps = j.getJsonArray("steps");
    if (steps == null || steps.isEmpty()) {
      throw bad(where, "'steps' must be a non-empty array");
    }
    List<Template.Step> out = new ArrayList<>();
    for (int i = 0; i < steps.size(); i++) {
      String at = where + ".steps[" + i + "]";
      JsonObject s = steps.getJsonObject(i);
      if (s.containsKey("approval")) {
        out.add(new Template.Step(List.of(), gate(s.getJsonObject("approval"), at + ".approval")));
      } else if (s.containsKey("parallel")) {
        JsonArray group = s.getJsonArray("parallel");
        if (group == null || group.size() < 2) {
          throw bad(at, "'parallel' needs at least two agents");
        }
        List<Template.AgentStep> members = new ArrayList<>();
        for (int k = 0; k < group.size(); k++) {
          members.add(agentStep(group.getJsonObject(k), at + ".parallel[" + k + "]", timeout, retries, delay));
        }
        out.add(new Template.Step(members, null));
      } else {
        out.add(new Template.Step(List.of(agentStep(s, at, timeout, retries, delay)), null));
      }
    }
    return new Template(name, j.getString("description", ""), out);
  }

  private Template.AgentStep agentStep(JsonObject s, String at, int timeout, int retries, long delay) {
    String role = s.getString("role");
    if (role == null || !agents.containsKey(role)) {
      throw bad(at, "'role' must name an agent in 'agents' " + agents.keySet() + ", not '" + role + "'");
    }
    Number est = s.getNumber("estimatedTime", 1);
    if (est.doubleValue() < 0) {
      throw bad(at, "'estimatedTime' (minutes) must not be negative");
    }
    return new Template.AgentStep(role, est.doubleValue(), s.getString("task"),
        positive(s, "timeoutSeconds", timeout, at), nonNegative(s, "retries", retries, at),
        nonNegative(s, "retryDelayMs", (int) delay, at));
  }

  /** Gates are filled in by the approvals verticle; their policy is checked here, with the rest. */
  private static JsonObject gate(JsonObject g, String at) {
    if (g == null) {
      throw bad(at, "must be an object");
    }
    JsonObject out = g.copy();
    out.put("title", g.getString("title", "Approval required"));
    out.put("description", g.getString("description", ""));
    out.put("requiredBy", g.getString("requiredBy", "owner"));
    out.put("timeoutMinutes", g.getNumber("timeoutMinutes", 30));
    if (out.getNumber("timeoutMinutes").doubleValue() <= 0) {
      throw bad(at, "'timeoutMinutes' must be positive");
    }
    if (!ON_REJECT.contains(out.put("onReject", g.getString("onReject", "fail")).getString("onReject"))) {
      throw bad(at, "'onReject' must be one of " + ON_REJECT);
    }
    if (!ON_TIMEOUT.contains(out.put("onTimeout", g.getString("onTimeout", "fail")).getString("onTimeout"))) {
      throw bad(at, "'onTimeout' must be one of " + ON_TIMEOUT);
    }
    out.put("maxRevisions", nonNegative(g, "maxRevisions", 2, at));
    return out;
  }

  public Template template(String name) {
    return templates.get(name == null ? defaultTemplate : name);
  }

  public Set<String> templateNames() {
    return templates.keySet();
  }

  public AgentSpec agent(String role) {
    return agents.get(role);
  }

  /** The role a /parallel task without {@code @role} goes to. */
  public String defaultRole() {
    return defaultRole;
  }

  public Set<String> roles() {
    return agents.keySet();
  }

  /** A one-off template: each task goes to its role, all at once when there are several (/assign, /parallel). */
  public Template adHoc(String name, List<String[]> roleAndTask) {
    List<Template.AgentStep> members = new ArrayList<>();
    for (String[] rt : roleAndTask) {
      members.add(new Template.AgentStep(rt[0], 1, rt[1], defaultTimeout, defaultRetries, defaultRetryDelay));
    }
    return new Template(name, "", List.of(new Template.Step(members, null)));
  }

  private static int positive(JsonObject j, String key, int dflt, String where) {
    int v = integer(j, key, dflt, where);
    if (v <= 0) {
      throw bad(where, "'" + key + "' must be positive");
    }
    return v;
  }

  private static int nonNegative(JsonObject j, String key, int dflt, String where) {
    int v = integer(j, key, dflt, where);
    if (v < 0) {
      throw bad(where, "'" + key + "' must not be negative");
    }
    return v;
  }

  private static int integer(JsonObject j, String key, int dflt, String where) {
    Object v = j.getValue(key);
    if (v == null) {
      return dflt;
    }
    if (!(v instanceof Integer || v instanceof Long)) {
      throw bad(where, "'" + key + "' must be a whole number");
    }
    return ((Number) v).intValue();
  }

  private static String capitalise(String role) {
    return Character.toUpperCase(role.charAt(0)) + role.substring(1);
  }

  private static IllegalArgumentException bad(String where, String what) {
    return new IllegalArgumentException("workflows file: " + where + ": " + what);
  }

  /** What {@code GET /api/templates} shows: each template's steps (roles, or a gate's title), and the roles. */
  public JsonObject describe() {
    JsonArray list = new JsonArray();
    for (String name : templateNames()) {
      Template t = template(name);
      JsonArray steps = new JsonArray();
      for (Template.Step s : t.steps()) {
        steps.add(s.isGate() ? new JsonObject().put("approval", s.gate().getString("title"))
            : new JsonObject().put("roles", new JsonArray(s.agents().stream().map(Template.AgentStep::role).toList())));
      }
      list.add(new JsonObject().put("name", name).put("description", t.description())
          .put("default", name.equals(template(null).name())).put("steps", steps));
    }
    return new JsonObject().put("templates", list).put("roles", new JsonArray(List.copyOf(roles())));
  }
}
