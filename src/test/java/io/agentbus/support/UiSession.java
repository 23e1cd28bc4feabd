package io.agentbus.support;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.junit.jupiter.api.extension.AfterTestExecutionCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * What a browser test holds (the cluster, balancers, clients, browsers), closed by this extension
 * right after the test method, last opened first. When the test failed, every browser first saves
 * a screenshot, its HTML and console under {@code target/screenshots/} while the cluster still
 * runs, so the picture is the state the user saw at the failure.
 */
public final class UiSession implements AfterTestExecutionCallback {

  private final Deque<AutoCloseable> held = new ArrayDeque<>();
  private final List<Browser> browsers = new ArrayList<>();

  /** Holds {@code resource} until the test ends. */
  public <T extends AutoCloseable> T hold(T resource) {
    held.push(resource);
    if (resource instanceof Browser b) {
      browsers.add(b);
    } else if (resource instanceof UiUser u) {
      browsers.add(u.browser);
    }
    return resource;
  }

  /** A browser of this test, signed in through the page with dev login. */
  public UiUser signIn(String name, String baseUrl, String displayName, String userId, String... roles) throws Exception {
    return signIn(new Browser(name), baseUrl, displayName, userId, roles);
  }

  public UiUser signIn(Browser b, String baseUrl, String displayName, String userId, String... roles) {
    hold(b);
    return UiUser.signIn(b, baseUrl, displayName, userId, roles);
  }

  @Override
  public void afterTestExecution(ExtensionContext ctx) {
    if (ctx.getExecutionException().isPresent()) {
      for (Browser b : browsers) {
        System.out.println("[ui] failed: screenshot " + b.screenshot(ctx.getRequiredTestMethod().getName()) + ", console " + b.console());
      }
    }
    while (!held.isEmpty()) {
      try {
        held.pop().close();
      } catch (Exception e) {
        System.out.println("[ui] closing: " + e);
      }
    }
    browsers.clear();
  }
}
