package io.agentbus.lifecycle;

import io.agentbus.config.AgentbusConfig;
import io.agentbus.config.ConfigKeys;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The files that run agentbus outside Maven (docker/, docker/k8s/) agree with conf/ and the code:
 * every AGENTBUS_* name they set is a real setting, ports are conf's, probes hit the lifecycle
 * endpoints, the load balancer hides /metrics and keeps query strings out of its log, the
 * dashboard reads metrics that exist. (No Docker engine here: this is what can be checked without.)
 */
class DeploymentFilesTest {

  static String read(String path) throws Exception {
    return Files.readString(Path.of(path));
  }

  static Set<String> envNames(String text) {
    Set<String> out = new HashSet<>();
    Matcher m = Pattern.compile("\\b(AGENTBUS_[A-Z0-9_]+)\\b").matcher(text);
    while (m.find()) {
      out.add(m.group(1));
    }
    return out;
  }

  static final AgentbusConfig DEFAULTS = AgentbusConfig.load(Map.of());

  @Test
  void everyVariableTheDeploymentFilesSetIsARealSetting() throws Exception {
    Set<String> known = new HashSet<>(AgentbusConfig.LOG_ENV);
    ConfigKeys.all().forEach(k -> known.add(k.env()));
    for (String f : List.of("docker/compose.yml", "docker/Dockerfile", "docker/k8s/configmap.yaml",
        "docker/k8s/deployment.yaml")) {
      for (String name : envNames(read(f))) {
        assertTrue(known.contains(name), name + " in " + f + " is no setting");
      }
    }
  }

  @Test
  void portsAreConfsAndProbesHitTheLifecycleEndpoints() throws Exception {
    int http = DEFAULTS.http().port();
    int hz = DEFAULTS.cluster().port();
    String deployment = read("docker/k8s/deployment.yaml");
    assertTrue(deployment.contains("containerPort: " + http), "http port");
    assertTrue(deployment.contains("containerPort: " + hz), "hazelcast port");
    assertTrue(deployment.contains("path: /health/live") && deployment.contains("path: /health/ready"));
    String config = read("docker/k8s/configmap.yaml");
    assertTrue(config.contains("AGENTBUS_HTTP_PORT: \"" + http + "\""));
    assertTrue(config.contains("AGENTBUS_CLUSTER_PORT: \"" + hz + "\""));
    Matcher eb = Pattern.compile("AGENTBUS_CLUSTER_EVENT_BUS_PORT: \"(\\d+)\"").matcher(config);
    assertTrue(eb.find());
    String headless = read("docker/k8s/service-headless.yaml");
    assertTrue(headless.contains("clusterIP: None") && headless.contains("port: " + hz)
        && headless.contains("port: " + eb.group(1)));
    assertTrue(config.contains("AGENTBUS_CLUSTER_KUBERNETES_SERVICE: agentbus-hz."), "discovery names the headless service");
    Matcher grace = Pattern.compile("terminationGracePeriodSeconds: (\\d+)").matcher(deployment);
    Matcher shutdown = Pattern.compile("AGENTBUS_SHUTDOWN_SECONDS: \"(\\d+)\"").matcher(config);
    assertTrue(grace.find() && shutdown.find());
    assertTrue(Integer.parseInt(grace.group(1)) > Integer.parseInt(shutdown.group(1)) + 3,
        "the grace period must outlast the shutdown and the pre-stop pause");
    assertTrue(read("docker/k8s/pdb.yaml").contains("maxUnavailable: 1"));
    String docker = read("docker/Dockerfile");
    assertTrue(docker.contains("EXPOSE " + http + " " + hz + " " + eb.group(1)), "Dockerfile EXPOSE");
    assertTrue(docker.contains("AGENTBUS_CLUSTER_EVENT_BUS_PORT=" + eb.group(1)));
    assertTrue(docker.contains("/health/ready"));
    String compose = read("docker/compose.yml");
    assertFalse(compose.contains("<>/dev/tcp"), "the image's /bin/sh has no /dev/tcp");
    assertTrue(compose.contains("http://127.0.0.1:" + http + "/health/ready"));
  }

