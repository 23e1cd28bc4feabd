package io.agentbus.router;

import org.junit.jupiter.api.Test;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EmojiTest {

  @Test
  void oneEmojiWithItsModifiersOrAShortcodeIsAReaction() {
    for (String ok : new String[] {"👍", "👍🏽", "❤️", "🇫🇷", "1️⃣", "👩‍💻", "👨‍👩‍👧‍👦", "🏳️‍🌈", ":tada:", ":+1:", "✅", "⭐"}) {
      assertTrue(Emoji.isValid(ok), ok);
    }
  }

  @Test
  void textSeveralEmojiAndOverlongValuesAreNot() {
    for (String bad : new String[] {"", "a", "hello", "👍👍", "👍 ", " 👍", "1", "🇫", ":no spaces:", "::",
        ":" + "a".repeat(31) + ":", "👍".repeat(17), "<img>", "\u200D", "👍\u200D", "🏽"}) {
      assertFalse(Emoji.isValid(bad), bad);
    }
  }
}
