package io.agentbus.config;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The configuration reference in {@code docs/configuration.md} is {@link ConfigKeys}, rendered: a
 * key added, removed or changed without the docs fails here. {@code -Dagentbus.docs.write=true}
 * rewrites the table from the keys instead.
 */
class ConfigReferenceTest {

  private static final Path DOC = Path.of("docs", "configuration.md");
  private static final String BEGIN = "<!-- BEGIN ConfigKeys";
  private static final String END = "<!-- END ConfigKeys -->";

  static String table() {
    StringBuilder sb = new StringBuilder("| variable | config key | default | meaning |\n|---|---|---|---|\n");
    for (ConfigKeys.Key k : ConfigKeys.all()) {
      String dflt = String.valueOf(k.dflt()).isEmpty() ? "(empty)" : "`" + k.dflt() + "`";
      sb.append("| `").append(k.env()).append("` | `").append(k.path()).append("` | ").append(dflt).append(" | ")
          .append(k.doc().replace("|", "\\|")).append(" |\n");
    }
    return sb.toString();
  }

  @Test
  void theDocumentedConfigurationIsExactlyConfigKeys() throws Exception {
    String doc = Files.readString(DOC, StandardCharsets.UTF_8);
    int begin = doc.indexOf(BEGIN);
    int end = doc.indexOf(END);
    assertTrue(begin >= 0 && end > begin, DOC + " has the generated table's markers");
    int tableStart = doc.indexOf('\n', begin) + 1;
    String expected = table();
    if (Boolean.getBoolean("agentbus.docs.write")) {
      Files.writeString(DOC, doc.substring(0, tableStart) + expected + doc.substring(end), StandardCharsets.UTF_8);
      return;
    }
    assertEquals(expected, doc.substring(tableStart, end),
        DOC + " differs from ConfigKeys; run mvn test -Dtest=ConfigReferenceTest -Dagentbus.docs.write=true");
  }
}
