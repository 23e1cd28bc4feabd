package io.agentbus.auth;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Seals what the database keeps for a browser session but must not show (the provider's refresh
 * and ID tokens): AES-256-GCM with a key derived from the cluster's JWT secret, so a dump of the
 * table alone does not hand out sessions. Each value has its own random 12-byte nonce before it.
 */
final class Sealer {

  private static final SecureRandom RANDOM = new SecureRandom();
  private final SecretKeySpec key;

  Sealer(String jwtSecret) {
    try {
      byte[] k = MessageDigest.getInstance("SHA-256")
          .digest(("agentbus browser sessions\0" + jwtSecret).getBytes(StandardCharsets.UTF_8));
      this.key = new SecretKeySpec(k, "AES");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The sealed bytes of {@code plain}, or null for null. */
  byte[] seal(String plain) {
    if (plain == null) {
      return null;
    }
    try {
      byte[] nonce = new byte[12];
      RANDOM.nextBytes(nonce);
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, nonce));
      byte[] body = c.doFinal(plain.getBytes(StandardCharsets.UTF_8));
      return ByteBuffer.allocate(nonce.length + body.length).put(nonce).put(body).array();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The plain text of sealed bytes, or null when there are none or they do not open with this key. */
  String open(byte[] sealed) {
    if (sealed == null || sealed.length < 13) {
      return null;
    }
    try {
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(128, sealed, 0, 12));
      return new String(c.doFinal(sealed, 12, sealed.length - 12), StandardCharsets.UTF_8);
    } catch (GeneralSecurityException e) {
      return null; // sealed under another secret (it was rotated): the session cannot be renewed
    }
  }
}
