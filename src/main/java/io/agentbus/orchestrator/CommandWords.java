package io.agentbus.orchestrator;

import io.agentbus.bus.AppException;
import java.util.ArrayList;
import java.util.List;

/** The words of a slash command's arguments, for the workflow and the session commands alike. */
final class CommandWords {

  private CommandWords() {}

  /** Splits on spaces, keeping "double-quoted parts" (quotes removed) together. */
  static List<String> split(String s) {
    List<String> out = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    boolean quoted = false;
    boolean any = false;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '"') {
        quoted = !quoted;
        any = true;
      } else if (Character.isWhitespace(c) && !quoted) {
        if (any || cur.length() > 0) {
          out.add(cur.toString());
          cur.setLength(0);
          any = false;
        }
      } else {
        cur.append(c);
      }
    }
    if (quoted) {
      throw AppException.invalid("a quote is not closed");
    }
    if (any || cur.length() > 0) {
      out.add(cur.toString());
    }
    return out;
  }
}
