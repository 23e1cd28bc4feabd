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
}
