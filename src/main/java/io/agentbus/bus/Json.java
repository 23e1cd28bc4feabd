package io.agentbus.bus;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;

/** Field checks for client JSON (clear INVALID_MESSAGE errors), ids and timestamps. */
public final class Json {

  private Json() {}

  /**
   * A random (version 4) UUID from {@link java.util.concurrent.ThreadLocalRandom}: ids of messages
   * are not secrets, and {@code UUID.randomUUID()} reads a synchronized SecureRandom per call
   * (visible in the persistence profile).
   */
  public static String newId() {
    java.util.concurrent.ThreadLocalRandom r = java.util.concurrent.ThreadLocalRandom.current();
    long hi = (r.nextLong() & ~0xF000L) | 0x4000L;
    long lo = (r.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
    return new java.util.UUID(hi, lo).toString();
  }

  /** Last timestamp rendered, per millisecond: frames created in the same millisecond share it. */
  private static volatile Object[] lastNow = {0L, ""};

  /** Now, ISO-8601 UTC with milliseconds ({@code 2026-11-22T04:31:07.123Z}). */
  public static String now() {
    long ms = System.currentTimeMillis();
    Object[] cached = lastNow;
    if ((long) cached[0] == ms) {
      return (String) cached[1];
    }
    String s = java.time.format.DateTimeFormatter.ISO_INSTANT.format(Instant.ofEpochMilli(ms));
    lastNow = new Object[] {ms, s};
    return s;
  }

  /** A required id ({@link Names#ID}). */
  public static String requireId(JsonObject o, String field) {
    String s = requireString(o, field, 64);
    if (!Names.isId(s)) {
      throw AppException.invalid("'" + field + "' must match " + Names.ID.pattern());
    }
    return s;
  }

  /** An optional id ({@link Names#ID}), or null. */
  public static String optId(JsonObject o, String field) {
    return o.getValue(field) == null ? null : requireId(o, field);
  }

  /** A required non-empty string of at most {@code max} characters. */
  public static String requireString(JsonObject o, String field, int max) {
    Object v = o.getValue(field);
    if (v == null) {
      throw AppException.invalid("'" + field + "' is required");
    }
    if (!(v instanceof String s)) {
      throw AppException.invalid("'" + field + "' must be a string");
    }
    if (s.isEmpty()) {
      throw AppException.invalid("'" + field + "' must not be empty");
    }
    noNul(field, s);
    if (s.length() > max) {
      throw AppException.invalid("'" + field + "' is longer than " + max + " characters");
    }
    return s;
  }

  /** A required string of at most {@code max} characters with something besides whitespace in it. */
  public static String requireText(JsonObject o, String field, int max) {
    String s = requireString(o, field, max);
    if (s.isBlank()) {
      throw AppException.invalid("'" + field + "' must not be only whitespace");
    }
    return s;
  }

  /** An optional string of at most {@code max} characters, or null. */
  public static String optString(JsonObject o, String field, int max) {
    Object v = o.getValue(field);
    if (v == null) {
      return null;
    }
    if (!(v instanceof String s)) {
      throw AppException.invalid("'" + field + "' must be a string");
    }
    noNul(field, s);
    if (s.length() > max) {
      throw AppException.invalid("'" + field + "' is longer than " + max + " characters");
    }
    return s;
  }

  /** PostgreSQL's text and jsonb cannot hold U+0000: refused as bad input, never a failed write. */
  private static void noNul(String field, String s) {
    if (s.indexOf('\0') >= 0) {
      throw AppException.invalid("'" + field + "' must not contain NUL characters (U+0000)");
    }
  }

  /**
   * True when an encoded JSON text holds an escaped U+0000 ({@code \u0000} after an even number of
   * backslashes), which PostgreSQL's jsonb refuses.
   */
  public static boolean hasEscapedNul(String json) {
    for (int i = json.indexOf("u0000"); i > 0; i = json.indexOf("u0000", i + 1)) {
      int slashes = 0;
      for (int k = i - 1; k >= 0 && json.charAt(k) == '\\'; k--) {
        slashes++;
      }
      if (slashes % 2 == 1) {
        return true;
      }
    }
    return false;
  }

  /** An optional whole number in [min, max], or null. */
  public static Long optLong(JsonObject o, String field, long min, long max) {
    Object v = o.getValue(field);
    if (v == null) {
      return null;
    }
    if (!(v instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue())) {
      throw AppException.invalid("'" + field + "' must be a whole number");
    }
    long l = n.longValue();
    if (l < min || l > max) {
      throw AppException.invalid("'" + field + "' must be between " + min + " and " + max);
    }
    return l;
  }

  /** An optional array of at most {@code maxItems} strings of at most {@code maxLen} characters. */
  public static JsonArray optStringArray(JsonObject o, String field, int maxItems, int maxLen) {
    Object v = o.getValue(field);
    if (v == null) {
      return new JsonArray();
    }
    if (!(v instanceof JsonArray a)) {
      throw AppException.invalid("'" + field + "' must be an array of strings");
    }
    if (a.size() > maxItems) {
      throw AppException.invalid("'" + field + "' has more than " + maxItems + " items");
    }
    for (Object item : a) {
      if (!(item instanceof String s) || s.isEmpty() || s.length() > maxLen) {
        throw AppException.invalid("'" + field + "' must hold non-empty strings of at most " + maxLen + " characters");
      }
    }
    return a;
  }
}
