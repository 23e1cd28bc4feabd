package io.agentbus.stream;

import io.agentbus.bus.Addresses;
import io.agentbus.bus.Json;
import io.agentbus.metrics.Metrics;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.LocalMap;
import io.vertx.core.shareddata.Shareable;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.LongFunction;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The node's fan-out of stream events; see the package documentation for the ordering design. */
public final class StreamHub implements Shareable {

  private static final Logger LOG = LoggerFactory.getLogger(StreamHub.class);
  private static final String MAP = "agentbus.hub";
  static final int PAGE = 500;
  /** Early arrivals buffered per stream before a database fill is forced. */
  static final int MAX_PENDING = 10_000;
  static final long TYPING_TTL_MS = 6_000;

  private static final String LAST_SEQ = "SELECT last_seq FROM streams WHERE stream = $1";
  private static final String LAST_SEQS = "SELECT stream, last_seq FROM streams WHERE stream = ANY($1)";
  private static final String PAGE_AFTER =
      "SELECT seq, payload FROM events WHERE stream = $1 AND seq > $2 AND seq < $3 ORDER BY seq LIMIT " + PAGE;

  private final Vertx vertx;
  private final Context context;
  private final Pool pool;
  private final long gapFillMs;
  private final Metrics metrics;
  private final Map<String, StreamState> streams = new HashMap<>();
  /** The node's one consumer of its events address; registered before the first stream is ready. */
  private MessageConsumer<String> consumer;
  private Future<Void> consumerReady;
  private final String nodeAddress;

  private StreamHub(Vertx vertx, Context context, Pool pool, long gapFillMs, long resyncMs) {
    this.vertx = vertx;
    this.context = context;
    this.pool = pool;
    this.gapFillMs = gapFillMs;
    this.metrics = Metrics.of(vertx);
    this.nodeAddress = Addresses.nodeEvents(
        ((io.vertx.core.internal.VertxInternal) vertx).clusterManager().getNodeId());
    context.runOnContext(v -> {
      ensureConsumer();
      vertx.setPeriodic(resyncMs, id -> resync());
      vertx.setPeriodic(io.agentbus.stream.Interest.ANNOUNCE_MS, id -> announce(new JsonObject()
          .put("full", new JsonArray(new ArrayList<>(streams.keySet())))));
      vertx.setPeriodic(1000, id -> sweepTyping());
    });
  }

  /** The node's hub, created on {@code context} by the first caller. */
  public static StreamHub forNode(Vertx vertx, Context context, Pool pool, long gapFillMs, long resyncMs) {
    LocalMap<String, StreamHub> map = vertx.sharedData().getLocalMap(MAP);
    synchronized (StreamHub.class) {
      StreamHub hub = map.get("hub");
      if (hub == null) {
        hub = new StreamHub(vertx, context, pool, gapFillMs, resyncMs);
        map.put("hub", hub);
      }
      return hub;
    }
  }

  // ---------------------------------------------------------------- public API (any thread)

  /**
   * Subscribes {@code sink} to {@code stream}. With {@code lastSeq}, first replays every event
   * after it. Then writes {@code confirmation.apply(seq)} (seq = the last event the sink has; no
   * frame when {@code confirmation} is null) and continues live. Completes with that seq.
   */
  public Future<Long> subscribe(String stream, Sink sink, Long lastSeq, LongFunction<String> confirmation) {
    return onHub(() -> {
      StreamState st = acquire(stream);
      return st.ready.compose(v -> {
        st.joining--;
        st.subs.remove(sink);
        Sub sub = new Sub(sink);
        st.subs.put(sink, sub);
        if (lastSeq == null || lastSeq >= st.delivered) {
          sub.last = lastSeq == null ? st.delivered : lastSeq;
          sub.live = true;
          if (confirmation != null) {
            sink.write(new Frame(confirmation.apply(sub.last)));
          }
          return Future.succeededFuture(sub.last);
        }
        sub.last = lastSeq;
        return replay(st, sub).map(x -> {
          if (confirmation != null) {
            sink.write(new Frame(confirmation.apply(sub.last)));
          }
          return sub.last;
        });
      }, err -> {
        st.joining--;
        release(st);
        return Future.failedFuture(err);
      });
    });
  }

