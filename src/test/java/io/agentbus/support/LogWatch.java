package io.agentbus.support;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * Watches everything the nodes in this JVM log, so a test can assert that bad input left no
 * unhandled exception behind (an ERROR with a stack trace, or Vert.x's "Unhandled exception").
 */
public final class LogWatch implements AutoCloseable {

  private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

  public LogWatch() {
    appender.setContext(root.getLoggerContext());
    appender.start();
    root.addAppender(appender);
  }

  /** How many events it saw (a watch that sees nothing is not wired: the nodes always log at start). */
  public int seen() {
    synchronized (appender.list) {
      return appender.list.size();
    }
  }

  /** The errors logged so far that carry an exception, or are Vert.x's unhandled-exception reports. */
  public List<String> unhandled() {
    synchronized (appender.list) {
      return appender.list.stream()
          .filter(e -> e.getLevel().isGreaterOrEqual(Level.ERROR)
              && (e.getThrowableProxy() != null || e.getFormattedMessage().contains("Unhandled exception")))
          .map(e -> e.getLoggerName() + ": " + e.getFormattedMessage()
              + (e.getThrowableProxy() == null ? "" : " (" + e.getThrowableProxy().getClassName() + ": "
                  + e.getThrowableProxy().getMessage() + ")"))
          .toList();
    }
  }

  @Override
  public void close() {
    root.detachAppender(appender);
    appender.stop();
  }
}
