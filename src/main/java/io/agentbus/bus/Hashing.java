package io.agentbus.bus;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256 in hex, in one place (audit bodies, template files). CPU work: call it off the event loop. */
public final class Hashing {

  private Hashing() {}

  public static String sha256Hex(String s) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * A stable id for what a keyed request makes: the same user and key name the same thing on any
   * node (an HTTP Idempotency-Key's workflow, an AG-UI runId's workflow).
   */
  public static String derivedId(String what, String userId, String key) {
    return sha256Hex(what + "\n" + userId + "\n" + key).substring(0, 32);
  }
}