  public Future<Void> unsubscribe(String stream, Sink sink) {
    return onHub(() -> {
      StreamState st = streams.get(stream);
      if (st != null && st.subs.remove(sink) != null) {
        release(st);
      }
      return Future.succeededFuture();
    });
  }

  /** Forgets a closed connection everywhere. */
  public Future<Void> unsubscribeAll(Sink sink) {
    return onHub(() -> {
      for (StreamState st : new ArrayList<>(streams.values())) {
        if (st.subs.remove(sink) != null) {
          release(st);
        }
      }
      return Future.succeededFuture();
    });
  }

  /** A SockJS bridge socket registered for the stream: deliver it there too. */
  public Future<Void> retainBridge(String stream) {
    return onHub(() -> {
      StreamState st = acquire(stream);
      return st.ready.<Void>map(v -> {
        st.joining--;
        st.bridgeRefs++;
        return null;
      }).onFailure(err -> {
        st.joining--;
        release(st);
      });
    });
  }

  public void releaseBridge(String stream) {
    context.runOnContext(v -> {
      StreamState st = streams.get(stream);
      if (st != null && st.bridgeRefs > 0) {
        st.bridgeRefs--;
        release(st);
      }
    });
  }


  // ---------------------------------------------------------------- hub thread only

  private <T> Future<T> onHub(Supplier<Future<T>> action) {
    Context caller = vertx.getOrCreateContext();
    Promise<T> p = Promise.promise();
    Runnable run = () -> {
      Future<T> f;
      try {
        f = action.get();
      } catch (RuntimeException e) {
        f = Future.failedFuture(e);
      }
      f.onComplete(ar -> {
        if (caller == context) {
          p.handle(ar);
        } else {
          caller.runOnContext(x -> p.handle(ar));
        }
      });
    };
    if (Vertx.currentContext() == context) {
      run.run();
    } else {
      context.runOnContext(v -> run.run());
    }
    return p.future();
  }

  private StreamState acquire(String stream) {
    StreamState st = streams.get(stream);
    if (st == null) {
      StreamState created = new StreamState(stream);
      streams.put(stream, created);
      ensureConsumer();
      // Announce first, then read where the stream stands: writers that learn of us late leave a
      // hole that the early checks below (or the resync) fill from the database.
      announce(new JsonObject().put("add", new JsonArray().add(stream)));
      created.ready = consumerReady
          .compose(v -> pool.preparedQuery(LAST_SEQ).execute(Tuple.of(stream)))
          .map(rows -> {
            created.delivered = rows.size() == 0 ? 0 : rows.iterator().next().getLong(0);
            created.initialised = true;
            drainPending(created);
            for (long delay : new long[] {250, 1000}) {
              vertx.setTimer(delay, id -> {
                if (streams.get(stream) == created) {
                  fillGap(created);
                }
              });
            }
            return null;
          });
      st = created;
    }
    st.joining++;
    return st;
  }

  private void ensureConsumer() {
    if (consumer == null) {
      consumer = vertx.eventBus().consumer(nodeAddress, this::onEvent);
      MessageConsumer<String> ephemeral = vertx.eventBus().consumer(Addresses.EPHEMERAL, this::onEvent);
      consumerReady = Future.all(consumer.completion(), ephemeral.completion()).mapEmpty();
    }
  }

  private void release(StreamState st) {
    if (st.subs.isEmpty() && st.bridgeRefs == 0 && st.joining == 0 && streams.get(st.stream) == st) {
      streams.remove(st.stream);
      announce(new JsonObject().put("remove", new JsonArray().add(st.stream)));
      if (st.gapTimer >= 0) {
        vertx.cancelTimer(st.gapTimer);
      }
    }
  }

  private void announce(JsonObject change) {
    vertx.eventBus().publish(io.agentbus.bus.Addresses.INTEREST, change.put("node", nodeAddress));
  }

  /** Events of the streams this node follows arrive here (one late after unfollowing is dropped). */
  private void onEvent(Message<String> m) {
    if (m.headers().get(StreamWriter.H_EPHEMERAL) == null) {
      metrics.streamEventsReceived.increment();
    }
    String stream = m.headers().get(StreamWriter.H_STREAM);
    StreamState st = stream == null ? null : streams.get(stream);
    if (st != null) {
      onMessage(st, m);
    }
  }

