package io.agentbus.bridge.agui;

import io.agentbus.bridge.sse.EventStreams;
import io.agentbus.bus.AppException;
import io.agentbus.bus.ErrorCode;
import io.vertx.core.Context;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.function.Consumer;

/**
 * One AG-UI response (PROTOCOL §11) over a workflow's {@link AguiProjection}: the head — POST:
 * {@code RUN_STARTED} and the run's images so far; a cursor: {@code RUN_STARTED}, the STARTs open at
 * it, the images after it; a join: {@code RUN_STARTED} and the snapshots — then live images until
 * the run's terminal event, after which the response ends. A run that answers a gate
 * ({@code afterApproval}) begins after that gate's interrupt. Called on the hub's context only.
 */
final class AguiStream {

  /** What a stream asks for: a POST's run, a resume after {@code cursor}, or a join. */
  record Ask(String threadId, String runId, String afterApproval, String cursor, boolean join) {}

  private final HttpServerResponse resp;
  private final Ask ask;
  private final EventStreams streams;
  private final Runnable delivered;
  private final Consumer<AppException> refuse;
  private final Runnable gone;
  private final Context hub;
  /** The next image of the projection to write: a stream is a reader with its own place in the run. */
  private int next;
  private boolean draining;
  private boolean done;

  AguiStream(HttpServerResponse resp, Ask ask, EventStreams streams, Runnable delivered, Consumer<AppException> refuse,
      Runnable gone, Context hub) {
    this.hub = hub;
    this.resp = resp;
    this.ask = ask;
    this.streams = streams;
    this.delivered = delivered;
    this.refuse = refuse;
    this.gone = gone;
    resp.closeHandler(v -> gone.run()); // a client gone before its head still leaves the projection
  }

  void refuse(Throwable err) {
    done = true;
    refuse.accept(AppException.from(err));
  }

  /** Writes the head; false when the stream is over (ended at a terminal event, refused, or gone). */
  boolean head(AguiProjection p) {
    if (resp.closed()) {
      return false;
    }
    List<AguiRun.Out> all = p.images;
    int from = ask.afterApproval() == null ? 0 : afterGate(all, ask.afterApproval());
    List<AguiRun.Out> run = all.subList(from, all.size());
    List<AguiRun.Out> synthesised;
    int rangeFrom = all.size(); // where the stream's reading of the images starts
    String at = "0";
    if (ask.join()) {
      int end = firstTerminal(run);
      List<AguiRun.Out> upTo = end < 0 ? run : run.subList(0, end);
      synthesised = AguiResume.join(upTo, new JsonArray(), end < 0 ? p.state() : AguiResume.stateOf(upTo));
      at = synthesised.get(0).cursor();
      if (end >= 0) { // a run that already ended: as it stood before its end, then that end
        rangeFrom = from + end;
      }
    } else if (ask.cursor() != null) {
      int i = AguiResume.indexOf(run, ask.cursor());
      if (i == -2) {
        refuse(new AppException(ErrorCode.INVALID_MESSAGE, "the cursor '" + ask.cursor() + "' is not one of this run's"));
        return false;
      }
      at = ask.cursor();
      if (i >= 0 && AguiRun.finalEnd(run.get(i).event())) {
        synthesised = List.of(); // the run had ended at the cursor: its end again, nothing after
        rangeFrom = from + i;
      } else {
        // After an interrupt the stream goes on with the workflow: the decision (whoever made it,
        // on any transport) and what follows it, up to the next terminal event.
        synthesised = AguiResume.openAt(run, i).stream().map(start -> new AguiRun.Out(ask.cursor(), start)).toList();
        rangeFrom = from + i + 1;
      }
    } else {
      synthesised = List.of();
      rangeFrom = from;
    }
    streams.open(resp, gone);
    resp.write(EventStreams.event(at, new JsonObject().put("type", "RUN_STARTED").put("threadId", ask.threadId())
        .put("runId", ask.runId()).encode()));
    for (AguiRun.Out o : synthesised) {
      resp.write(EventStreams.event(o.cursor(), o.event().encode()));
      delivered.run();
    }
    next = rangeFrom;
    return pump(p);
  }

  /**
   * Writes the projection's images from {@link #next} on, as fast as the client reads: when the
   * response's queue is full it waits for the drain and goes on from there (the images stay in the
   * projection, so a slow reader costs no memory of its own and is never cut off). False once the
   * stream is over (its run's terminal event written, or the client gone).
   */
  boolean pump(AguiProjection p) {
    while (next < p.images.size()) {
      if (done || resp.closed()) {
        return false;
      }
      if (resp.writeQueueFull()) {
        if (!draining) {
          draining = true;
          resp.drainHandler(v -> hub.runOnContext(x -> {
            draining = false;
            pump(p);
          }));
        }
        return true;
      }
      int k = next++;
      AguiRun.Out o = p.images.get(k);
      String frame = p.frame(k);
      resp.write(frame != null ? frame : EventStreams.event(o.cursor(), o.event().copy()
          .put("threadId", ask.threadId()).put("runId", ask.runId()).encode()));
      delivered.run();
      if (AguiRun.terminal(o.event())) {
        end();
        return false;
      }
    }
    return !done && !resp.closed();
  }

  private void end() {
    done = true;
    if (!resp.ended()) {
      resp.end();
    }
  }

  /** The index of the first image after the interrupt of gate {@code approvalId} (the end when it is not there yet). */
  private static int afterGate(List<AguiRun.Out> images, String approvalId) {
    for (int i = 0; i < images.size(); i++) {
      JsonObject e = images.get(i).event();
      if ("RUN_FINISHED".equals(e.getString("type")) && e.getValue("outcome") instanceof JsonObject outcome
          && outcome.getValue("interrupts") instanceof JsonArray interrupts) {
        for (Object it : interrupts) {
          if (it instanceof JsonObject in && approvalId.equals(in.getString("id"))) {
            return i + 1;
          }
        }
      }
    }
    return images.size();
  }

  private static int firstTerminal(List<AguiRun.Out> run) {
    for (int i = 0; i < run.size(); i++) {
      if (AguiRun.terminal(run.get(i).event())) {
        return i;
      }
    }
    return -1;
  }
}
