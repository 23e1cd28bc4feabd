package io.agentbus.bridge.sse;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The open {@code text/event-stream} responses of one bridge instance, whatever serves them (the
 * stream reads of {@link SseEndpoint}, the AG-UI runs): each gets the same head, the same bound on
 * what may wait unsent ({@code limits.sendQueueBytes}), a keep-alive comment every
 * {@code http.sseKeepAliveMs}, and is ended at shutdown ({@link #closeAll}).
 */
public final class EventStreams {

  private final Vertx vertx;
  private final long keepAliveMs;
  private final int queueBytes;
  private final Set<HttpServerResponse> open = ConcurrentHashMap.newKeySet();

  public EventStreams(Vertx vertx, long keepAliveMs, int queueBytes) {
    this.vertx = vertx;
    this.keepAliveMs = Math.max(100, keepAliveMs);
    this.queueBytes = queueBytes;
  }

  /** Sends the event-stream head of {@code resp} and keeps it alive; {@code gone} runs once when it closes or ends. */
  public void open(HttpServerResponse resp, Runnable gone) {
    resp.setStatusCode(200).setChunked(true).putHeader("Content-Type", "text/event-stream; charset=utf-8")
        .putHeader("Cache-Control", "no-cache").putHeader("X-Accel-Buffering", "no");
    resp.setWriteQueueMaxSize(queueBytes);
    open.add(resp);
    long keepAlive = vertx.setPeriodic(keepAliveMs, id -> {
      if (!resp.closed() && !resp.ended()) {
        resp.write(": keep-alive\n\n");
      }
    });
    AtomicBoolean once = new AtomicBoolean();
    Runnable end = () -> {
      if (once.compareAndSet(false, true)) {
        open.remove(resp);
        vertx.cancelTimer(keepAlive);
        gone.run();
      }
    };
    resp.closeHandler(v -> end.run());
    resp.endHandler(v -> end.run());
  }

  /** One event: its {@code id:} line (none when {@code id} is null) and its data, one line of JSON. */
  public static String event(String id, String json) {
    return (id == null ? "" : "id: " + id + "\n") + "data: " + json + "\n\n";
  }

  /** A shutdown: every open stream ends; its clients resume with their last id, on another node. */
  public void closeAll() {
    for (HttpServerResponse r : open) {
      if (!r.ended()) {
        r.end();
      }
    }
    open.clear();
  }
}