  private void onMessage(StreamState st, Message<String> m) {
    String eph = m.headers().get(StreamWriter.H_EPHEMERAL);
    if (eph != null) {
      onEphemeral(st, eph, m.body());
      return;
    }
    String seqHeader = m.headers().get(StreamWriter.H_SEQ);
    if (seqHeader == null) {
      return;
    }
    long seq = Long.parseLong(seqHeader);
    if (!st.initialised) {
      if (st.pending.size() < MAX_PENDING) {
        st.pending.put(seq, m.body()); // beyond the bound the database fill covers it
      }
      return;
    }
    if (seq <= st.delivered) {
      return;
    }
    if (seq == st.delivered + 1) {
      emit(st, seq, m.body());
      drainPending(st);
    } else {
      st.pending.put(seq, m.body());
      if (st.pending.size() > MAX_PENDING) {
        // Bounded: drop the newest early arrival; it is committed, so the fill reads it back later.
        st.pending.pollLastEntry();
        fillGap(st);
      } else {
        scheduleGapFill(st);
      }
    }
  }

  private void drainPending(StreamState st) {
    while (!st.pending.isEmpty()) {
      long first = st.pending.firstKey();
      if (first <= st.delivered) {
        st.pending.pollFirstEntry();
      } else if (first == st.delivered + 1) {
        emit(st, first, st.pending.pollFirstEntry().getValue());
      } else {
        break;
      }
    }
    if (st.pending.isEmpty()) {
      if (st.gapTimer >= 0) {
        vertx.cancelTimer(st.gapTimer);
        st.gapTimer = -1;
      }
    } else {
      scheduleGapFill(st);
    }
  }

  private void scheduleGapFill(StreamState st) {
    if (st.gapTimer < 0 && !st.filling) {
      st.gapTimer = vertx.setTimer(gapFillMs, id -> {
        st.gapTimer = -1;
        fillGap(st);
      });
    }
  }

  /** Reads the events after {@code delivered} (up to the first buffered one) from the database. */
  private void fillGap(StreamState st) {
    if (st.filling || !st.initialised) {
      return;
    }
    st.filling = true;
    long upTo = st.pending.isEmpty() ? Long.MAX_VALUE : st.pending.firstKey();
    pool.preparedQuery(PAGE_AFTER).execute(Tuple.of(st.stream, st.delivered, upTo)).onComplete(ar -> {
      st.filling = false;
      if (ar.failed()) {
        LOG.warn("Gap fill of {} failed: {}", st.stream, ar.cause().toString());
      } else {
        for (Row r : ar.result()) {
          long seq = r.getLong(0);
          if (seq == st.delivered + 1) {
            metrics.gapFillEvents.increment();
            emit(st, seq, StreamWriter.frame(st.stream, seq, r.getString(1)));
          }
        }
      }
      drainPending(st);
    });
  }

  /** Catches tails lost on the bus: compares each followed stream with the database. */
  private void resync() {
    List<String> names = new ArrayList<>();
    for (StreamState st : streams.values()) {
      if (st.initialised && !st.filling) {
        names.add(st.stream);
      }
    }
    if (names.isEmpty()) {
      return;
    }
    pool.preparedQuery(LAST_SEQS).execute(Tuple.of(names.toArray(new String[0]))).onSuccess(rows -> {
      for (Row r : rows) {
        StreamState st = streams.get(r.getString(0));
        if (st != null && r.getLong(1) > st.delivered && st.pending.isEmpty()) {
          fillGap(st);
        }
      }
    });
  }

