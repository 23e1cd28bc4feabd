package io.agentbus.bridge;

import io.vertx.core.json.JsonObject;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The one table every transport reads. */
class OperationTest {

  @Test
  void everyFrameTypeNamesOneOperationAndEveryOperationIsReachable() {
    Set<String> types = new HashSet<>();
    for (Operation op : Operation.values()) {
      for (String t : op.frameTypes) {
        assertTrue(types.add(t), "frame type " + t + " is in the table once");
        assertSame(op, Operation.ofFrame(t));
      }
      assertTrue(!op.frameTypes.isEmpty() || op.http != null, op + " is reachable from some transport");
      assertTrue(op.http == null || op.http.path().startsWith("/api/"), op + " lives under /api/");
    }
    assertNull(Operation.ofFrame("subscribe"), "connection-local frames are not service operations");
  }

  @Test
  void browsersMaySendOnlyToTheAgentbusAddressesOfTheTable() {
    for (Operation op : Operation.values()) {
      assertEquals(op.address.startsWith("agentbus."), op.browserVisible(), op.name());
      assertFalse(op.browserVisible() && op.address.startsWith("internal."));
    }
    assertTrue(Operation.CHAT.browserVisible());
    assertFalse(Operation.CHANNELS_CREATE.browserVisible(), "channels are created over REST only");
  }

  @Test
  void bodiesCarryTheFrameFieldsButNotTheFramesOwnTypeAndId() {
    JsonObject chat = new JsonObject().put("type", "chat").put("id", 7).put("channel", "general").put("content", "hi");
    assertEquals(new JsonObject().put("channel", "general").put("content", "hi"), Operation.CHAT.body.apply("chat", chat));
    JsonObject input = new JsonObject().put("type", "user_input").put("content", "x").put("sessionId", "someone-else");
    assertEquals(new JsonObject().put("content", "x"), Operation.WORKFLOW_START.body.apply("user_input", input),
        "a workflow runs in the connection's session, never one named in the frame");
    assertEquals(new JsonObject().put("channel", "c").put("typing", false),
        Operation.TYPING.body.apply("typing_stop", new JsonObject().put("channel", "c")));
  }

  @Test
  void repliesAreTheProtocolFrames() {
    JsonObject ack = Operation.CHAT.reply.apply(new JsonObject().put("stream", "channel:g").put("seq", 3).put("messageId", "m"));
    assertEquals(new JsonObject().put("type", "ack").put("stream", "channel:g").put("seq", 3).put("messageId", "m"), ack);
    JsonObject command = new JsonObject().put("type", "command_result").put("ok", true);
    assertEquals(command, Operation.CHAT.reply.apply(new JsonObject().put("commandResult", command)));
    assertNull(Operation.TYPING.reply, "typing is answered only when it fails");
    assertTrue(Operation.Follow.IF_COMMAND.before(new JsonObject().put("content", "/assign code \"x\"")));
    assertFalse(Operation.Follow.IF_COMMAND.before(new JsonObject().put("content", "hello")));
  }
}
