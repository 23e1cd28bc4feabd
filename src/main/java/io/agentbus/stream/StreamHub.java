package io.agentbus.stream;

import io.agentbus.bus.Addresses;
import io.agentbus.metrics.Metrics;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongFunction;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's fan-out of stream events; see the package documentation for the ordering design.
 * One per node, made and closed by the node ({@code NodeParts}); it runs on the context given to
 * {@link #startOn} by the first bridge instance, so with one instance the hub and its sockets
 * share one event loop.
 */
public final class StreamHub {

  private static final Logger LOG = LoggerFactory.getLogger(StreamHub.class);

  private final Vertx vertx;
  /** Set once by {@link #startOn}; every field below is touched only there. */
  private volatile Context context;
  private final StreamStore store;
  private final Typing typing;
  /** Gap fill and resync: what the bus did not bring is read from the database. */
  private final StreamRepair repair;
  private final Metrics metrics;
  private final Map<String, StreamState> streams = new HashMap<>();
  /** The node's one consumer of its events address; registered before the first stream is ready. */
  private MessageConsumer<String> consumer;
  private MessageConsumer<String> ephemeral;
  private Future<Void> consumerReady;
  private final String nodeAddress;

  /** The hub's own timers, cancelled at {@link #close}. */
  private final List<Long> timers = new ArrayList<>();

  public StreamHub(Vertx vertx, String nodeId, StreamStore store, Metrics metrics,
      io.agentbus.bus.ClusterSize clusterSize, long gapFillMs, long resyncMs) {
    this.vertx = vertx;
    this.store = store;
    this.typing = new Typing(vertx);
    this.metrics = metrics;
    this.repair = new StreamRepair(vertx, store, metrics, clusterSize, streams, gapFillMs, resyncMs);
    this.nodeAddress = Addresses.nodeEvents(nodeId);
  }

  /**
   * Starts the hub on {@code context} unless it runs already; true when this call started it.
   * Every bridge instance calls it: the first one's event loop becomes the hub's.
   */
  public synchronized boolean startOn(Context ctx) {
    if (context != null) {
      return false;
    }
    context = ctx;
    ctx.runOnContext(v -> {
      ensureConsumer();
      timers.add(repair.start());
      timers.add(vertx.setPeriodic(Interest.ANNOUNCE_MS, id -> announce(new JsonObject()
          .put("full", new JsonArray(new ArrayList<>(streams.keySet()))))));
      timers.add(vertx.setPeriodic(1000, id -> typing.sweep(streams.values())));
    });
    return true;
  }

  /** Stops the hub's timers and consumers (the node's bridges have stopped). */
  public synchronized void close() {
    Context ctx = context;
    if (ctx == null) {
      return;
    }
    ctx.runOnContext(v -> {
      timers.forEach(vertx::cancelTimer);
      timers.clear();
      if (consumer != null) {
        consumer.unregister();
      }
      if (ephemeral != null) {
        ephemeral.unregister();
      }
    });
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
        StreamState.Sub sub = new StreamState.Sub(sink);
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

  /** How many streams the node follows now (read from any thread: a snapshot). */
  public int followedStreams() {
    return streams.size();
  }

  /** The context the hub runs on; node-wide companions (presence) run there too. */
  public Context context() {
    return context;
  }

  /**
   * Writes an ephemeral frame (unpersisted, no seq) to this node's live subscribers of the stream
   * and its bridge sockets; nothing when the node does not follow it. Call on {@link #context()}.
   */
  public void pushLocal(String stream, String frame) {
    StreamState st = streams.get(stream);
    if (st == null || !st.initialised) {
      return;
    }
    Frame encoded = Frame.shared(frame);
    try {
      for (StreamState.Sub sub : st.subs.values()) {
        if (sub.live) {
          sub.sink.write(encoded);
        }
      }
    } finally {
      encoded.release();
    }
    if (st.bridgeRefs > 0) {
      vertx.eventBus().publish(StreamName.browserAddress(stream), new JsonObject(frame),
          new DeliveryOptions().setLocalOnly(true));
    }
  }

  // ---------------------------------------------------------------- hub thread only

  private <T> Future<T> onHub(Supplier<Future<T>> action) {
    return OnContext.call(vertx, context, action);
  }

  private StreamState acquire(String stream) {
    StreamState st = streams.get(stream);
    if (st == null) {
      StreamState created = new StreamState(stream, this::emit);
      streams.put(stream, created);
      ensureConsumer();
      // Announce first, then read where the stream stands: writers that learn of us late leave a
      // hole that the early checks below (or the resync) fill from the database.
      announce(new JsonObject().put("add", new JsonArray().add(stream)));
      created.ready = consumerReady
          .compose(v -> store.lastSeq(stream))
          .map(lastSeq -> {
            repair.after(created, created.initialise(lastSeq));
            for (long delay : new long[] {250, 1000}) {
              vertx.setTimer(delay, id -> {
                if (streams.get(stream) == created) {
                  repair.fillGap(created);
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
      ephemeral = vertx.eventBus().consumer(Addresses.EPHEMERAL, this::onEvent);
      consumerReady = Future.all(consumer.completion(), ephemeral.completion()).mapEmpty();
    }
  }

  private void release(StreamState st) {
    if (st.unused() && streams.get(st.stream) == st) {
      streams.remove(st.stream);
      announce(new JsonObject().put("remove", new JsonArray().add(st.stream)));
      if (st.gapTimer >= 0) {
        vertx.cancelTimer(st.gapTimer);
      }
    }
  }

  private void announce(JsonObject change) {
    vertx.eventBus().publish(Addresses.INTEREST, change.put("node", nodeAddress));
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
      typing.onEvent(st, eph, m.body());
      return;
    }
    String seqHeader = m.headers().get(StreamWriter.H_SEQ);
    if (seqHeader == null) {
      return;
    }
    long seq = Long.parseLong(seqHeader);
    repair.after(st, st.arrive(seq, m.body()));
  }

  /** Hands the next in-order event to every live subscription, and to bridge sockets. */
  private void emit(StreamState st, long seq, String frame) {
    if (!st.subs.isEmpty()) {
      Frame encoded = Frame.shared(frame);
      List<Sink> dropped = null;
      int written = 0;
      try {
        for (StreamState.Sub sub : st.subs.values()) {
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
      } finally {
        encoded.release();
      }
      metrics.deliveries.add(written);
      if (dropped != null) {
        dropped.forEach(st.subs::remove);
      }
    }
    if (st.bridgeRefs > 0) {
      metrics.deliveries.add(st.bridgeRefs);
      vertx.eventBus().publish(StreamName.browserAddress(st.stream), new JsonObject(frame),
          new DeliveryOptions().setLocalOnly(true));
    }
  }

  /** Replays from the database until the subscription has caught up with the hub, then goes live. */
  private Future<Void> replay(StreamState st, StreamState.Sub sub) {
    sub.live = false;
    return store.after(st.stream, sub.last, Long.MAX_VALUE, StreamStore.PAGE).compose(events -> {
      if (st.subs.get(sub.sink) != sub) {
        return Future.succeededFuture(); // unsubscribed or closed meanwhile
      }
      for (StreamStore.Event e : events) {
        if (e.seq() != sub.last + 1) {
          break;
        }
        sub.last = e.seq();
        metrics.replayedEvents.increment();
        if (!sub.sink.write(new Frame(e.frame()))) {
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
}