  @Test
  void theLoadBalancerSpreadsHidesMetricsAndLogsNoQueryStrings() throws Exception {
    String nginx = read("docker/nginx.conf");
    assertFalse(nginx.contains("ip_hash;"));
    assertTrue(nginx.contains("hash $sticky_key consistent;"));
    assertTrue(nginx.contains("location = /metrics"));
    Matcher format = Pattern.compile("log_format agentbus ([^;]+);").matcher(nginx);
    assertTrue(format.find());
    assertFalse(format.group(1).contains("$request ") || format.group(1).contains("$request_uri")
        || format.group(1).contains("$args"), "query strings (tokens) in the access log");
  }

  @Test
  void theDashboardReadsMetricsThatExist() throws Exception {
    String metrics = read("src/main/java/io/agentbus/metrics/Metrics.java");
    JsonObject dash = new JsonObject(read("docker/grafana/dashboards/agentbus.json"));
    Matcher m = Pattern.compile("agentbus_[a-z_]+").matcher(dash.encode());
    int n = 0;
    while (m.find()) {
      String name = m.group().replaceAll("_(bucket|sum|count)$", "");
      assertTrue(metrics.contains("\"" + name), name + " is not a metric of the node");
      n++;
    }
    assertTrue(n >= 8);
  }

  @Test
  void theImageAndThePodsRunHardened() throws Exception {
    String docker = read("docker/Dockerfile");
    String runtime = docker.substring(docker.lastIndexOf("\nFROM "));
    assertTrue(runtime.startsWith("\nFROM eclipse-temurin:17-jre"), "a JRE base");
    assertTrue(runtime.contains("\nUSER 10001"), "not root");
    assertTrue(runtime.indexOf("COPY --from=build /src/target/lib") < runtime.indexOf("original-agentbus.jar"),
        "the dependencies' layer before the application's");
    assertTrue(runtime.contains("\"-XX:+UseG1GC\"") && runtime.contains("\"-XX:+ExitOnOutOfMemoryError\""));
    // The flags Hazelcast needs are the fat jar's manifest entries, one by one, and the main class is the pom's.
    String pom = read("pom.xml");
    Matcher opens = Pattern.compile("<Add-Opens>([^<]+)</Add-Opens>").matcher(pom);
    assertTrue(opens.find());
    for (String o : opens.group(1).trim().split("\\s+")) {
      assertTrue(runtime.contains("--add-opens=" + o + "=ALL-UNNAMED"), "--add-opens " + o);
    }
    Matcher exports = Pattern.compile("<Add-Exports>([^<]+)</Add-Exports>").matcher(pom);
    assertTrue(exports.find() && runtime.contains("--add-exports=" + exports.group(1).trim() + "=ALL-UNNAMED"));
    Matcher main = Pattern.compile("<main.class>([^<]+)</main.class>").matcher(pom);
    assertTrue(main.find() && runtime.contains("\"" + main.group(1) + "\"]"), "the pom's main class");
    String ignore = read(".dockerignore");
    for (String excluded : List.of(".git", "target", "**/node_modules", "**/.venv")) {
      assertTrue(ignore.lines().anyMatch(excluded::equals), excluded + " in .dockerignore");
    }
    String deployment = read("docker/k8s/deployment.yaml");
    for (String s : List.of("runAsNonRoot: true", "readOnlyRootFilesystem: true", "allowPrivilegeEscalation: false",
        "drop: [\"ALL\"]", "mountPath: /tmp", "automountServiceAccountToken: false")) {
      assertTrue(deployment.contains(s), s + " in deployment.yaml");
    }
    String policy = read("docker/k8s/networkpolicy.yaml");
    int hz = DEFAULTS.cluster().port();
    assertTrue(policy.contains("app: agentbus") && policy.contains("port: " + hz) && policy.contains("port: 5801")
        && policy.contains("port: " + DEFAULTS.http().port()), "the cluster ports for agentbus pods only, HTTP for the ingress");
    String compose = read("docker/compose.yml");
    assertTrue(compose.contains("read_only: true") && compose.contains("cap_drop: [\"ALL\"]"));
    // Every node of a deployment presents the same cluster TLS pair (prod requires one; containers share no temp dir).
    for (String f : List.of(deployment, compose)) {
      assertTrue(f.contains("AGENTBUS_CLUSTER_TLS_CERT") && f.contains("AGENTBUS_CLUSTER_TLS_KEY")
          && f.contains("/etc/agentbus/cluster-tls/cert.pem"), "the cluster's TLS pair is mounted and named");
    }
    assertTrue(deployment.contains("secretName: agentbus-cluster-tls"));
  }
}
