package io.agentbus.stream;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Set;
import org.junit.jupiter.api.Test;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Who is sent a stream's events: exactly the nodes that announced they follow it. */
class InterestTest {

  private final Interest interest = new Interest();

  private static JsonObject change(String node, String op, String... streams) {
    return new JsonObject().put("node", node).put(op, new JsonArray(java.util.List.of(streams)));
  }

  @Test
  void changesAddAndRemoveFollowers() {
    interest.onAnnouncement(change("n1", "add", "channel:a", "channel:b"));
    interest.onAnnouncement(change("n2", "add", "channel:a"));
    assertEquals(Set.of("n1", "n2"), Set.copyOf(interest.targets("channel:a")));
    interest.onAnnouncement(change("n1", "remove", "channel:a"));
    assertEquals(Set.of("n2"), Set.copyOf(interest.targets("channel:a")));
    assertEquals(Set.of("n1"), Set.copyOf(interest.targets("channel:b")));
    assertTrue(interest.targets("channel:nobody").isEmpty(), "a stream nobody follows is sent nowhere");
  }

  @Test
  void aFullAnnouncementReplacesWhatTheNodeFollowed() {
    interest.onAnnouncement(change("n1", "add", "channel:a", "channel:b"));
    interest.onAnnouncement(change("n1", "full", "channel:b", "channel:c"));
    assertTrue(interest.targets("channel:a").isEmpty());
    assertEquals(Set.of("n1"), Set.copyOf(interest.targets("channel:c")));
  }

  @Test
  void malformedAnnouncementsAreIgnored() {
    interest.onAnnouncement(new JsonObject().put("add", new JsonArray().add("channel:a")));
    assertTrue(interest.targets("channel:a").isEmpty());
  }

  @Test
  void aNodeThatLeftTheClusterIsForgottenAtOnce() {
    interest.onAnnouncement(change("n1", "add", "channel:a"));
    interest.onAnnouncement(change("n2", "add", "channel:a"));
    interest.forgetNode("n1");
    assertEquals(Set.of("n2"), Set.copyOf(interest.targets("channel:a")), "writers stop sending to the node that left");
  }
}
