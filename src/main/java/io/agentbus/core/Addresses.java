package io.agentbus.core;

/**
 * Every event-bus address, in one place.
 *
 * <p>{@code agentbus.*} addresses are browser-visible (PROTOCOL.md §4): the SockJS bridge permits
 * exactly these. {@code internal.*} addresses are between verticles only; the bridge's
 * permitted-address lists never match them, so a browser can neither send to them nor listen.
 */
public final class Addresses {

  // ---- browser-visible (PROTOCOL §4) ----
  public static final String CHANNEL_PREFIX = "agentbus.channel.";
  public static final String SESSION_PREFIX = "agentbus.session.";
  public static final String WORKFLOW_PREFIX = "agentbus.workflow.";
  public static final String USER_PREFIX = "agentbus.user.";

  public static final String CHAT_SEND = "agentbus.chat.send";
  public static final String HISTORY = "agentbus.history";
  public static final String TYPING = "agentbus.typing";

  // ---- internal, verticle to verticle ----
  /**
   * Every committed and ephemeral stream event, published cluster-wide with the stream in a
   * header; each node's hub holds one consumer and keeps what its clients follow. One always-used
   * address instead of one per stream: Vert.x caches where an address's consumers are only while
   * it has some, so publishing to a stream nobody follows cost a blocking Hazelcast lookup per event
   * (measured: ~2 k commits/s at 170 % CPU before, see README Performance).
   */
  public static final String EVENTS = "internal.events";
  /** Router: may this user subscribe to {stream}? */
  public static final String SUBSCRIBE_CHECK = "internal.router.subscribe-check";
  /** Router: claim or check a session id for this user. */
  public static final String SESSION_CLAIM = "internal.router.session-claim";
  public static final String CHANNELS_LIST = "internal.router.channels.list";
  public static final String CHANNELS_CREATE = "internal.router.channels.create";

  private Addresses() {}

  /**
   * The browser address a stream is delivered on through the SockJS bridge:
   * {@code channel:general} → {@code agentbus.channel.general}.
   */
  public static String browserAddress(String stream) {
    int i = stream.indexOf(':');
    return "agentbus." + stream.substring(0, i) + "." + stream.substring(i + 1);
  }

  /** The inverse of {@link #browserAddress}, or null when the address is no stream address. */
  public static String streamOfBrowserAddress(String address) {
    for (String kind : new String[] {"channel", "session", "workflow", "user"}) {
      String prefix = "agentbus." + kind + ".";
      if (address.startsWith(prefix) && address.length() > prefix.length()) {
        return kind + ":" + address.substring(prefix.length());
      }
    }
    return null;
  }
}
