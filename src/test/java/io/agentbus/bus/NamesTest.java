package io.agentbus.bus;

import org.junit.jupiter.api.Test;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Names become parts of stream names, bus addresses and SQL keys: only the safe ones pass. */
class NamesTest {

  @Test
  void ids() {
    assertTrue(Names.isId("a-B_9"));
    assertTrue(Names.isId("x".repeat(64)));
    for (Object bad : new Object[] {"", "x".repeat(65), "a b", "a.b", "a:b", "ü", null, 42}) {
      assertFalse(Names.isId(bad), String.valueOf(bad));
    }
  }

  @Test
  void channels() {
    assertTrue(Names.isChannel("general"));
    assertTrue(Names.isChannel("0-ops_team"));
    for (Object bad : new Object[] {"General", "-x", "_x", "a b", "", "x".repeat(65), null}) {
      assertFalse(Names.isChannel(bad), String.valueOf(bad));
    }
  }

  @Test
  void agentRolesAndUserIds() {
    assertTrue(Names.isAgentRole("code"));
    assertFalse(Names.isAgentRole("Code"));
    assertFalse(Names.isAgentRole("1code"));
    assertFalse(Names.isAgentRole("a.b"), "a role is part of an address: no dots");
    assertTrue(Names.isUserId("alice.b@example.com"));
    assertFalse(Names.isUserId(".alice"));
    assertFalse(Names.isUserId("a/b"));
  }
}
