package io.agentbus.ui;

import io.agentbus.support.Browser;
import io.agentbus.support.IntegrationTest;
import io.agentbus.support.LongChannel;
import io.agentbus.support.TcpProxy;
import io.agentbus.support.TestCluster;
import io.agentbus.support.UiSession;
import io.agentbus.support.UiUser;
import io.agentbus.support.WorkflowKit;
import io.agentbus.support.WsClient;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The web UI in a real browser (Debian's chromium through Selenium), on two nodes. */
@IntegrationTest
class WebUiTest {

  /** Holds each test's cluster, clients and browsers; screenshots every browser when the test fails. */
  @RegisterExtension
  final UiSession ui = new UiSession();

  @BeforeEach
  void chromiumIsThere() {
    Browser.require();
  }

  @Test
  void twoUsersOnTwoNodesChatLive() throws Exception {
    TestCluster c = ui.hold(TestCluster.start(Map.of(), Map.of()));
    UiUser ada = ui.signIn("ada", c.url(0), "Ada Lovelace", "ada");
    UiUser bob = ui.signIn("bob", c.url(1), "Bob Smith", "bob");
    ada.say("hello from node A");
    bob.waitForText("hello from node A");
    // screen readers hear it through the live region
    bob.browser.waitFor("document.getElementById('announcer').textContent.includes('Ada Lovelace: hello from node A')",
        "document.getElementById('announcer').textContent", 5_000);
    String seen = bob.listText();
    assertTrue(seen.contains("Ada Lovelace"), "the author's display name: " + seen);
    bob.say("and back from node B");
    ada.waitForText("and back from node B");
    assertTrue(ada.listText().contains("Bob Smith"), ada.listText());
    // grouped by author, with avatars (initials) and a time and a date divider
    assertEquals("AL", ada.browser.eval("document.querySelector('#list .msg:not(.grouped) .avatar').textContent"));
    assertTrue((Boolean) ada.browser.eval("/\\d\\d:\\d\\d/.test(document.querySelector('#list .msg header time').textContent)"));
    assertEquals("Today", ada.browser.eval("document.querySelector('#list .divider span').textContent"));
  }

  @Test
  void aThreadAReactionAndAnEditReachTheOtherNode() throws Exception {
    TestCluster c = ui.hold(TestCluster.start(Map.of(), Map.of()));
    UiUser ada = ui.signIn("ada-thread", c.url(0), "Ada", "ada");
    UiUser bob = ui.signIn("bob-thread", c.url(1), "Bob", "bob");
    ada.say("what about **threads**?");
    bob.waitForText("what about threads?");
    assertEquals(1L, bob.browser.eval("document.querySelectorAll('#list .msg strong').length"), "markdown renders");
    // Bob replies in a thread from the message's actions
    bob.browser.run("[...document.querySelectorAll('#list .msg')].find(m => m.innerText.includes('threads?'))"
        + ".querySelector('button[aria-label=\"Reply in thread\"]').click()");
    bob.browser.waitFor("document.querySelector('.thread-form textarea')", "document.getElementById('thread').innerText", 10_000);
    bob.browser.run("const t = document.querySelector('.thread-form textarea'); t.value = 'a reply in the thread';"
        + "t.dispatchEvent(new KeyboardEvent('keydown', {key: 'Enter', bubbles: true}))");
    ada.browser.waitFor("document.querySelector('#list .thread-link') && document.querySelector('#list .thread-link').innerText.includes('1 reply')",
        "document.getElementById('list').innerText", 10_000);
    assertFalse(ada.listText().contains("a reply in the thread"), "replies live in the thread pane, not the channel");
    ada.browser.run("document.querySelector('#list .thread-link').click()");
    ada.browser.waitFor("document.getElementById('thread').innerText.includes('a reply in the thread')",
        "document.getElementById('thread').innerText", 10_000);
    // Search finds it, the snippet shows the words marked, not the markdown's asterisks
    bob.browser.run("document.getElementById('search-input').value = 'threads'; document.getElementById('search-form').requestSubmit()");
    bob.browser.waitFor("document.querySelector('#results .result mark')", "document.getElementById('results').innerText", 10_000);
    assertFalse(((String) bob.browser.eval("document.getElementById('results').innerText")).contains("**"));
    // Ada reacts through the picker; Bob sees the count
    ada.browser.run("document.querySelector('#list .msg button[aria-label=\"Add a reaction\"]').click()");
    ada.browser.waitFor("document.querySelector('.popover.emoji button[title=rocket]')", "document.body.innerText.slice(-300)", 5_000);
    ada.browser.run("document.querySelector('.popover.emoji button[title=rocket]').click()");
    bob.browser.waitFor("[...document.querySelectorAll('#list .reaction')].some(r => r.innerText.includes('🚀') && r.innerText.includes('1'))",
        "document.getElementById('list').innerHTML.slice(-1500)", 10_000);
    // Ada edits her message with the Up arrow in the empty box
    org.openqa.selenium.WebElement box = ada.browser.driver().findElement(org.openqa.selenium.By.id("composer-input"));
    box.click();
    box.sendKeys(org.openqa.selenium.Keys.ARROW_UP);
    ada.browser.waitFor("document.querySelector('#list textarea.editor')", "document.getElementById('list').innerHTML.slice(-800)", 5_000);
    ada.browser.run("const e = document.querySelector('#list textarea.editor'); e.value = 'what about threads, edited';"
        + "e.dispatchEvent(new KeyboardEvent('keydown', {key: 'Enter', bubbles: true}))");
    bob.waitForText("what about threads, edited");
    assertTrue(bob.listText().contains("(edited)"), bob.listText());
  }

  @Test
  void aWorkflowGateIsDecidedFromTheInboxByAnApproverOnTheOtherNode() throws Exception {
    Map<String, String> env = Map.of("AGENTBUS_ORCHESTRATOR_WORKFLOWS_FILE", WorkflowKit.testWorkflowsFile());
    TestCluster c = ui.hold(TestCluster.start(env, env));
    UiUser ada = ui.signIn("ada-wf", c.url(0), "Ada", "ada");
    UiUser carol = ui.signIn("carol-wf", c.url(1), "Carol", "carol", "approver");
    ada.browser.waitFor("document.querySelector('#template option[value=\"review\"]')", "document.body.innerText", 10_000);
    ada.browser.run("document.getElementById('template').value = 'review';"
        + "document.getElementById('run-input').value = 'a <b>bold</b> settings page';"
        + "document.getElementById('run-form').requestSubmit();");
    // The card shows the chain and waits at the gate, with the design's outputs and a countdown
    ada.browser.waitFor("document.querySelector('.run[data-status=\"waiting_approval\"] .gate.open .countdown')",
        "document.getElementById('runs').innerText", 20_000);
    String card = (String) ada.browser.eval("document.getElementById('runs').innerText");
    assertTrue(card.contains("Design review") && card.contains("design"), card);
    // The approver's inbox (other node) lists it live; the approver approves there
    carol.browser.waitFor("document.querySelector('#inbox .gate[data-approval] button[data-act=approve]')",
        "document.getElementById('inbox').innerText + ' | notices seen: ' + agentbus.inboxNotices", 15_000);
    assertEquals("1", carol.browser.eval("document.getElementById('inbox-count').textContent"));
    carol.browser.run("document.querySelector('#inbox .gate button[data-act=approve]').click()");
    // Every view updates: the owner's card completes, the inbox empties
    ada.browser.waitFor("document.querySelector('.run[data-status=\"completed\"]')", "document.getElementById('runs').innerText", 20_000);
    assertTrue(((String) ada.browser.eval("document.getElementById('runs').innerText")).contains("Approved by Carol"));
    carol.browser.waitFor("!document.querySelector('#inbox .gate.open')", "document.getElementById('inbox').innerText", 10_000);
    assertEquals(0L, ada.browser.eval("document.querySelectorAll('#runs b b').length"), "outputs are text, not markup");
    // A finished run offers no Stop and no decision
    assertEquals(0L, ada.browser.eval("document.querySelectorAll('.run[data-status=completed] button[data-act]').length"));
    // Stopped at its gate, a run offers no decision any more, here or in the inbox
    ada.browser.run("document.getElementById('run-input').value = 'another page';"
        + "document.getElementById('run-form').requestSubmit();");
    ada.browser.waitFor("document.querySelector('.run[data-status=\"waiting_approval\"] button[data-act=cancel]')",
        "document.getElementById('runs').innerText", 20_000);
    carol.browser.waitFor("document.querySelector('#inbox .gate.open')", "document.getElementById('inbox').innerText", 15_000);
    ada.browser.run("document.querySelector('.run[data-status=\"waiting_approval\"] button[data-act=cancel]').click()");
    ada.browser.waitFor("document.querySelector('.run[data-status=\"cancelled\"]')", "document.getElementById('runs').innerText", 10_000);
    assertEquals(0L, ada.browser.eval("document.querySelectorAll('.run[data-status=cancelled] button[data-act]').length"),
        "a cancelled card offers neither Stop nor Approve/Reject");
    carol.browser.waitFor("!document.querySelector('#inbox .gate.open')", "document.getElementById('inbox').innerText", 10_000);
    // The session survives the tab: a reload lists its runs again from the server
    ada.browser.driver().navigate().refresh();
    ada.waitOnline();
    ada.browser.waitFor("document.querySelector('.run[data-status=\"completed\"]') && document.querySelector('.run[data-status=\"cancelled\"]')",
        "document.getElementById('runs').innerText", 10_000);
  }

  @Test
  void aFileDroppedOnTheChatIsUploadedAndAttached() throws Exception {
    TestCluster c = ui.hold(TestCluster.start(Map.of(), Map.of()));
    UiUser ada = ui.signIn("ada-drop", c.url(0), "Ada", "ada");
    UiUser bob = ui.signIn("bob-drop", c.url(1), "Bob", "bob");
    // A real drag & drop as the page sees it: dragenter shows the overlay, drop hands over the files
    ada.browser.run("window.__dt = new DataTransfer();"
        + "window.__dt.items.add(new File(['# Notes\\nhello agents'], 'notes.md', {type: 'text/markdown'}));"
        + "document.getElementById('chat').dispatchEvent(new DragEvent('dragenter', {dataTransfer: window.__dt, bubbles: true, cancelable: true}))");
    assertEquals(false, ada.browser.eval("document.getElementById('drop').hidden"), "the drop overlay shows");
    ada.browser.run("document.getElementById('chat').dispatchEvent(new DragEvent('drop', {dataTransfer: window.__dt, bubbles: true, cancelable: true}))");
    ada.browser.waitFor("document.querySelector('#composer-files .chip[data-state=done]')",
        "document.getElementById('composer-files').innerText", 10_000);
    assertEquals(true, ada.browser.eval("document.getElementById('drop').hidden"));
    assertTrue(((String) ada.browser.eval("document.querySelector('#composer-files .preview-text').textContent")).contains("hello agents"),
        "a preview of what was uploaded");
    ada.say("the notes");
    bob.browser.waitFor("document.querySelector('#list .attachment')", "document.getElementById('list').innerText", 10_000);
    assertTrue(bob.listText().contains("notes.md"), bob.listText());
    // The other user downloads it (with their token, from the other node)
    Object text = bob.browser.async("agentbus.api.blob('/api/files/' + document.querySelector('#list .attachment').dataset.file)"
        + ".then(b => b.text()).then(done, e => done('failed: ' + e))");
    assertEquals("# Notes\nhello agents", text);
    // The run form takes files too: the agents of the run read them (their outputs quote the text)
    ada.browser.run("const dt = new DataTransfer();"
        + "dt.items.add(new File(['The answer is forty-two.'], 'brief.md', {type: 'text/markdown'}));"
        + "const input = document.getElementById('run-file-input'); input.files = dt.files;"
        + "input.dispatchEvent(new Event('change', {bubbles: true}))");
    ada.browser.waitFor("document.querySelector('#run-files .chip[data-state=done]')",
        "document.getElementById('run-files').innerText", 10_000);
    ada.browser.run("document.getElementById('run-input').value = 'use the brief';"
        + "document.getElementById('run-form').requestSubmit();");
    ada.browser.waitFor("document.querySelector('.run[data-status=\"completed\"]')", "document.getElementById('runs').innerText", 30_000);
    ada.browser.run("document.querySelectorAll('#runs details').forEach(d => d.open = true)"); // the outputs
    String card = (String) ada.browser.eval("document.getElementById('runs').innerText");
    assertTrue(card.contains("brief.md") && card.contains("forty-two"), card);
    assertEquals(true, ada.browser.eval("document.getElementById('run-files').hidden"), "the tray empties once the run starts");
  }

  @Test
  void thePageResumesOnTheOtherNodeWhenItsNodeStopsWithNothingMissed() throws Exception {
    TestCluster c = ui.hold(TestCluster.start(Map.of(), Map.of()));
    TcpProxy lb = ui.hold(TcpProxy.start(c.clientVertx(), c.port(0), c.port(1)));
    UiUser ada = ui.signIn("ada-failover", "http://127.0.0.1:" + lb.port() + "/", "Ada", "ada");
    WsClient bob = ui.hold(c.wsAuthedAt(c.port(1), c.token("bob"), null));
    bob.send(new JsonObject().put("type", "subscribe").put("channel", "general"));
    ada.say("before the restart");
    bob.next(f -> "before the restart".equals(f.getString("content")), "ada's message");
    c.node(0).close().await();
    // While the page is cut off, the conversation goes on
    for (int i = 1; i <= 5; i++) {
      String id = bob.send(new JsonObject().put("type", "chat").put("channel", "general").put("content", "missed " + i));
      assertEquals("ack", bob.replyTo(id).getString("type"));
    }
    ada.waitOnline();
    ada.browser.waitFor("document.getElementById('list').innerText.includes('missed 5')",
        "document.getElementById('conn').innerText + ' | ' + document.getElementById('list').innerText", 30_000);
    String text = ada.listText();
    for (int i = 1; i <= 5; i++) {
      assertEquals(1, text.split("missed " + i + "\n|missed " + i + "$", -1).length - 1, "exactly once: missed " + i + " in " + text);
    }
    // One indicator, never a line per attempt in the conversation
    assertFalse(text.toLowerCase().contains("reconnect"), text);
    ada.say("after the restart");
    bob.next(f -> "after the restart".equals(f.getString("content")), "the page sends again");
  }

  @Test
  void offlineThePageKeepsWhatItKnewMarkedStaleShowsNobodyOnlineAndRetryNowRetries() throws Exception {
    TestCluster c = ui.hold(TestCluster.start(Map.of()));
    TcpProxy net = ui.hold(TcpProxy.start(c.clientVertx(), c.port(0)));
    UiUser ada = ui.signIn("ada-offline", "http://127.0.0.1:" + net.port() + "/", "Ada", "ada");
    ada.say("said while online");
    ada.waitForText("said while online");
    ada.browser.waitFor("document.querySelectorAll('#presence li').length === 1", "document.getElementById('presence').innerText", 10_000);
    net.down();
    ada.browser.waitFor("document.getElementById('conn').dataset.state === 'reconnecting'"
        + " && [...document.querySelectorAll('#conn button')].some(b => b.innerText === 'Retry now')",
        "document.getElementById('conn').innerText", 10_000);
    // What the page knew stays, marked stale; presence is not shown as live.
    assertTrue((Boolean) ada.browser.eval("document.getElementById('sidebar').classList.contains('stale')"));
    assertTrue(((String) ada.browser.eval("document.getElementById('stale-note').innerText")).startsWith("Offline — as of"));
    assertTrue((Boolean) ada.browser.eval("!!document.querySelector('#channels a[data-c=general]')"), "the channel list stays");
    assertTrue(ada.listText().contains("said while online"), "the conversation stays");
    assertEquals(0L, ada.browser.eval("document.querySelectorAll('#presence li').length"));
    assertTrue((Boolean) ada.browser.eval("!document.getElementById('presence-empty').hidden"));
    // Retry now tries at once (not at the timer's time), and once the network is back the page is online.
    int before = net.attempts();
    ada.browser.run("[...document.querySelectorAll('#conn button')].find(b => b.innerText === 'Retry now').click()");
    long t0 = System.currentTimeMillis();
    while (net.attempts() == before && System.currentTimeMillis() - t0 < 300) {
      Thread.sleep(20);
    }
    assertTrue(net.attempts() > before, "Retry now made an attempt at once");
    net.up();
    ada.waitOnline();
    assertFalse((Boolean) ada.browser.eval("document.getElementById('sidebar').classList.contains('stale')"));
    ada.browser.waitFor("document.querySelectorAll('#presence li').length === 1", "document.getElementById('presence').innerText", 10_000);
  }

  @Test
  void aMentionRaisesANotificationAndCountsInTheTitleUnlessTheChannelIsMuted() throws Exception {
    TestCluster c = ui.hold(TestCluster.start(Map.of(), Map.of()));
    UiUser ada = ui.signIn("ada-notify", c.url(0), "Ada", "ada");
    // The browser's notifications, granted (headless Chrome cannot click "Allow"), and a page in the background.
    ada.browser.run("window.__notes = []; window.Notification = class { static permission = 'granted';"
        + " static requestPermission() { return Promise.resolve('granted'); }"
        + " constructor(title, o) { window.__notes.push({ title, body: o.body }); } close() {} };"
        + " document.hasFocus = () => false;");
    WsClient bob = ui.hold(c.wsAuthedAt(c.port(1), c.token("bob"), null));
    String id = bob.send(new JsonObject().put("type", "chat").put("channel", "general").put("content", "@ada can you look?")
        .put("mentions", new io.vertx.core.json.JsonArray().add("ada")));
    assertEquals("ack", bob.replyTo(id).getString("type"));
    ada.browser.waitFor("window.__notes.length === 1", "JSON.stringify(window.__notes) + document.title", 10_000);
    assertEquals("bob in #general", ada.browser.eval("window.__notes[0].title"));
    assertEquals("@ada can you look?", ada.browser.eval("window.__notes[0].body"));
    assertTrue(((String) ada.browser.eval("document.title")).startsWith("(1) "), (String) ada.browser.eval("document.title"));
    // Muted from the channel's header: nothing is raised for it any more.
    ada.browser.run("document.getElementById('mute').click()");
    assertEquals("true", ada.browser.eval("document.getElementById('mute').getAttribute('aria-pressed')"));
    bob.replyTo(bob.send(new JsonObject().put("type", "chat").put("channel", "general").put("content", "@ada again")));
    ada.waitForText("@ada again");
    Thread.sleep(300);
    assertEquals(1L, ada.browser.eval("window.__notes.length"));
  }

  @Test
  void aRunStartedInAChannelIsACardThereDecidedFromTheChannelOnTheOtherNodeAndEveryViewUpdates() throws Exception {
    TestCluster c = ui.hold(TestCluster.start(Map.of(), Map.of()));
    UiUser ada = ui.signIn("ada-card", c.url(0), "Ada", "ada");
    UiUser bob = ui.signIn("bob-card", c.url(1), "Bob", "bob", "approver");
    ada.say("/mode strict"); // a review gate after every agent step
    ada.browser.waitFor("[...document.querySelectorAll('.command-result .cmd')].some(e => e.textContent === '/mode')", "''", 10_000);
    ada.say("/assign code \"draft the release notes\"");
    // On the other node the channel shows the run as a live card titled by its request, stopping at its gate.
    bob.browser.waitFor("document.querySelector('#list .run.in-channel .gate.open button[data-act=approve]')",
        "document.getElementById('list').innerText.slice(-800)", 30_000);
    assertEquals("draft the release notes", bob.browser.eval("document.querySelector('#list .run.in-channel h3').innerText"));
    String approval = (String) bob.browser.eval("document.querySelector('#list .run.in-channel .gate.open').dataset.approval");
    // The same gate waits in Bob's inbox and in Ada's panel.
    bob.browser.waitFor("document.querySelector('#inbox .gate[data-approval=\"" + approval + "\"]')", "document.getElementById('inbox').innerText", 10_000);
    ada.browser.waitFor("document.querySelector('#runs .gate.open[data-approval=\"" + approval + "\"]')", "document.getElementById('runs').innerText", 10_000);
    bob.browser.run("document.querySelector('#list .run.in-channel .gate.open button[data-act=approve]').click()");
    // Every view changes at once: Ada's channel card and panel card (other node), Bob's inbox.
    ada.browser.waitFor("[...document.querySelectorAll('.gate[data-approval=\"" + approval + "\"]')].length >= 2"
        + " && [...document.querySelectorAll('.gate[data-approval=\"" + approval + "\"]')].every(g => g.dataset.status === 'approved')",
        "[...document.querySelectorAll('.gate')].map(g => g.dataset.status).join()", 10_000);
    assertTrue(((String) ada.browser.eval("document.querySelector('#list .gate[data-approval=\"" + approval + "\"] .decision').innerText"))
        .toLowerCase().contains("approved by bob"));
    bob.browser.waitFor("!document.querySelector('#inbox .gate[data-approval=\"" + approval + "\"]')", "document.getElementById('inbox').innerText", 10_000);
    ada.browser.waitFor("document.querySelector('#list .run.in-channel').dataset.status === 'completed'",
        "document.querySelector('#list .run.in-channel').innerText", 20_000);
  }

  @Test
  void storedScriptsStayInert() throws Exception {
    TestCluster c = ui.hold(TestCluster.start(Map.of()));
    UiUser ada = ui.signIn("ada-xss", c.url(0), "Ada <img src=x onerror=window.__xss=9>", "ada");
    WsClient eve = ui.hold(c.wsAuthedAt(c.port(0), c.token("eve"), null));
    String[] payloads = {"<img src=x onerror=\"window.__xss=1\">", "[click me](javascript:window.__xss=2)",
        "<script>window.__xss=3</script>", "<svg onload=\"window.__xss=4\"></svg>", "<a href=\"javascript:window.__xss=5\">x</a>",
        "```html\n<img src=x onerror=window.__xss=6>\n```", "<iframe src=\"javascript:window.__xss=7\"></iframe>"};
    for (String p : payloads) {
      String id = eve.send(new JsonObject().put("type", "chat").put("channel", "general").put("content", p));
      assertEquals("ack", eve.replyTo(id).getString("type"));
    }
    ada.browser.waitFor("document.querySelectorAll('#list .msg').length >= 7", "document.getElementById('list').innerText", 10_000);
    ada.browser.run("document.querySelectorAll('#list a').forEach(a => a.click())");
    Thread.sleep(500);
    assertEquals(null, ada.browser.eval("window.__xss"));
    // (the page's own icons are svg.ic, drawn by the UI; nothing from the messages may be an element)
    assertEquals(0L, ada.browser.eval("document.querySelectorAll('#list img, #list script, #list svg:not(.ic), #list iframe, #list [onerror], #list [onload]').length"));
    assertEquals(0L, ada.browser.eval("[...document.querySelectorAll('#list a')].filter(a => /^javascript:/i.test(a.getAttribute('href') || '')).length"));
    assertTrue(ada.listText().contains("<img src=x onerror=window.__xss=6>"), "code stays visible as text: " + ada.listText());
    // HTML-looking text is the sender's words: shown literally, not dropped (and still inert).
    for (String literal : new String[] {"<img src=x onerror=\"window.__xss=1\">", "<script>window.__xss=3</script>",
        "<svg onload=\"window.__xss=4\"></svg>", "<iframe src=\"javascript:window.__xss=7\"></iframe>"}) {
      assertTrue(ada.listText().contains(literal), "shown as typed: " + literal + " in " + ada.listText());
    }
  }

  @Test
  void commandsRunOnOneEnterPinsReadLikeMessagesReadOnlyChannelsSayWhyAndIconsNeedNoEmojiFont() throws Exception {
    TestCluster c = ui.hold(TestCluster.start(Map.of()));
    assertEquals(201, c.http(0).post("/api/channels", "{\"name\":\"news\",\"writeRoles\":[\"admin\"]}",
        c.token("root", "admin")).status());
    WsClient eve = ui.hold(c.wsAuthedAt(c.port(0), c.token("eve"), null));
    String said = eve.send(new JsonObject().put("type", "chat").put("channel", "general").put("content", "**the plan** is `v2`"));
    String messageId = eve.replyTo(said).getString("messageId");
    assertEquals("ack", eve.replyTo(eve.send(new JsonObject().put("type", "pin").put("channel", "general")
        .put("messageId", messageId).put("pinned", true))).getString("type"));
    UiUser ada = ui.signIn("ada-details", c.url(0), "Ada", "ada");
    ada.waitForText("the plan");

    // Icons are SVG drawn by the page: every icon button shows a shape with a size, none is an emoji
    // (which shows as an empty box where no emoji font is installed), and each has a text alternative.
    String icons = "[...document.querySelectorAll('button.icon, #show-pins')].filter(b => b.offsetParent)";
    assertEquals(0L, ada.browser.eval("" + icons + ".filter(b => !b.querySelector('svg.ic') && b.id !== 'show-pins')"
        + ".map(b => b.outerHTML).length"), "icon buttons without an svg");
    assertEquals(0L, ada.browser.eval("" + icons + ".filter(b => b.querySelector('svg.ic')).filter(b => {"
        + " const r = b.querySelector('svg.ic').getBoundingClientRect(); return r.width < 8 || r.height < 8"
        + " || !(b.getAttribute('aria-label') || b.textContent.trim()) || /\\p{Extended_Pictographic}/u.test(b.textContent) }).length"));
    assertTrue((Long) ada.browser.eval("document.querySelectorAll('#list .msg svg.ic').length") > 0, "message actions are icons");

    // A command typed out in full runs on the first Enter (the completion list is open for it).
    ada.browser.waitFor("document.querySelector('#suggest') !== null", "''", 5_000);
    ada.say("/status");
    ada.browser.waitFor("[...document.querySelectorAll('.command-result .cmd')].some(e => e.textContent === '/status')",
        "document.getElementById('composer-input').value + ' | ' + document.getElementById('list').innerText.slice(-400)", 10_000);
    assertEquals("", ada.browser.eval("document.getElementById('composer-input').value"));

    // A pin reads like its message: markdown rendered, not shown as raw asterisks and backticks.
    ada.browser.run("document.getElementById('show-pins').click()");
    ada.browser.waitFor("document.querySelector('#results .pin strong')", "document.getElementById('results').innerHTML", 10_000);
    String pins = (String) ada.browser.eval("document.getElementById('results').innerText");
    assertTrue(pins.contains("the plan") && !pins.contains("**") && !pins.contains("`"), pins);
    assertEquals("v2", ada.browser.eval("document.querySelector('#results .pin code').textContent"));

    // A channel Ada may not post in says so instead of offering a composer that cannot succeed.
    ada.browser.waitFor("document.querySelector('#channels a[data-c=news]')", "document.getElementById('channels').innerText", 25_000);
    ada.browser.run("document.querySelector('#channels a[data-c=news]').click()");
    ada.browser.waitFor("!document.getElementById('read-only').hidden", "document.getElementById('chat').innerText", 10_000);
    assertTrue((Boolean) ada.browser.eval("document.getElementById('composer').hidden"));
    assertTrue(((String) ada.browser.eval("document.getElementById('read-only').innerText")).startsWith("Only admins can post in #news"));
    ada.browser.run("document.querySelector('#channels a[data-c=general]').click()");
    ada.browser.waitFor("!document.getElementById('composer').hidden && document.getElementById('read-only').hidden", "''", 10_000);
  }

  @Test
  void agentsAnswerInTheConversationAndDirectMessagesAndPrivateChannelsWork() throws Exception {
    TestCluster c = ui.hold(TestCluster.start(Map.of(), Map.of()));
    UiUser ada = ui.signIn("ada-agents", c.url(0), "Ada", "ada");
    UiUser bob = ui.signIn("bob-agents", c.url(1), "Bob", "bob");
    // A mention: on the other node the agent's message shows at once that it is at work, named
    // with its kind, then its answer grows in place and ends as an ordinary message.
    ada.say("@code please look at the login form");
    bob.browser.waitFor("[...document.querySelectorAll('#list .msg.agent')].some(m => m.querySelector('.working'))",
        "document.getElementById('list').innerText.slice(-600)", 10_000);
    String working = (String) bob.browser.eval("[...document.querySelectorAll('#list .msg.agent .working')].pop().innerText");
    assertTrue(working.startsWith("Coder is"), working);
    assertTrue(((String) bob.browser.eval("document.querySelector('#list .msg.agent .tag').innerText")).contains("scripted"));
    bob.browser.waitFor("[...document.querySelectorAll('#list .msg.agent')].some(m => !m.querySelector('.working')"
        + " && m.innerText.includes('please look at the login form'))", "document.getElementById('list').innerText.slice(-600)",
        20_000);
    assertTrue((Long) bob.browser.eval("document.querySelectorAll('#list .msg.agent button[aria-label=\"Add a reaction\"]').length") > 0,
        "the finished answer takes reactions like any message");

    // A DM with an agent, opened from the sidebar: no mention needed.
    ada.browser.run("document.getElementById('new-dm').click()");
    ada.browser.waitFor("document.getElementById('new-dm-with')", "document.body.innerText.slice(-300)", 5_000);
    ada.browser.run("document.getElementById('new-dm-with').value = '@code';"
        + "document.querySelector('#dialog button[value=open]').click()");
    ada.browser.waitFor("document.getElementById('channel-name').innerText.trim() === 'code'",
        "document.getElementById('channel-name').innerText", 10_000);
    ada.waitOnline();
    ada.say("write a haiku about queues");
    ada.browser.waitFor("[...document.querySelectorAll('#list .msg.agent')].some(m => !m.querySelector('.working')"
        + " && m.innerText.includes('write a haiku about queues'))", "document.getElementById('list').innerText.slice(-600)", 20_000);
    assertTrue(((String) ada.browser.eval("document.getElementById('dms').innerText")).contains("code"));

    // A private channel with Bob: Carol (signed in on node 0) neither sees it listed nor reads it.
    ada.browser.run("document.getElementById('new-channel').click()");
    ada.browser.waitFor("document.getElementById('new-channel-private')", "document.body.innerText.slice(-300)", 5_000);
    ada.browser.run("const d = document.getElementById('dialog'); d.querySelector('input[aria-label=\"Channel name\"]').value = 'inner';"
        + "document.getElementById('new-channel-private').checked = true;"
        + "document.getElementById('new-channel-members').value = 'bob';"
        + "d.querySelector('button[value=create]').click()");
    ada.browser.waitFor("document.querySelector('#channels a[data-c=inner] svg.ic-lock')", "document.getElementById('channels').innerHTML", 10_000);
    ada.waitOnline();
    ada.say("just between us");
    UiUser carol = ui.signIn("carol-agents", c.url(0), "Carol", "carol");
    assertFalse(((String) carol.browser.eval("document.getElementById('channels').innerText")).contains("inner"));
    assertEquals(404, c.http(0).get("/api/channels/inner/messages", c.token("carol")).status());
    bob.browser.run("window.dispatchEvent(new Event('focus'))"); // the list refreshes on focus
    bob.browser.waitFor("document.querySelector('#channels a[data-c=inner]')", "document.getElementById('channels').innerText", 10_000);
    bob.browser.run("document.querySelector('#channels a[data-c=inner]').click()");
    bob.waitForText("just between us");
    // Its creator renames it from the header: Bob's list and header (other node) follow within a second, no reload.
    ada.browser.run("document.getElementById('channel-settings').click()");
    ada.browser.waitFor("document.getElementById('channel-title')", "document.body.innerText.slice(-300)", 5_000);
    ada.browser.run("document.getElementById('channel-title').value = 'Inner circle';"
        + "document.querySelector('#dialog button[value=save]').click()");
    long t0 = System.currentTimeMillis();
    bob.browser.waitFor("document.querySelector('#channels a[data-c=inner]').innerText.includes('Inner circle')"
        + " && document.getElementById('channel-name').innerText.includes('Inner circle')",
        "document.getElementById('channels').innerText", 5_000);
    assertTrue(System.currentTimeMillis() - t0 < 2_000, "the rename reached the other node's page in "
        + (System.currentTimeMillis() - t0) + " ms");
  }

  @Test
  void aChannelOfAHundredThousandMessagesOpensInUnderASecondAndStaysBounded() throws Exception {
    TestCluster c = ui.hold(TestCluster.start(Map.of()));
    LongChannel.create(c, "long", 100_000);
    UiUser ada = ui.signIn("ada-long", c.url(0), "Ada", "ada");
    WsClient eve = ui.hold(c.wsAuthedAt(c.port(0), c.token("eve"), null));
    ada.browser.waitFor("document.querySelector('#channels a[data-c=long]')", "document.getElementById('channels').innerText", 10_000);
    // Warm once (the first query plans), then measure from the click to the newest message shown
    ada.browser.run("document.querySelector('#channels a[data-c=long]').click()");
    ada.waitForText("message number 100000");
    ada.browser.run("document.querySelector('#channels a[data-c=general]').click()");
    ada.browser.waitFor("!document.getElementById('list').innerText.includes('message number')", "''", 10_000);
    Object ms = ada.browser.async("const t0 = performance.now();"
        + "document.querySelector('#channels a[data-c=long]').click();"
        + "(function tick() { const el = document.querySelector('#list [data-id=\"long-100000\"]');"
        + "  if (el && document.getElementById('messages').scrollTop > 0) done(performance.now() - t0); else requestAnimationFrame(tick); })();");
    double opened = ((Number) ms).doubleValue();
    System.out.printf("[ui] a 100 000-message channel opened in %.0f ms%n", opened);
    assertTrue(opened < 1000, "opened in " + opened + " ms");
    // Scrolling up pages older messages in; the DOM stays bounded
    for (int i = 0; i < 10; i++) {
      ada.browser.run("document.getElementById('messages').scrollTop = 0");
      Thread.sleep(250);
    }
    ada.browser.waitFor("!document.querySelector('#list [data-id=\"long-100000\"]')", "document.querySelectorAll('#list .msg').length", 10_000);
    long inDom = (Long) ada.browser.eval("document.querySelectorAll('#list .msg').length");
    assertTrue(inDom <= 300, "messages in the DOM: " + inDom);
    // A new message while reading the past never pulls the reader down: the pill counts it
    double top = ((Number) ada.browser.eval("document.getElementById('messages').scrollTop")).doubleValue();
    eve.send(new JsonObject().put("type", "chat").put("channel", "long").put("content", "fresh news"));
    ada.browser.waitFor("!document.getElementById('new-pill').hidden && document.getElementById('new-pill').innerText.includes('1 new')",
        "document.getElementById('new-pill').innerText", 10_000);
    assertEquals(top, ((Number) ada.browser.eval("document.getElementById('messages').scrollTop")).doubleValue(), 2.0);
    ada.browser.run("document.getElementById('new-pill').click()");
    ada.waitForText("fresh news");
    // Search jumps far into the past: a page around the hit, then newer pages on the way down
    ada.browser.run("document.getElementById('search-input').value = 'number 50000';"
        + "document.getElementById('search-form').requestSubmit()");
    ada.browser.waitFor("document.querySelector('#results .result')", "document.getElementById('results').innerText", 10_000);
    assertTrue(((String) ada.browser.eval("document.querySelector('#results .result').innerText")).contains("50000"));
    assertEquals("50000", ada.browser.eval("[...document.querySelectorAll('#results .result mark')].map(m => m.textContent).find(t => t === '50000')"),
        "the searched words are marked in the snippet");
    ada.browser.run("document.querySelector('#results .result').click()");
    ada.browser.waitFor("document.querySelector('#list [data-id=\"long-50000\"].flash')", "document.getElementById('list').innerText.slice(0, 300)", 10_000);
    for (int i = 0; i < 4; i++) {
      ada.browser.run("const s = document.getElementById('messages'); s.scrollTop = s.scrollHeight");
      Thread.sleep(300);
    }
    ada.browser.waitFor("document.querySelector('#list [data-id=\"long-50100\"]')", "document.getElementById('list').innerText.slice(-300)", 10_000);
    assertTrue((Long) ada.browser.eval("document.querySelectorAll('#list .msg').length") <= 300);
  }

  @Test
  void onAPhoneTheChatStaysUsable() throws Exception {
    TestCluster c = ui.hold(TestCluster.start(Map.of()));
    UiUser ada = ui.signIn(new Browser("ada-phone", 390, 844), c.url(0), "Ada", "ada");
    assertEquals(390L, ada.browser.eval("innerWidth"), "a 390 px wide viewport");
    double chat = ((Number) ada.browser.eval("document.getElementById('chat').getBoundingClientRect().width")).doubleValue();
    assertTrue(chat >= 380, "the chat column is the page: " + chat);
    assertEquals(0L, ada.browser.eval("Math.max(0, document.documentElement.scrollWidth - innerWidth)"), "no sideways scrolling");
    double nav = ((Number) ada.browser.eval("document.getElementById('sidebar').getBoundingClientRect().right")).doubleValue();
    assertTrue(nav <= 0, "the channel list is a drawer, closed: " + nav);
    ada.say("typed on a phone");
    ada.waitForText("typed on a phone");
    ada.browser.run("document.getElementById('menu').click()");
    ada.browser.waitFor("document.getElementById('sidebar').getBoundingClientRect().left >= 0", "''", 3_000);
    // the dark theme, code highlighting included, and kept for the next visit
    String before = (String) ada.browser.eval("document.documentElement.dataset.theme");
    ada.browser.run("document.getElementById('theme').click()");
    String after = (String) ada.browser.eval("document.documentElement.dataset.theme");
    assertFalse(before.equals(after), before + " → " + after);
    assertEquals("dark".equals(after), ada.browser.eval("!document.getElementById('hl-dark').disabled"));
    assertEquals(after, ada.browser.eval("localStorage.getItem('agentbus.theme')"));
    // keyboard: Tab moves focus through the page and the focused control shows a focus ring
    ada.browser.run("document.getElementById('composer-input').focus()");
    ada.browser.driver().switchTo().activeElement().sendKeys(org.openqa.selenium.Keys.TAB);
    assertEquals("send", ada.browser.eval("document.activeElement.id"));
    assertFalse("none".equals(ada.browser.eval("getComputedStyle(document.activeElement).outlineStyle")), "a visible focus ring");
  }

  @Test
  void inProductionAPastedTokenSignsInAndAForeignSessionStartsAFreshOne() throws Exception {
    String secret = "ui-test-secret-0123456789abcdef0123456789";
    Map<String, String> prod = Map.of("AGENTBUS_PROFILE", "prod", "AGENTBUS_JWT_SECRET", secret);
    TestCluster c = ui.hold(TestCluster.start(prod));
    Browser b = ui.hold(new Browser("prod-login"));
    // Tokens as `agentbus token` mints them: the cluster's secret, no issuer or audience configured
    io.agentbus.auth.TokenService mint = new io.agentbus.auth.TokenService(c.clientVertx(), secret, 3600, "", "", "roles");
    String base = c.url(0);
    // Someone else's session id in this tab: the server refuses it (4403); the page starts a new one
    try (WsClient other = c.wsAuthedAt(c.port(0), mint.issue("mallory", java.util.List.of()).getString("token"), "taken-session")) {
      other.send(new JsonObject().put("type", "ping"));
    }
    b.open(base);
    b.run("sessionStorage.setItem('agentbus.session', 'taken-session')");
    b.open(base);
    b.waitFor("!document.getElementById('login-token').hidden", "document.body.innerText", 10_000);
    assertEquals(true, b.eval("document.getElementById('login-dev').hidden"), "no dev login in prod");
    b.run("document.getElementById('login-token-input').value = 'not-a-token'; document.getElementById('login-form').requestSubmit()");
    b.waitFor("document.getElementById('login-note').textContent.includes('not accepted')", "document.getElementById('login-note').textContent", 5_000);
    b.run("document.getElementById('login-token-input').value = arguments[0]; document.getElementById('login-form').requestSubmit()",
        mint.issue("ada", java.util.List.of()).getString("token"));
    UiUser ada = UiUser.attach(b, "ada");
    ada.waitOnline();
    assertFalse("taken-session".equals(b.eval("sessionStorage.getItem('agentbus.session')")), "a fresh session");
    assertFalse(((String) b.eval("location.href")).contains("token"), "the token never rides in the URL");
    ada.say("signed in with a token");
    ada.waitForText("signed in with a token");
  }

  @Test
  void anAdminDrivesTheClusterFromTheOperatorsPage() throws Exception {
    TestCluster c = ui.hold(TestCluster.start(Map.of(), Map.of()));
    UiUser root = ui.signIn("admin-page", c.url(0), "Root", "root", "admin");
    root.browser.run("location.hash = '#/admin'");
    root.browser.waitFor("document.querySelectorAll('#admin tbody tr').length >= 2 && document.getElementById('admin').innerText.includes('2 members')",
        "document.getElementById('admin').innerText", 10_000);
    root.browser.run("document.querySelector('#admin .console button.primary').click()");
    root.browser.waitFor("document.querySelector('#admin .console-out').textContent.length > 2 && !document.querySelector('#admin .console-out').textContent.startsWith('…')",
        "document.querySelector('#admin .console-out').textContent", 10_000);
    root.browser.waitFor("document.getElementById('admin').innerText.includes('/admin/bus')", "document.getElementById('admin').innerText", 10_000);
    root.browser.run("document.querySelector('#admin .inspect button.primary').click()");
    root.browser.waitFor("document.getElementById('admin').innerText.includes('Maintenance in 10 minutes')",
        "document.getElementById('admin').innerText", 10_000);
    root.browser.run("location.hash = '#/c/general'");
    root.waitForText("Maintenance in 10 minutes");
  }
}
