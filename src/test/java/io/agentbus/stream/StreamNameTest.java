package io.agentbus.stream;

import io.agentbus.bus.AppException;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

class StreamNameTest {

  @Test
  void namesAreBuiltParsedAndMappedToBrowserAddresses() {
    assertEquals("channel:general", StreamName.channel("general"));
    assertEquals(new StreamName(StreamName.Kind.WORKFLOW, "w-1"), StreamName.parse(StreamName.workflow("w-1")));
    assertEquals("user:alice.b@x", StreamName.parse("user:alice.b@x").toString());
    assertEquals("agentbus.session.s1", StreamName.browserAddress(StreamName.session("s1")));
    assertEquals("session:s1", StreamName.ofBrowserAddress("agentbus.session.s1"));
    assertEquals("general", StreamName.idOf("channel:general"));
    assertNull(StreamName.ofBrowserAddress("agentbus.chat.send"));
    assertNull(StreamName.ofBrowserAddress("agentbus.channel."));
  }

  @Test
  void malformedNamesAreRefused() {
    for (String bad : new String[] {"general", "channel:", "channel:Has Caps", "session:a b", "teleport:x", "workflow:"
        + "x".repeat(65)}) {
      assertNull(StreamName.parse(bad), bad);
    }
    assertNull(StreamName.parse(null));
  }

  @Test
  void aSubscribeRequestNamesExactlyOneValidStream() {
    assertEquals("channel:general", StreamName.fromRequest(new JsonObject().put("channel", "general")));
    assertEquals("workflow:w1", StreamName.fromRequest(new JsonObject().put("executionId", "w1")));
    assertEquals("session:s1", StreamName.fromRequest(new JsonObject().put("sessionId", "s1")));
    assertThrows(AppException.class, () -> StreamName.fromRequest(new JsonObject()));
    assertThrows(AppException.class, () -> StreamName.fromRequest(new JsonObject().put("channel", "a").put("sessionId", "b")));
    assertThrows(AppException.class, () -> StreamName.fromRequest(new JsonObject().put("channel", "UPPER")));
    assertThrows(AppException.class, () -> StreamName.fromRequest(new JsonObject().put("workflowId", 7)));
  }

  @Test
  void theBridgePermitsExactlyStreamAddresses() {
    assertEquals(true, "agentbus.channel.general".matches(StreamName.BROWSER_REGEX));
    assertEquals(true, "agentbus.workflow.w-1".matches(StreamName.BROWSER_REGEX));
    assertEquals(false, "agentbus.chat.send".matches(StreamName.BROWSER_REGEX));
    assertEquals(false, "internal.interest".matches(StreamName.BROWSER_REGEX));
  }
}
