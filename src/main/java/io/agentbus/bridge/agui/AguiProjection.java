package io.agentbus.bridge.agui;

import io.agentbus.bridge.sse.EventStreams;
import io.agentbus.stream.Frame;
import io.agentbus.stream.Sink;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * One workflow seen as AG-UI, on this node: its stream read once from the hub (replayed from its
 * first event, then live), mapped once by {@link AguiRun}, and kept as images (each encoded as an
 * SSE frame once, when first written), for every AG-UI stream of its runs here. A late joiner or a resume is then a
 * walk over the images, not a replay and a mapping of the whole run for each viewer, and a live
 * event is mapped once however many watch it.
 *
 * <p>Confined to the hub's context ({@link AguiProjections} calls it there; the hub writes there).
 */
final class AguiProjection implements Sink {

  /** Sent by the hub right after the replay: from here on, events are live. */
  static final String CAUGHT_UP = "{\"type\":\"__agui_caught_up\"}";

  private final String workflowId;
  /** Maps with placeholder run names: a terminal event names its run, so each stream writes its own. */
  private final AguiRun mapper;
  final List<AguiRun.Out> images = new ArrayList<>();
  /** The SSE frame of each image once one stream wrote it (RUN_FINISHED never: it names each stream's run). */
  private final List<String> frames = new ArrayList<>();
  private final List<AguiStream> waiting = new ArrayList<>();
  private final List<AguiStream> live = new ArrayList<>();
  private boolean caughtUp;
  private boolean failed;
  /** When the last stream left (for {@link AguiProjections}' eviction), or 0 while one is attached. */
  long idleSince = System.currentTimeMillis();

  AguiProjection(String workflowId) {
    this.workflowId = workflowId;
    this.mapper = new AguiRun("", "", workflowId);
  }

  String workflowId() {
    return workflowId;
  }

  boolean attached() {
    return !waiting.isEmpty() || !live.isEmpty();
  }

  boolean failed() {
    return failed;
  }

  /** A stream of one of this workflow's runs: its head once the replay is done, then live images. */
  void attach(AguiStream s) {
    idleSince = 0;
    if (caughtUp) {
      start(s);
    } else {
      waiting.add(s);
    }
  }

  void detach(AguiStream s) {
    waiting.remove(s);
    live.remove(s);
    if (!attached()) {
      idleSince = System.currentTimeMillis();
    }
  }

  /** The hub could not read the stream: every stream still waiting is refused, and the projection is dropped. */
  void fail(Throwable err) {
    failed = true;
    List<AguiStream> refused = new ArrayList<>(waiting);
    waiting.clear();
    refused.forEach(s -> s.refuse(err));
  }

  /** The state as the mapper has it now (for a joiner's STATE_SNAPSHOT). */
  JsonObject state() {
    return mapper.state();
  }

  /**
   * The encoded frame of image {@code i}, made on its first write and kept for the next viewer
   * (null: the stream encodes it, naming its run). A join writes none of them, so a projection made
   * for a joiner encodes nothing of the past.
   */
  String frame(int i) {
    String f = frames.get(i);
    if (f == null) {
      AguiRun.Out o = images.get(i);
      if ("RUN_FINISHED".equals(o.event().getString("type"))) {
        return null;
      }
      f = EventStreams.event(o.cursor(), o.event().encode());
      frames.set(i, f);
    }
    return f;
  }

  private void start(AguiStream s) {
    if (s.head(this)) {
      live.add(s);
    }
  }

  @Override
  public String userId() {
    return "agui:" + workflowId; // a projection is no user: typing is never hidden from it
  }

  @Override
  public boolean write(Frame frame) {
    if (CAUGHT_UP.equals(frame.text())) {
      caughtUp = true;
      List<AguiStream> ready = new ArrayList<>(waiting);
      waiting.clear();
      ready.forEach(this::start);
      return true;
    }
    if (Frame.seqOf(frame.text()) <= 0) {
      return true; // ephemeral (typing): not part of a run
    }
    int first = images.size();
    for (AguiRun.Out o : mapper.apply(new JsonObject(frame.text()))) {
      images.add(o);
      frames.add(null);
    }
    if (caughtUp && first < images.size() && !live.isEmpty()) {
      for (AguiStream s : new ArrayList<>(live)) {
        if (!s.pump(this)) { // each from where it is: one still draining its backlog catches up in order
          live.remove(s);
        }
      }
      if (!attached()) {
        idleSince = System.currentTimeMillis();
      }
    }
    return true;
  }
}
