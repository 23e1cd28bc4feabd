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
   * Where a node's hub receives stream events (committed and ephemeral, stream and seq in
   * headers): one address per node, always registered, to which writers send only the events of
   * streams that node follows ({@link Interest}). Not one address per stream: Vert.x caches where
   * an address's consumers are only while it has some, so publishing to a stream nobody followed
   * cost a blocking Hazelcast lookup per event (measured: ~2 k commits/s at 170 % CPU, README
   * Performance).
   */
  public static String nodeEvents(String nodeId) {
    return "internal.node." + nodeId + ".events";
  }

  /**
   * Ephemeral stream events (typing), published to every node's hub. Not routed by interest: they
   * are rare, and unlike committed events a missed push could not be read back from the database.
   */
  public static final String EPHEMERAL = "internal.ephemeral";

  /** Hubs announce here which streams their node follows; every router keeps the table. */
  public static final String INTEREST = "internal.interest";
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
