package io.agentbus.bus;

import org.junit.jupiter.api.Test;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Commands are parsed in one place and each has one owner. */
class SlashCommandTest {

  @Test
  void theFirstWordNamesTheCommandCaseInsensitivelyAndTheRestIsItsArguments() {
    SlashCommand.Line l = SlashCommand.parse("/Assign code  \"write the parser\"");
    assertEquals(SlashCommand.ASSIGN, l.command());
    assertEquals("code  \"write the parser\"", l.args());
    assertEquals(SlashCommand.HELP, SlashCommand.parse("/help").command());
    assertEquals("", SlashCommand.parse("/status").args());
  }

  @Test
  void anUnknownCommandKeepsTheWordAsTyped() {
    SlashCommand.Line l = SlashCommand.parse("/teleport home");
    assertNull(l.command());
    assertEquals("teleport", l.word());
  }

  @Test
  void ownersAreTheRouterOrTheOrchestratorOrApprovals() {
    assertNull(SlashCommand.WHOAMI.address, "answered by the router itself");
    assertEquals(Addresses.WORKFLOW_COMMAND, SlashCommand.PARALLEL.address);
    assertEquals(Addresses.APPROVAL_COMMAND, SlashCommand.REJECT.address);
  }

  @Test
  void helpListsEveryCommandWithItsUsage() {
    String help = SlashCommand.help();
    for (SlashCommand c : SlashCommand.values()) {
      assertTrue(help.contains(c.usage + "  " + c.description), c.word);
    }
  }
}
