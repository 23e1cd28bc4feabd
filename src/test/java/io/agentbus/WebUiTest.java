package io.agentbus;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.agentbus.support.Browser;
import io.agentbus.support.TestCluster;
import io.agentbus.support.WsClient;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** The web UI in a real browser (Debian's headless Chromium), chatting across two nodes. */
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
}
