package io.agentbus.stream;

/** Where a subscription's frames go: one client connection. */
public interface Sink {

  /** The user behind the connection (typing updates are not echoed to their author). */
  String userId();

  /**
   * Writes one frame. Returns false when the connection is over its send-queue bound; it then
   * closes itself and the hub forgets it.
   */
  boolean write(Frame frame);
}
