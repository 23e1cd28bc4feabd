package io.agentbus.orchestrator;

import io.agentbus.bus.AppException;
import java.util.List;
import org.junit.jupiter.api.Test;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The arguments of /assign and /parallel: words, with "quoted parts" kept together. */
class WorkflowCommandsTest {

  @Test
  void quotedPartsStayTogetherAndLoseTheirQuotes() {
    assertEquals(List.of("code", "write the parser"), CommandWords.split("code \"write the parser\""));
    assertEquals(List.of("@qa check it", "@data count"), CommandWords.split("\"@qa check it\"   \"@data count\""));
    assertEquals(List.of("a", "", "b"), CommandWords.split("a \"\" b"), "an empty quoted part is a part");
    assertEquals(List.of(), CommandWords.split("   "));
  }

  @Test
  void anUnclosedQuoteIsAnError() {
    assertThrows(AppException.class, () -> CommandWords.split("code \"never closed"));
  }
}
