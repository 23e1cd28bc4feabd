package io.agentbus.presence;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PresenceTableTest {

  @Test
  void onlyTheFirstAndLastLocalConnectionAreNews() {
    PresenceTable t = new PresenceTable();
    assertTrue(t.joinLocal("general", "alice", 100));
    assertFalse(t.joinLocal("general", "alice", 200));
    assertEquals(Map.of("alice", 100L), t.online("general"));
    assertFalse(t.leaveLocal("general", "alice"));
    assertTrue(t.leaveLocal("general", "alice"));
    assertFalse(t.leaveLocal("general", "alice"));
    assertEquals(Map.of(), t.online("general"));
  }

  @Test
  void theUnionOfNodesWithTheEarliestSinceAndADroppedNodesUsersGone() {
    PresenceTable t = new PresenceTable();
    t.joinLocal("general", "alice", 300);
    t.remoteJoin("n2", "general", "alice", 100, 0);
    t.remoteJoin("n2", "general", "bob", 150, 0);
    t.remoteJoin("n3", "random", "carol", 150, 0);
    assertEquals(Map.of("alice", 100L, "bob", 150L), t.online("general"));
    assertEquals(Set.of("general"), t.dropNode("n2"));
    assertEquals(Map.of("alice", 300L), t.online("general"));
    assertEquals(Map.of("carol", 150L), t.online("random"));
  }

  @Test
  void aFullTableReplacesTheNodesEntriesAndSaysWhichChannelsChanged() {
    PresenceTable t = new PresenceTable();
    t.remoteJoin("n2", "general", "bob", 1, 0);
    t.remoteJoin("n2", "random", "bob", 1, 0);
    Set<String> changed = t.remoteFull("n2", Map.of("general", Map.of("bob", 1L), "dev", Map.of("dan", 5L)), 10);
    assertEquals(Set.of("random", "dev"), changed);
    assertEquals(Map.of(), t.online("random"));
    assertEquals(Map.of("dan", 5L), t.online("dev"));
  }

  @Test
  void aNodeNotHeardFromIsStale() {
    PresenceTable t = new PresenceTable();
    t.remoteFull("n2", Map.of(), 1_000);
    assertEquals(List.of(), t.staleNodes(1_000 + PresenceTable.STALE_MS));
    assertEquals(List.of("n2"), t.staleNodes(1_001 + PresenceTable.STALE_MS));
  }
}
