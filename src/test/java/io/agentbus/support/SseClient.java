package io.agentbus.support;

import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A server-sent events reader over the JDK's HTTP client, as a backend would read a stream: each
 * event (its {@code id:}, {@code event:} and {@code data:}) and each comment line is queued as
 * it arrives; {@link #close} drops the connection.
 */
public final class SseClient implements AutoCloseable {

  /** One event, or a comment ({@code comment} set, the rest null). */
  public record Event(String id, String event, String data, String comment) {
    public JsonObject json() {
      return new JsonObject(data);
    }

    public long seq() {
      return Long.parseLong(id);
    }
  }

  private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();
  private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
  private final HttpResponse<InputStream> response;
  private final Thread reader;

  /** Opens {@code path} with {@code Accept: text/event-stream}; {@code headers} as name, value pairs. */
  public SseClient(String host, int port, String path, String token, String... headers) {
    this(host, port, "GET", path, null, token, (Object) headers);
  }

  /** POSTs {@code body} (JSON) to {@code path} and reads the answer as an event stream (AG-UI). */
  public static SseClient post(String host, int port, String path, String token, String body) {
    return new SseClient(host, port, "POST", path, body, token, (Object) new String[0]);
  }

  /** As {@link #post}, with more headers (name, value pairs); a null token sends no Authorization. */
  public static SseClient post(String host, int port, String path, String token, String body, String... headers) {
    return new SseClient(host, port, "POST", path, body, token, (Object) headers);
  }

  private SseClient(String host, int port, String method, String path, String body, String token, Object headerList) {
    String[] headers = (String[]) headerList;
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://" + host + ":" + port + path))
        .header("Accept", "text/event-stream")
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    boolean typed = false;
    for (int i = 0; i + 1 < headers.length; i += 2) {
      typed |= headers[i].equalsIgnoreCase("Content-Type");
    }
    if (body != null && !typed) {
      b.header("Content-Type", "application/json");
    }
    for (int i = 0; i + 1 < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    try {
      response = CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    reader = new Thread(this::read, "sse-client");
    reader.setDaemon(true);
    reader.start();
  }

  public int status() {
    return response.statusCode();
  }

  public String header(String name) {
    return response.headers().firstValue(name).orElse(null);
  }

  private void read() {
    try (BufferedReader in = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
      String id = null;
      String event = null;
      StringBuilder data = null;
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        if (line.isEmpty()) {
          if (data != null) {
            events.add(new Event(id, event, data.toString(), null));
          }
          id = null;
          event = null;
          data = null;
        } else if (line.startsWith(":")) {
          events.add(new Event(null, null, null, line.substring(1).trim()));
        } else if (line.startsWith("id:")) {
          id = line.substring(3).trim();
        } else if (line.startsWith("event:")) {
          event = line.substring(6).trim();
        } else if (line.startsWith("data:")) {
          String d = line.substring(5).startsWith(" ") ? line.substring(6) : line.substring(5);
          data = data == null ? new StringBuilder(d) : data.append('\n').append(d);
        }
      }
    } catch (Exception e) {
      // closed
    }
    events.add(new Event(null, null, null, "<end>"));
  }

  /** The next event with data (comments skipped), within {@code seconds}; fails the test on time-out. */
  public Event next(int seconds) {
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (true) {
      Event e = poll(until);
      if (e == null) {
        throw new AssertionError("no event within " + seconds + " s");
      }
      if ("<end>".equals(e.comment())) {
        throw new AssertionError("the event stream ended");
      }
      if (e.data() != null) {
        return e;
      }
    }
  }

  /** The next comment line within {@code seconds} (events before it skipped), or null. */
  public String nextComment(int seconds) {
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (true) {
      Event e = poll(until);
      if (e == null || e.comment() != null) {
        return e == null ? null : e.comment();
      }
    }
  }

  /** Whether the server ended the stream within {@code seconds} (events before the end skipped). */
  public boolean ended(int seconds) {
    return "<end>".equals(nextComment(seconds));
  }

  private Event poll(long until) {
    try {
      long left = until - System.nanoTime();
      return left <= 0 ? events.poll() : events.poll(left, TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  @Override
  public void close() {
    try {
      response.body().close();
    } catch (Exception e) {
      // already closed
    }
    reader.interrupt();
  }
}
