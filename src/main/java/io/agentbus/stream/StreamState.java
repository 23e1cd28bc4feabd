package io.agentbus.stream;

import io.vertx.core.Future;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * One followed stream on one node: how far delivery has come, the events that arrived early, and
 * the local subscribers. The ordering rule lives here and nowhere else: an event is handed on only
 * as {@code delivered + 1}; earlier ones are duplicates, later ones wait (bounded) for the hole
 * before them to be filled by the bus or from PostgreSQL.
 *
 * <p>Not thread-safe: used on the hub's context only. No I/O: the hub acts on the {@link Next}
 * answers (timers, database fills), which keeps this logic testable on its own.
 */
final class StreamState {

  /** Early arrivals buffered per stream before a database fill is forced. */
  static final int MAX_PENDING = 10_000;

  /** What the hub must do after an arrival. */
  enum Next {
    /** Nothing changed that concerns the gap timer (a duplicate, or buffered before initialisation). */
    NONE,
    /** Nothing is waiting any more: cancel a pending gap fill. */
    CAUGHT_UP,
    /** A hole is waiting to be filled: fill it from the database unless the bus fills it first. */
    HOLE,
    /** The early-arrival buffer overflowed (the newest was dropped): fill from the database now. */
    FILL_NOW
  }

  /** Receives each event in order, once. */
  @FunctionalInterface
  interface Deliver {
    void deliver(StreamState stream, long seq, String frame);
  }

  final String stream;
  /** Completes once {@link #delivered} was read from the database and the hub's consumer is up. */
  Future<Void> ready;
  boolean initialised;
  /** The highest seq handed to local subscribers, in order. */
  long delivered;
  final TreeMap<Long, String> pending = new TreeMap<>();
  long gapTimer = -1;
  boolean filling;
  final Map<Sink, Sub> subs = new LinkedHashMap<>();
  int bridgeRefs;
  /** Callers waiting for {@link #ready}; the state is not dropped under them. */
  int joining;
  /** Who is typing (user → until when), for channel streams. */
  final Map<String, Long> typing = new LinkedHashMap<>();

  private final Deliver out;

  /** @param out where in-order events go (one for the hub: nothing is allocated per event) */
  StreamState(String stream, Deliver out) {
    this.stream = stream;
    this.out = out;
  }

  /** Where delivery starts: the stream's last seq when this node began following it. */
  Next initialise(long lastSeq) {
    delivered = lastSeq;
    initialised = true;
    return drain();
  }

  /** A committed event arrived on the bus. */
  Next arrive(long seq, String frame) {
    if (!initialised) {
      if (pending.size() < MAX_PENDING) {
        pending.put(seq, frame); // beyond the bound the database fill covers it
      }
      return Next.NONE;
    }
    if (seq <= delivered) {
      return Next.NONE;
    }
    if (seq == delivered + 1) {
      hand(seq, frame);
      return drain();
    }
    pending.put(seq, frame);
    if (pending.size() > MAX_PENDING) {
      // Bounded: drop the newest early arrival; it is committed, so the fill reads it back later.
      pending.pollLastEntry();
      return Next.FILL_NOW;
    }
    return Next.HOLE;
  }

  /** An event read from the database by a fill: handed on when it is next (true), else ignored. */
  boolean filled(long seq, String frame) {
    if (seq != delivered + 1) {
      return false;
    }
    hand(seq, frame);
    return true;
  }

  /**
   * Events read from the database by a fill of every hole up to the last buffered event: each
   * goes where it belongs among the buffered ones, then everything now in order is handed on.
   * Answers how many of them were new here (not delivered, not buffered).
   */
  int filledHoles(java.util.List<StreamStore.Event> events) {
    int used = 0;
    for (StreamStore.Event e : events) {
      if (e.seq() > delivered && pending.putIfAbsent(e.seq(), e.frame()) == null) {
        used++;
      }
    }
    drain();
    return used;
  }

  /** The range a fill reads: up to the last buffered event (its holes), or everything when none is. */
  long fillUpTo() {
    return pending.isEmpty() ? Long.MAX_VALUE : pending.lastKey();
  }

  /** The seqs buffered now: a fill skips them (it reads only the holes between them). */
  Long[] buffered() {
    return pending.keySet().toArray(new Long[0]);
  }

  /** Hands on the buffered events that are next in order. */
  Next drain() {
    while (!pending.isEmpty()) {
      long first = pending.firstKey();
      if (first <= delivered) {
        pending.pollFirstEntry();
      } else if (first == delivered + 1) {
        hand(first, pending.pollFirstEntry().getValue());
      } else {
        break;
      }
    }
    return pending.isEmpty() ? Next.CAUGHT_UP : Next.HOLE;
  }

  /** No subscriber, no bridge registration and nobody joining: the hub may drop it. */
  boolean unused() {
    return subs.isEmpty() && bridgeRefs == 0 && joining == 0;
  }

  private void hand(long seq, String frame) {
    delivered = seq;
    out.deliver(this, seq, frame);
  }

  /** One local subscription: how far it has been written, and whether it is live or replaying. */
  static final class Sub {
    final Sink sink;
    long last;
    boolean live;

    Sub(Sink sink) {
      this.sink = sink;
    }
  }
}
