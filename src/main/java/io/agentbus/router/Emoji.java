package io.agentbus.router;

import java.util.regex.Pattern;

/**
 * What a reaction may be (PROTOCOL §7): one emoji — a single pictograph with its modifiers
 * (skin tone, variation selector, keycap, tags), a flag (two regional indicators), or several
 * joined by zero-width joiners (👩‍💻) — or a {@code :name:} shortcode; at most 32 characters.
 */
final class Emoji {

  static final int MAX = 32;
  private static final Pattern SHORTCODE = Pattern.compile(":[a-z0-9_+-]{1,30}:");

  private Emoji() {}

  static boolean isValid(String s) {
    if (s == null || s.isEmpty() || s.length() > MAX) {
      return false;
    }
    if (SHORTCODE.matcher(s).matches()) {
      return true;
    }
    for (String part : s.split("\u200D", -1)) {
      if (!isOneGlyph(part)) {
        return false;
      }
    }
    return true;
  }

  /** One pictograph (or flag, or keycap) followed only by modifiers. */
  private static boolean isOneGlyph(String s) {
    int[] cps = s.codePoints().toArray();
    if (cps.length == 0) {
      return false;
    }
    int i;
    if (isRegionalIndicator(cps[0])) {
      if (cps.length < 2 || !isRegionalIndicator(cps[1])) {
        return false;
      }
      i = 2;
    } else if (isKeycapBase(cps[0])) {
      // 1️⃣: a digit, # or * is an emoji only with the keycap mark
      return cps.length >= 2 && cps[cps.length - 1] == 0x20E3 && allModifiers(cps, 1, cps.length);
    } else if (isPictograph(cps[0])) {
      i = 1;
    } else {
      return false;
    }
    return allModifiers(cps, i, cps.length);
  }

  private static boolean allModifiers(int[] cps, int from, int to) {
    for (int i = from; i < to; i++) {
      int c = cps[i];
      boolean modifier = c == 0xFE0F || c == 0xFE0E || c == 0x20E3 || (c >= 0x1F3FB && c <= 0x1F3FF)
          || (c >= 0xE0020 && c <= 0xE007F);
      if (!modifier) {
        return false;
      }
    }
    return true;
  }

  private static boolean isRegionalIndicator(int c) {
    return c >= 0x1F1E6 && c <= 0x1F1FF;
  }

  private static boolean isKeycapBase(int c) {
    return (c >= '0' && c <= '9') || c == '#' || c == '*';
  }

  /** Symbols (So) in the emoji planes and the older dingbat and misc-symbol blocks. */
  private static boolean isPictograph(int c) {
    if (c >= 0x1F000 && c <= 0x1FAFF) {
      return !(c >= 0x1F3FB && c <= 0x1F3FF);
    }
    int type = Character.getType(c);
    return (type == Character.OTHER_SYMBOL || type == Character.MATH_SYMBOL && c >= 0x2190)
        && c >= 0x2000 && c <= 0x3300;
  }
}
