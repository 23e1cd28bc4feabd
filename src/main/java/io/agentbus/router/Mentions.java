package io.agentbus.router;

import io.vertx.core.json.JsonArray;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** {@code @name} mentions in chat content (seed 003): a user id or an agent role. */
final class Mentions {

  private static final Pattern MENTION = Pattern.compile("(?<![A-Za-z0-9_.@])@([A-Za-z0-9][A-Za-z0-9_-]{0,63})");

  private Mentions() {}

  /** The explicit mentions followed by those found in the content, without repeats, in order. */
  static JsonArray of(String content, JsonArray explicit) {
    if (explicit.isEmpty() && content.indexOf('@') < 0) {
      return new JsonArray(); // the common case: skip the regex
    }
    Set<String> all = new LinkedHashSet<>();
    for (Object o : explicit) {
      all.add((String) o);
    }
    Matcher m = MENTION.matcher(content);
    while (m.find() && all.size() < 50) {
      all.add(m.group(1));
    }
    return new JsonArray(new java.util.ArrayList<>(all));
  }
}
