package io.agentbus.stream;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The writer's batching, against a stand-in for its one statement (the real statement is run
 * against PostgreSQL by the integration tests): one statement in flight, everything appended
 * meanwhile in the next, seqs consecutive per stream in append order, acks only after the commit.
 */
@org.junit.jupiter.api.extension.ExtendWith(io.vertx.junit5.VertxExtension.class)
class StreamWriterTest {

  /** Given by VertxExtension for each test, and closed by it after the test. */
  private Vertx vertx;

  @org.junit.jupiter.api.BeforeEach
  void vertx(Vertx v) {
    this.vertx = v;
  }
  /** Statements issued: the streams of their events, and the promise that commits them. */
  private final List<String[]> statements = new ArrayList<>();
  private final List<Promise<StreamStore.Appended>> commits = new ArrayList<>();
  /** Fences the stand-in statement treats as claimed by someone else. */
  private final java.util.Set<Fence> lostFences = new java.util.HashSet<>();
  private final List<String[]> fenceWriters = new ArrayList<>();
  private final Map<String, Long> lastSeq = new HashMap<>();

  private StreamWriter writer() {
    return new StreamWriter(vertx, (streams, types, payloads, fenceStreams, writers) -> {
      statements.add(streams);
      fenceWriters.add(writers);
      Promise<StreamStore.Appended> p = Promise.promise();
      commits.add(p);
      return p.future();
    }, new Interest(), new io.agentbus.metrics.Metrics());
  }

  /** Commits statement i as PostgreSQL would: the first seq of each stream's kept events, and the lost fences. */
  private void commit(int i) {
    Map<String, Long> first = new HashMap<>();
    java.util.Set<Fence> failed = new java.util.HashSet<>();
    for (int k = 0; k < statements.get(i).length; k++) {
      String s = statements.get(i)[k];
      String writer = fenceWriters.get(i)[k];
      Fence f = writer == null ? null : new Fence("workflow:w", writer);
      if (f != null && lostFences.contains(f)) {
        failed.add(f);
        continue;
      }
      long next = lastSeq.merge(s, 1L, Long::sum);
      first.putIfAbsent(s, next);
    }
    commits.get(i).complete(new StreamStore.Appended(first, failed));
  }

  private <T> T onContext(java.util.function.Supplier<T> action) throws Exception {
    CompletableFuture<T> r = new CompletableFuture<>();
    vertx.runOnContext(v -> r.complete(action.get()));
    return r.get(5, TimeUnit.SECONDS);
  }

  @Test
  void appendsWhileAStatementRunsGoTogetherInTheNextWithSeqsInAppendOrder() throws Exception {
    StreamWriter w = onContext(this::writer);
    List<Future<Long>> acks = onContext(() -> List.of(
        w.append("channel:a", "message", "{\"n\":1}"),
        w.append("channel:a", "message", "{\"n\":2}"),
        w.append("channel:b", "message", "{\"n\":3}"),
        w.append("channel:a", "message", "{\"n\":4}")));
    assertEquals(1, statements.size(), "the first append goes alone; the rest wait for it");
    assertFalse(acks.get(0).isComplete(), "nothing is acknowledged before the commit");
    onContext(() -> {
      commit(0);
      return null;
    });
    assertEquals(2, statements.size());
    assertEquals(List.of("channel:a", "channel:b", "channel:a"), List.of(statements.get(1)),
        "everything appended meanwhile, for any stream, is one statement");
    onContext(() -> {
      commit(1);
      return null;
    });
    assertEquals(1L, acks.get(0).result());
    assertEquals(2L, acks.get(1).result());
    assertEquals(1L, acks.get(2).result(), "each stream has its own seq");
    assertEquals(3L, acks.get(3).result());
  }

  @Test
  void aDeadlockIsRetriedAndOtherFailuresFailTheBatch() throws Exception {
    StreamWriter w = onContext(this::writer);
    Future<Long> first = onContext(() -> w.append("channel:a", "message", "{\"n\":1}"));
    onContext(() -> {
      commits.get(0).fail(new PgException("deadlock detected", "ERROR", "40P01", "detail"));
      return null;
    });
    assertEquals(2, statements.size(), "a deadlock runs the same batch again");
    onContext(() -> {
      commit(1);
      return null;
    });
    assertEquals(1L, first.result());
    Future<Long> second = onContext(() -> w.append("channel:a", "message", "{\"n\":2}"));
    onContext(() -> {
      commits.get(2).fail(new RuntimeException("connection closed"));
      return null;
    });
    assertTrue(second.failed(), "the caller is told; nothing is acknowledged");
  }

  @Test
  void anAppendWhoseFenceWasClaimedByAnotherWriterIsRefusedAndTheRestOfTheBatchStands() throws Exception {
    StreamWriter w = onContext(this::writer);
    lostFences.add(new Fence("workflow:w", "stale-node"));
    Future<Long> warmup = onContext(() -> w.append("channel:a", "message", "{\"n\":0}"));
    List<Future<Long>> acks = onContext(() -> List.of(
        w.append("workflow:w", "agent_started", "{\"n\":1}", new Fence("workflow:w", "stale-node")),
        w.append("channel:a", "message", "{\"n\":2}"),
        w.append("workflow:w", "agent_started", "{\"n\":3}", new Fence("workflow:w", "owner"))));
    onContext(() -> {
      commit(0);
      commit(1);
      return null;
    });
    assertEquals(1L, warmup.result());
    assertTrue(acks.get(0).failed());
    assertTrue(acks.get(0).cause() instanceof Fence.Lost, String.valueOf(acks.get(0).cause()));
    assertEquals(2L, acks.get(1).result());
    assertEquals(1L, acks.get(2).result(), "the refused event took no seq");
  }

  @Test
  void aPayloadMustBeAJsonObject() throws Exception {
    StreamWriter w = onContext(this::writer);
    assertTrue(onContext(() -> w.append("channel:a", "message", "[]")).failed());
    assertTrue(statements.isEmpty());
  }
}
