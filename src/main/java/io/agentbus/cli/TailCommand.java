package io.agentbus.cli;

import io.agentbus.stream.StreamName;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code tail}: follows a stream through a node's {@code /ws} and prints each event as a JSON line.
 * After a disconnect it connects again (backoff with jitter, capped at 10 s) and subscribes with
 * {@code lastSeq} = the last seq it printed, so nothing is missed or printed twice.
 */
@Command(name = "tail", mixinStandardHelpOptions = true,
    description = "Follow a stream (channel:<name>, session:<id>, workflow:<id>, user:<id>) through a node, resuming "
        + "with lastSeq after a disconnect.")
final class TailCommand implements Callable<Integer> {

  @Option(names = "--url", split = ",", defaultValue = "ws://127.0.0.1:8080/ws",
      description = "the nodes' /ws, tried in turn after a disconnect (default ${DEFAULT-VALUE})")
  java.util.List<String> urls;

  @Option(names = "--token", required = true, description = "a JWT allowed to read the stream (see token); or @ENV_VAR")
  String token;

  @Option(names = "--stream", required = true, description = "e.g. channel:general")
  String stream;

  @Option(names = "--after", defaultValue = "-1", description = "print events after this seq first (default: only new ones)")
  long after;

  @Option(names = "--count", defaultValue = "0", description = "stop after this many events (default: follow forever)")
  long count;

  @Override
  public Integer call() throws Exception {
    StreamName name = StreamName.parse(stream);
    if (name == null) {
      System.err.println("'" + stream + "' is no stream name (channel:, session:, workflow:, user:)");
      return 2;
    }
    JsonObject subscribe = new JsonObject().put("type", "subscribe");
    switch (name.kind()) {
      case CHANNEL -> subscribe.put("channel", name.id());
      case WORKFLOW -> subscribe.put("workflowId", name.id());
      case SESSION -> subscribe.put("sessionId", name.id());
      case USER -> {
        System.err.println("a user stream is followed by that user's own connections only");
        return 2;
      }
    }
    AtomicLong last = new AtomicLong(after);
    AtomicLong printed = new AtomicLong();
    HttpClient http = HttpClient.newHttpClient();
    long backoff = 250;
    int attempt = 0;
    while (count == 0 || printed.get() < count) {
      String url = urls.get(attempt++ % urls.size());
      CountDownLatch closed = new CountDownLatch(1);
      String[] refused = new String[1];
      try {
        WebSocket ws = http.newWebSocketBuilder().buildAsync(URI.create(url), new WebSocket.Listener() {
          private final StringBuilder buf = new StringBuilder();

          @Override
          public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean lastPart) {
            buf.append(data);
            if (lastPart) {
              JsonObject f;
              try {
                f = new JsonObject(buf.toString());
              } catch (io.vertx.core.json.DecodeException e) {
                f = new JsonObject();
              }
              buf.setLength(0);
              if ("error".equals(f.getString("type")) && !Boolean.TRUE.equals(f.getBoolean("recoverable"))) {
                // Refused for good (NOT_FOUND, FORBIDDEN): say so and stop, rather than wait on an open socket.
                refused[0] = f.getString("code") + ": " + f.getString("error");
                w.sendClose(WebSocket.NORMAL_CLOSURE, "refused");
                closed.countDown();
              } else if (stream.equals(f.getString("stream")) && f.getValue("seq") instanceof Number n
                  && n.longValue() > last.get()) {
                last.set(n.longValue());
                System.out.println(f.encode());
                if (count > 0 && printed.incrementAndGet() >= count) {
                  w.sendClose(WebSocket.NORMAL_CLOSURE, "done");
                }
              }
            }
            w.request(1);
            return null;
          }

          @Override
          public CompletionStage<?> onClose(WebSocket w, int code, String reason) {
            if (code == 4401 || code == 4403) {
              refused[0] = "closed " + code + " " + reason;
            }
            closed.countDown();
            return CompletableFuture.completedFuture(null);
          }

          @Override
          public void onError(WebSocket w, Throwable error) {
            closed.countDown();
          }
        }).get();
        ws.sendText(new JsonObject().put("type", "auth").put("token", PublishCommand.secret(token)).encode(), true).get();
        JsonObject sub = subscribe.copy().put("id", "tail");
        if (last.get() >= 0) {
          sub.put("lastSeq", last.get());
        }
        ws.sendText(sub.encode(), true).get();
        backoff = 250;
        closed.await();
        System.err.println("tail: " + url + " closed; resuming after seq " + last.get());
      } catch (java.util.concurrent.ExecutionException e) {
        System.err.println("tail: " + url + ": " + e.getCause().getMessage() + "; trying again");
      }
      if (refused[0] != null) {
        System.err.println("tail: refused: " + refused[0]);
        return 1;
      }
      if (count > 0 && printed.get() >= count) {
        break;
      }
      Thread.sleep(backoff / 2 + (long) (Math.random() * backoff));
      backoff = Math.min(backoff * 2, 10_000);
    }
    return 0;
  }
}
