package io.agentbus.support;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs a tool (node, a virtualenv's python) as a process of the test, bounded in time. */
public final class Commands {

  private Commands() {}

  /** What a finished command printed and its exit code. */
  public record Run(int exit, String out) {}

  /** Runs {@code command} in {@code dir} with {@code env} added, at most {@code seconds}. */
  public static Run run(Path dir, Map<String, String> env, int seconds, String... command) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(new ArrayList<>(List.of(command))).directory(dir.toFile())
        .redirectErrorStream(true);
    pb.environment().putAll(env);
    Process p = pb.start();
    String[] out = new String[1];
    Thread reader = new Thread(() -> {
      try {
        out[0] = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      } catch (Exception e) {
        out[0] = e.toString();
      }
    });
    reader.start();
    if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      reader.join(2000);
      throw new AssertionError(String.join(" ", command) + " did not finish in " + seconds + " s: " + out[0]);
    }
    reader.join(5000);
    return new Run(p.exitValue(), out[0]);
  }
}
