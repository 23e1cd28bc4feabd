package io.agentbus;

import io.agentbus.support.Browser;
import io.agentbus.support.IntegrationTest;
import io.agentbus.support.TestCluster;
import io.agentbus.support.WsClient;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The web UI in a real browser (Debian's headless Chromium), chatting across two nodes. */
@IntegrationTest
class WebUiTest {

  @Test
  void aBrowserOnOneNodeChatsWithAClientOnTheOther() throws Exception {
    if (!Browser.available()) {
      // CI installs chromium (.ci/run); there its absence is a failure, elsewhere a skip.
      Assumptions.assumeFalse(System.getenv("CI") == null, "chromium not installed: " + Browser.CHROMIUM);
      throw new AssertionError("chromium is required in CI: " + Browser.CHROMIUM);
    }
    try (TestCluster c = TestCluster.start(Map.of(), Map.of());
         Browser browser = new Browser(c.clientVertx())) {
      String bob = c.token("bob");
      try (WsClient other = WsClient.authed(c, 1, bob, null)) {
        String sub = other.send(new JsonObject().put("type", "subscribe").put("channel", "general"));
        assertEquals("subscribed", other.replyTo(sub).getString("type"));

        browser.open("http://127.0.0.1:" + c.port(0) + "/");
        browser.waitFor("document.querySelector('#channels a[data-c=\"general\"]')", "document.body.innerText", 15_000);
        String pageUser = (String) browser.eval("document.getElementById('me').textContent");

        // a message from node B appears on the page served by node A
        String id = other.send(new JsonObject().put("type", "chat").put("channel", "general").put("content", "hello browser"));
        assertEquals("ack", other.replyTo(id).getString("type"));
        browser.waitFor("document.getElementById('log').innerText.includes('hello browser')",
            "document.getElementById('log').innerText", 10_000);

        // the page sends; node B's client receives it, authored by the page's user
        browser.eval("document.getElementById('text').value = 'hello from the page';"
            + "document.getElementById('send').requestSubmit(); true");
        JsonObject m = other.next(f -> "message".equals(f.getString("type"))
            && "hello from the page".equals(f.getString("content")), "the page's message");
        assertEquals(pageUser, m.getString("authorId"));

        // and content is shown as text, never as markup
        other.send(new JsonObject().put("type", "chat").put("channel", "general").put("content", "<img src=x onerror=alert(1)>"));
        browser.waitFor("document.getElementById('log').innerText.includes('<img src=x')",
            "document.getElementById('log').innerHTML", 10_000);
        assertEquals(0, ((Number) browser.eval("document.querySelectorAll('#log img').length")).intValue());
      }
    }
  }

  @Test
  void aBrowserRunsAWorkflowWatchesItLiveAndPassesItsApprovalGate() throws Exception {
    if (!Browser.available()) {
      Assumptions.assumeFalse(System.getenv("CI") == null, "chromium not installed: " + Browser.CHROMIUM);
      throw new AssertionError("chromium is required in CI: " + Browser.CHROMIUM);
    }
    Map<String, String> env = Map.of("AGENTBUS_ORCHESTRATOR_WORKFLOWS_FILE", WorkflowTest.testWorkflowsFile());
    try (TestCluster c = TestCluster.start(env, env);
         Browser browser = new Browser(c.clientVertx())) {
      browser.open("http://127.0.0.1:" + c.port(1) + "/");
      browser.waitFor("document.querySelector('#template option[value=\"review\"]')", "document.body.innerText", 15_000);
      browser.eval("document.getElementById('template').value = 'review';"
          + "document.getElementById('request').value = 'a <b>bold</b> settings page';"
          + "document.getElementById('run').requestSubmit(); true");
      // The gate shows up with the design agent's finished work, and the card says it waits.
      browser.waitFor("document.querySelector('.wf[data-status=\"waiting_approval\"] button[data-act=\"approve\"]')",
          "document.body.innerText", 15_000);
      String text = (String) browser.eval("document.getElementById('workflows').innerText");
      assertTrue(text.contains("Design review") && text.contains("design"), text);
      assertTrue(text.contains("a <b>bold</b> settings page"), "outputs are shown as text: " + text);
      assertEquals(0, ((Number) browser.eval("document.querySelectorAll('#workflows b b').length")).intValue());
      browser.eval("document.querySelector('button[data-act=\"approve\"]').click(); true");
      browser.waitFor("document.querySelector('.wf[data-status=\"completed\"]')",
          "document.getElementById('workflows').innerText", 15_000);
      text = (String) browser.eval("document.getElementById('workflows').innerText");
      assertTrue(text.contains("approved by"), text);
      assertEquals(2, ((Number) browser.eval("[...document.querySelectorAll('.bar span')]"
          + ".filter(s => s.style.width === '100%').length")).intValue(), text);
      // A reload (same origin, so the same tab session) brings the finished workflow back from the server.
      browser.open("http://127.0.0.1:" + c.port(1) + "/");
      browser.waitFor("document.querySelector('.wf[data-status=\"completed\"]')",
          "document.getElementById('workflows').innerText", 15_000);
    }
  }
}
