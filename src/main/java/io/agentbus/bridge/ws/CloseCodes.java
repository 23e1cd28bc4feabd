package io.agentbus.bridge.ws;

/** WebSocket close codes used by /ws (PROTOCOL §3). */
final class CloseCodes {
  /** Service restart (the node is shutting down): reconnect, to another node, and resume with lastSeq. */
  static final short SERVICE_RESTART = 1012;
  /** Policy violation: flood past the rate limit. */
  static final short RATE_FLOOD = 1008;
  /** A frame over the size limit (Netty closes with this code itself). */
  static final short TOO_BIG = 1009;
  /** The client stopped reading and its send queue passed the bound; resume with lastSeq. */
  static final short SLOW_CONSUMER = 4008;
  /** No valid authentication within the time limit, or an invalid token on the URL. */
  static final short NOT_AUTHENTICATED = 4401;
  /** Authenticated, but the session could not be set up now (database down): reconnect later. */
  static final short TRY_AGAIN_LATER = 1013;
  /** The session id belongs to another user. */
  static final short FORBIDDEN = 4403;

  private CloseCodes() {}
}
