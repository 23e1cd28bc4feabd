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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The writer's batching, against a stand-in for its one statement (the real statement is run
 * against PostgreSQL by the integration tests): one statement in flight, everything appended
 * meanwhile in the next, seqs consecutive per stream in append order, acks only after the commit.
 */
class StreamWriterTest {

  private final Vertx vertx = Vertx.vertx();
  /** Statements issued: the streams of their events, and the promise that commits them. */
  private final List<String[]> statements = new ArrayList<>();
  private final List<Promise<Map<String, Long>>> commits = new ArrayList<>();
  private final Map<String, Long> lastSeq = new HashMap<>();

  @AfterEach
  void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
  }

  private StreamWriter writer() {
    return new StreamWriter(vertx, (streams, types, payloads) -> {
      statements.add(streams);
      Promise<Map<String, Long>> p = Promise.promise();
      commits.add(p);
      return p.future();
    }, new Interest());
  }

  /** Commits statement i as PostgreSQL would: the first seq of each stream's events in it. */
  private void commit(int i) {
    Map<String, Long> first = new HashMap<>();
    for (String s : statements.get(i)) {
      long next = lastSeq.merge(s, 1L, Long::sum);
      first.putIfAbsent(s, next);
    }
    commits.get(i).complete(first);
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
  void aPayloadMustBeAJsonObject() throws Exception {
    StreamWriter w = onContext(this::writer);
    assertTrue(onContext(() -> w.append("channel:a", "message", "[]")).failed());
    assertTrue(statements.isEmpty());
  }
}