  /** Hands the next in-order event to every live subscription, and to bridge sockets. */
  private void emit(StreamState st, long seq, String frame) {
    st.delivered = seq;
    if (!st.subs.isEmpty()) {
      Frame encoded = new Frame(frame);
      List<Sink> dropped = null;
      int written = 0;
      for (Sub sub : st.subs.values()) {
        if (!sub.live) {
          continue; // replaying from the database; it will catch up on its own
        }
        if (seq == sub.last + 1) {
          sub.last = seq;
          if (sub.sink.write(encoded)) {
            written++;
          } else {
            dropped = dropped == null ? new ArrayList<>() : dropped;
            dropped.add(sub.sink);
          }
        } else if (seq > sub.last + 1) {
          replay(st, sub); // cannot happen with in-order emits; heal rather than skip
        }
      }
      metrics.deliveries.add(written);
      if (dropped != null) {
        dropped.forEach(st.subs::remove);
      }
    }
    if (st.bridgeRefs > 0) {
      metrics.deliveries.add(st.bridgeRefs);
      vertx.eventBus().publish(Addresses.browserAddress(st.stream), new JsonObject(frame),
          new DeliveryOptions().setLocalOnly(true));
    }
  }

  /** Replays from the database until the subscription has caught up with the hub, then goes live. */
  private Future<Void> replay(StreamState st, Sub sub) {
    sub.live = false;
    return pool.preparedQuery(PAGE_AFTER).execute(Tuple.of(st.stream, sub.last, Long.MAX_VALUE)).compose(rows -> {
      if (st.subs.get(sub.sink) != sub) {
        return Future.succeededFuture(); // unsubscribed or closed meanwhile
      }
      for (Row r : rows) {
        long seq = r.getLong(0);
        if (seq != sub.last + 1) {
          break;
        }
        sub.last = seq;
        metrics.replayedEvents.increment();
        if (!sub.sink.write(new Frame(StreamWriter.frame(st.stream, seq, r.getString(1))))) {
          st.subs.remove(sub.sink);
          release(st);
          return Future.succeededFuture();
        }
      }
      if (sub.last >= st.delivered) {
        sub.live = true;
        return Future.succeededFuture();
      }
      return replay(st, sub);
    });
  }

  // ---------------------------------------------------------------- typing (ephemeral)

  private void onEphemeral(StreamState st, String kind, String body) {
    if (!"typing".equals(kind)) {
      return;
    }
    JsonObject e = new JsonObject(body);
    String user = e.getString("userId");
    boolean changed = Boolean.TRUE.equals(e.getBoolean("typing"))
        ? st.typing.put(user, System.currentTimeMillis() + TYPING_TTL_MS) == null
        : st.typing.remove(user) != null;
    if (changed) {
      emitTyping(st, e.getString("channel"), user);
    }
  }

  private void sweepTyping() {
    long now = System.currentTimeMillis();
    for (StreamState st : streams.values()) {
      for (Iterator<Map.Entry<String, Long>> it = st.typing.entrySet().iterator(); it.hasNext(); ) {
        Map.Entry<String, Long> e = it.next();
        if (e.getValue() < now) {
          it.remove();
          emitTyping(st, st.stream.substring(st.stream.indexOf(':') + 1), e.getKey());
        }
      }
    }
  }

  private void emitTyping(StreamState st, String channel, String changedUser) {
    JsonObject update = new JsonObject().put("type", "typing_update").put("channel", channel)
        .put("users", new JsonArray(new ArrayList<>(st.typing.keySet()))).put("timestamp", Json.now());
    Frame frame = new Frame(update.encode());
    for (Sub sub : st.subs.values()) {
      if (sub.live && !changedUser.equals(sub.sink.userId())) {
        sub.sink.write(frame);
      }
    }
    if (st.bridgeRefs > 0) {
      vertx.eventBus().publish(Addresses.browserAddress(st.stream), update, new DeliveryOptions().setLocalOnly(true));
    }
  }

  // ---------------------------------------------------------------- state

  private static final class StreamState {
    final String stream;
    Future<Void> ready;
    boolean initialised;
    long delivered;
    final TreeMap<Long, String> pending = new TreeMap<>();
    long gapTimer = -1;
    boolean filling;
    final Map<Sink, Sub> subs = new LinkedHashMap<>();
    int bridgeRefs;
    /** Callers waiting for {@link #ready}; the state is not dropped under them. */
    int joining;
    final Map<String, Long> typing = new LinkedHashMap<>();

    StreamState(String stream) {
      this.stream = stream;
    }
  }

  private static final class Sub {
    final Sink sink;
    long last;
    boolean live;

    Sub(Sink sink) {
      this.sink = sink;
    }
  }
}
