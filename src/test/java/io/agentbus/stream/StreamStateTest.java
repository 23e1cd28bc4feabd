package io.agentbus.stream;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The hub's ordering rule for one stream, without a hub: only delivered + 1 is handed on. */
class StreamStateTest {

  private final List<Long> delivered = new ArrayList<>();
  private final StreamState st = new StreamState("channel:x", (s, seq, frame) -> {
    assertEquals("f" + seq, frame, "each seq is handed on with its own frame");
    delivered.add(seq);
  });

  private static String f(long seq) {
    return "f" + seq;
  }

  @Test
  void inOrderEventsAreHandedOnAtOnceAndDuplicatesDropped() {
    st.initialise(5);
    assertEquals(StreamState.Next.CAUGHT_UP, st.arrive(6, f(6)));
    assertEquals(StreamState.Next.CAUGHT_UP, st.arrive(7, f(7)));
    assertEquals(StreamState.Next.NONE, st.arrive(7, f(7)), "a duplicate changes nothing");
    assertEquals(StreamState.Next.NONE, st.arrive(3, f(3)), "an old event changes nothing");
    assertEquals(List.of(6L, 7L), delivered);
    assertEquals(7, st.delivered);
  }

  @Test
  void earlyArrivalsWaitForTheHoleAndAreReleasedInOrder() {
    st.initialise(0);
    assertEquals(StreamState.Next.HOLE, st.arrive(3, f(3)));
    assertEquals(StreamState.Next.HOLE, st.arrive(2, f(2)));
    assertTrue(delivered.isEmpty(), "nothing is handed on past a hole");
    assertEquals(StreamState.Next.CAUGHT_UP, st.arrive(1, f(1)));
    assertEquals(List.of(1L, 2L, 3L), delivered);
  }

  @Test
  void oneDatabaseReadClosesEveryHoleAtOnce() {
    // Writers on both sides of a partition: every other seq arrives, the rest only via PostgreSQL.
    st.initialise(0);
    for (long seq = 2; seq <= 20; seq += 2) {
      assertEquals(StreamState.Next.HOLE, st.arrive(seq, f(seq)));
    }
    assertTrue(delivered.isEmpty());
    assertEquals(20, st.fillUpTo(), "the fill reads up to the last buffered event");
    assertEquals(10, st.buffered().length, "and skips the ten it holds");
    List<StreamStore.Event> holes = new java.util.ArrayList<>();
    for (long seq = 1; seq < 20; seq += 2) {
      holes.add(new StreamStore.Event(seq, f(seq)));
    }
    assertEquals(10, st.filledHoles(holes));
    assertEquals(StreamState.Next.CAUGHT_UP, st.drain());
    assertEquals(java.util.stream.LongStream.rangeClosed(1, 20).boxed().toList(), delivered, "each once, in order");
    assertEquals(Long.MAX_VALUE, st.fillUpTo(), "nothing buffered: a fill reads everything after delivered");
  }

  @Test
  void aHoleFilledFromTheDatabaseReleasesWhatWaitedBehindIt() {
    st.initialise(10);
    st.arrive(13, f(13));
    assertTrue(st.filled(11, f(11)));
    assertTrue(st.filled(12, f(12)));
    assertFalse(st.filled(12, f(12)), "a fill row already delivered is ignored");
    assertEquals(StreamState.Next.CAUGHT_UP, st.drain());
    assertEquals(List.of(11L, 12L, 13L), delivered);
  }

  @Test
  void eventsBeforeInitialisationAreBufferedThenDrainedFromWhereTheStreamStood() {
    assertEquals(StreamState.Next.NONE, st.arrive(4, f(4)));
    assertEquals(StreamState.Next.NONE, st.arrive(6, f(6)));
    assertEquals(StreamState.Next.NONE, st.arrive(5, f(5)));
    // The database said the stream stood at 4 when this node began following it: 4 is not repeated.
    assertEquals(StreamState.Next.CAUGHT_UP, st.initialise(4));
    assertEquals(List.of(5L, 6L), delivered);
  }

  @Test
  void theEarlyBufferIsBoundedAndAnOverflowAsksForAFillNow() {
    st.initialise(0);
    LongStream.rangeClosed(2, StreamState.MAX_PENDING + 1).forEach(seq ->
        assertEquals(StreamState.Next.HOLE, st.arrive(seq, f(seq))));
    assertEquals(StreamState.Next.FILL_NOW, st.arrive(StreamState.MAX_PENDING + 2, f(StreamState.MAX_PENDING + 2)));
    assertEquals(StreamState.MAX_PENDING, st.pending.size(), "the newest early arrival was dropped, not kept");
    assertEquals(StreamState.Next.CAUGHT_UP, st.arrive(1, f(1)));
    assertEquals(StreamState.MAX_PENDING + 1, delivered.size(), "everything up to the dropped one went out in order");
    for (int i = 0; i < delivered.size(); i++) {
      assertEquals(i + 1, delivered.get(i));
    }
  }

  @Test
  void aStreamIsUnusedOnlyWithNoSubscriberBridgeOrJoiner() {
    assertTrue(st.unused());
    st.joining++;
    assertFalse(st.unused());
    st.joining--;
    st.bridgeRefs++;
    assertFalse(st.unused());
  }
}
