package io.agentbus.node;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The house rule of issue 21, read off the sources: node-wide parts are built once by the node
 * and handed in ({@link NodeParts}); nothing looks one up by name, nothing makes its own pool,
 * and configuration is read through its typed sections, never by key at the call site.
 */
class PartsHandedInTest {

  private static final Path MAIN = Path.of("src/main/java/io/agentbus");

  /** Lines of main sources (outside {@code allowed} paths) that match {@code p}, as path:line. */
  private static List<String> offenders(Pattern p, String... allowed) throws IOException {
    List<String> out = new ArrayList<>();
    try (Stream<Path> files = Files.walk(MAIN)) {
      for (Path f : files.filter(x -> x.toString().endsWith(".java")).toList()) {
        String rel = MAIN.relativize(f).toString().replace('\\', '/');
        if (Stream.of(allowed).anyMatch(rel::equals)) {
          continue;
        }
        List<String> lines = Files.readAllLines(f);
        for (int i = 0; i < lines.size(); i++) {
          String line = lines.get(i).trim();
          if (!line.startsWith("*") && !line.startsWith("//") && p.matcher(line).find()) {
            out.add(rel + ":" + (i + 1) + ": " + line);
          }
        }
      }
    }
    return out;
  }

  @Test
  void noSharedPartIsLookedUpByName() throws IOException {
    assertEquals(List.of(), offenders(Pattern.compile("getLocalMap\\(|implements Shareable")));
  }

  @Test
  void poolsAreMadeOnlyForTheNode() throws IOException {
    // The migrator and the database check make short-lived pools of their own inside db/ and Node.
    assertEquals(List.of(), offenders(Pattern.compile("Database\\.(pool|searchPool)\\("), "node/NodeParts.java"));
  }

  @Test
  void verticlesReceiveTheirPartsInsteadOfReadingDeploymentConfig() throws IOException {
    assertEquals(List.of(), offenders(Pattern.compile("new AgentbusConfig\\(config\\(\\)\\)|\\bconfig\\(\\)\\.get")));
  }

  @Test
  void configurationIsReadThroughTypedSections() throws IOException {
    // The CLI's config check names the secret keys it masks; everything else reads sections.
    assertEquals(List.of(), offenders(Pattern.compile("ConfigKeys\\.[A-Z_]+"), "config/ConfigKeys.java",
        "config/AgentbusConfig.java", "config/Sections.java", "config/Verticle.java", "cli/CheckConfigCommand.java"));
  }
}
