package io.agentbus.support;

/** A person using the web UI in a browser: signs in through the page, then reads and types as they would. */
public final class UiUser implements AutoCloseable {

  public final Browser browser;
  public final String userId;

  private UiUser(Browser browser, String userId) {
    this.browser = browser;
    this.userId = userId;
  }

  /** Opens {@code baseUrl} in {@code b} and signs in with dev login as {@code displayName} (user id {@code userId}, extra roles). */
  public static UiUser signIn(Browser b, String baseUrl, String displayName, String userId, String... roles) {
    b.open(baseUrl);
    b.waitFor("document.querySelector('#login-name') && !document.getElementById('login').hidden",
        "document.body.innerText", 15_000);
    b.run("document.getElementById('login-name').value = arguments[0];"
        + "document.getElementById('login-user').value = arguments[1];"
        + "for (const c of document.querySelectorAll('input[name=role]')) c.checked = arguments[2].includes(c.value);"
        + "document.getElementById('login-form').requestSubmit();", displayName, userId, java.util.List.of(roles));
    UiUser u = new UiUser(b, userId);
    u.waitOnline();
    return u;
  }

  /** A page already signed in (by other means). */
  public static UiUser attach(Browser b, String userId) {
    return new UiUser(b, userId);
  }

  /** Waits until the page is connected and shows a channel's messages. */
  public void waitOnline() {
    browser.waitFor("document.getElementById('conn').dataset.state === 'online' && !document.querySelector('#list .loading')",
        "document.getElementById('conn').innerText + ' | ' + document.body.innerText.slice(0, 500)", 20_000);
  }

  /** Types into the message box and presses Enter, as a user does. */
  public void say(String text) {
    org.openqa.selenium.WebElement box = browser.driver().findElement(org.openqa.selenium.By.id("composer-input"));
    box.click();
    box.sendKeys(text);
    box.sendKeys(org.openqa.selenium.Keys.ENTER);
  }

  public String listText() {
    return (String) browser.eval("document.getElementById('list').innerText");
  }

  public void waitForText(String text) {
    browser.waitFor("document.getElementById('list').innerText.includes(" + js(text) + ")",
        "document.getElementById('list').innerText.slice(-800)", 10_000);
  }

  /** A JavaScript string literal. */
  public static String js(String s) {
    return io.vertx.core.json.Json.encode(s);
  }

  @Override
  public void close() {
    browser.close();
  }
}
