package io.agentbus.bus;

import java.util.regex.Pattern;

/**
 * The rules for every name that comes in from outside: ids, channel names, agent roles, user ids.
 * Each becomes part of a stream name, a bus address or a SQL key, so each rule is spelled once,
 * here, and checked wherever such a name enters.
 */
public final class Names {

  /** Session, workflow, approval and message ids: letters, digits, - and _, at most 64. */
  public static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");
  /** Channel names: lower-case letters, digits, - and _, at most 64, not starting with - or _. */
  public static final Pattern CHANNEL = Pattern.compile("[a-z0-9][a-z0-9_-]{0,63}");
  /** Agent role names (they are part of {@code internal.agent.<role>} addresses). */
  public static final Pattern AGENT_ROLE = Pattern.compile("[a-z][a-z0-9_-]{0,31}");
  /** User ids (a token's {@code sub}): a letter or digit, then letters, digits, _ . @ -, at most 64. */
  public static final Pattern USER_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.@-]{0,63}");

  private Names() {}

  public static boolean isId(Object v) {
    return v instanceof String s && ID.matcher(s).matches();
  }

  public static boolean isChannel(Object v) {
    return v instanceof String s && CHANNEL.matcher(s).matches();
  }

  public static boolean isAgentRole(Object v) {
    return v instanceof String s && AGENT_ROLE.matcher(s).matches();
  }

  public static boolean isUserId(Object v) {
    return v instanceof String s && USER_ID.matcher(s).matches();
  }
}
