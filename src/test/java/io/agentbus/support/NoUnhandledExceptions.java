package io.agentbus.support;

import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code @ExtendWith(NoUnhandledExceptions.class)}: whatever the class's tests sent, nothing was
 * left as an unhandled exception in the nodes' log (a {@link LogWatch} over the whole class).
 */
public final class NoUnhandledExceptions implements BeforeAllCallback, AfterAllCallback {

  private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(NoUnhandledExceptions.class);

  @Override
  public void beforeAll(ExtensionContext context) {
    context.getStore(NS).put("log", new LogWatch());
  }

  @Override
  public void afterAll(ExtensionContext context) {
    try (LogWatch log = context.getStore(NS).remove("log", LogWatch.class)) {
      assertTrue(log.seen() > 0, "the log watch sees the nodes' log");
      assertEquals(List.of(), log.unhandled());
    }
  }
}
