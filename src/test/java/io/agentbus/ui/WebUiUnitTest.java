package io.agentbus.ui;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The web UI's own fast tier, in the build's fast tier: its Node tests (src/main/webui/test, run
 * with Node's built-in runner, no npm install) and that every WebJar path the page names is in
 * the jar at that version.
 */
class WebUiUnitTest {

  private static final Path WEBUI = Path.of("src", "main", "webui");

  @Test
  void theUiModulesPassTheirNodeTests() throws Exception {
    io.agentbus.support.Commands.Run r = io.agentbus.support.Commands.run(WEBUI, java.util.Map.of(), 60,
        io.agentbus.support.NodeJs.require(), "--test", "test/");
    assertEquals(0, r.exit(), r.out());
    assertTrue(r.out().contains("# fail 0"), r.out());
  }

  @Test
  void everyWebJarThePageLoadsIsOnTheClasspath() throws Exception {
    String html = Files.readString(WEBUI.resolve("index.html"));
    Matcher m = Pattern.compile("/webjars/([^\"]+)\"").matcher(html);
    int n = 0;
    while (m.find()) {
      String path = "META-INF/resources/webjars/" + m.group(1);
      assertTrue(getClass().getClassLoader().getResource(path) != null, "missing from the classpath: " + path);
      n++;
    }
    assertTrue(n >= 5, "the page loads DOMPurify, marked, highlight.js and its two themes: " + n);
    assertTrue(!html.contains("<script>") && !Pattern.compile("<script(?![^>]*src=)").matcher(html).find(),
        "no inline script (the CSP allows none)");
  }
}
