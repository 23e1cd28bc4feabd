package io.agentbus.stream;

import io.agentbus.bus.Addresses;
import io.agentbus.bus.AppException;
import io.agentbus.bus.Names;
import io.vertx.core.json.JsonObject;
import java.util.regex.Pattern;

/**
 * A stream's name, {@code <kind>:<id>}: the one place that builds, parses and maps them.
 *
 * <p>Stream names travel as plain strings (bus headers, map keys, the {@code streams.stream}
 * column), so the builders return strings; {@link #parse} gives the typed form back. Through the
 * SockJS bridge a stream is delivered on {@code agentbus.<kind>.<id>} ({@link #browserAddress}).
 */
public record StreamName(Kind kind, String id) {

  /** The four kinds of stream (PROTOCOL §2), each with the rule its ids follow. */
  public enum Kind {
    CHANNEL(Names.CHANNEL), SESSION(Names.ID), WORKFLOW(Names.ID), USER(Names.USER_ID);

    final String prefix = name().toLowerCase() + ":";
    final String browserPrefix = BROWSER_PREFIX + name().toLowerCase() + ".";
    private final Pattern ids;

    Kind(Pattern ids) {
      this.ids = ids;
    }

    public String of(String id) {
      return prefix + id;
    }
  }

  private static final String BROWSER_PREFIX = Addresses.BROWSER_PREFIX;
  /** The browser addresses a SockJS client may register: exactly the streams' addresses. */
  public static final String BROWSER_REGEX =
      Pattern.quote(BROWSER_PREFIX) + "(channel|session|workflow|user)\\." + Names.ID.pattern();

  public static String channel(String name) {
    return Kind.CHANNEL.of(name);
  }

  public static String session(String id) {
    return Kind.SESSION.of(id);
  }

  public static String workflow(String id) {
    return Kind.WORKFLOW.of(id);
  }

  public static String user(String id) {
    return Kind.USER.of(id);
  }

  /** The typed name, or null when {@code stream} is no well-formed stream name. */
  public static StreamName parse(String stream) {
    if (stream == null) {
      return null;
    }
    for (Kind k : Kind.values()) {
      if (stream.startsWith(k.prefix)) {
        String id = stream.substring(k.prefix.length());
        return k.ids.matcher(id).matches() ? new StreamName(k, id) : null;
      }
    }
    return null;
  }

  /** The id part of a stream name ({@code channel:general} → {@code general}). */
  public static String idOf(String stream) {
    return stream.substring(stream.indexOf(':') + 1);
  }

  /** {@code channel:general} → {@code agentbus.channel.general}. */
  public static String browserAddress(String stream) {
    int i = stream.indexOf(':');
    return BROWSER_PREFIX + stream.substring(0, i) + "." + stream.substring(i + 1);
  }

  /** The inverse of {@link #browserAddress}, or null when the address is no stream's. */
  public static String ofBrowserAddress(String address) {
    if (address == null || io.agentbus.bus.Addresses.isServiceNotStream(address)) {
      return null;
    }
    for (Kind k : Kind.values()) {
      if (address.startsWith(k.browserPrefix) && address.length() > k.browserPrefix.length()) {
        return k.of(address.substring(k.browserPrefix.length()));
      }
    }
    return null;
  }

  /**
   * The stream a {@code subscribe}/{@code unsubscribe} request names: exactly one of
   * {@code channel}, {@code workflowId} (or its alias {@code executionId}) and {@code sessionId}.
   */
  public static String fromRequest(JsonObject f) {
    Object channel = f.getValue("channel");
    Object workflow = f.getValue("workflowId") != null ? f.getValue("workflowId") : f.getValue("executionId");
    Object session = f.getValue("sessionId");
    if ((channel != null ? 1 : 0) + (workflow != null ? 1 : 0) + (session != null ? 1 : 0) > 1) {
      throw AppException.invalid("give one of 'channel', 'workflowId', 'executionId', 'sessionId'");
    }
    if (session != null) {
      if (!Names.isId(session)) {
        throw AppException.invalid("'sessionId' must be an id of at most 64 letters, digits, - or _");
      }
      return session((String) session);
    }
    if (channel != null) {
      if (!Names.isChannel(channel)) {
        throw AppException.invalid("'channel' must match " + Names.CHANNEL.pattern());
      }
      return channel((String) channel);
    }
    if (workflow != null) {
      if (!Names.isId(workflow)) {
        throw AppException.invalid("'workflowId' must be an id of at most 64 letters, digits, - or _");
      }
      return workflow((String) workflow);
    }
    throw AppException.invalid("one of 'channel', 'workflowId', 'executionId', 'sessionId' is required");
  }

  @Override
  public String toString() {
    return kind.of(id);
  }
}
