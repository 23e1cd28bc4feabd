package io.agentbus.orchestrator.agent;

import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.parsetools.RecordParser;
import java.util.List;
import java.util.function.Consumer;

/**
 * Plays a role with any OpenAI-compatible {@code POST <baseUrl>/chat/completions} endpoint, with
 * {@code stream: true}: the server-sent deltas become {@code agent_progress.partialOutput}, at
 * most one progress event per {@link #PROGRESS_EVERY_MS} (the text since the previous one), so a
 * fast model does not write an event per token. Rate limits and server errors are retryable;
 * other refusals (a bad key, an unknown model) are not.
 */
final class OpenAiAgent implements Agent {

  static final long PROGRESS_EVERY_MS = 100;
  /** Characters of attached files' text put into one prompt. */
  static final int MAX_ATTACHMENT_CHARS = 20_000;
  static final long IDLE_TIMEOUT_MS = 60_000;
  private final Vertx vertx;
  private final HttpClient http;
  private final AgentSpec spec;
  private final String url;
  private final String model;
  private final String apiKey;
  private final String systemPrompt;
  private final int expectedChars;
  private final double costPer1kTokens;
  private final io.agentbus.tracing.Tracing tracing;

  /** {@code defaults}: baseUrl, model and apiKey from the node config, used where the role's settings have none. */
  OpenAiAgent(Vertx vertx, HttpClient http, AgentSpec spec, JsonObject defaults, io.agentbus.tracing.Tracing tracing) {
    this.vertx = vertx;
    this.tracing = tracing;
    this.http = http;
    this.spec = spec;
    JsonObject s = spec.settings();
    String base = s.getString("baseUrl", defaults.getString("baseUrl"));
    this.url = (base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + "/chat/completions";
    this.model = s.getString("model", defaults.getString("model"));
    this.apiKey = s.getString("apiKey", defaults.getString("apiKey"));
    this.systemPrompt = s.getString("systemPrompt", "You are the " + spec.role()
        + " agent of a software team. Answer the task concisely.");
    this.expectedChars = s.getInteger("expectedChars", 2000);
    this.costPer1kTokens = s.getDouble("costPer1kTokens", 0.0);
  }

  @Override
  public Run start(Task task, Consumer<Progress> progress) {
    // One span per model call (OpenTelemetry's gen_ai conventions), under the agent attempt; the
    // HTTP request Vert.x traces sits under it.
    io.opentelemetry.api.trace.Span span = tracing.start("chat " + model, io.opentelemetry.context.Context.current(),
        io.opentelemetry.api.trace.SpanKind.CLIENT);
    span.setAttribute("gen_ai.operation.name", "chat").setAttribute("gen_ai.system", "openai")
        .setAttribute("gen_ai.request.model", model);
    Promise<Result> promise = Promise.promise();
    long[] tokens = {0, 0};
    HttpClientRequest[] current = new HttpClientRequest[1];
    promise.future().onComplete(ar -> {
      span.setAttribute("gen_ai.usage.input_tokens", tokens[0]).setAttribute("gen_ai.usage.output_tokens", tokens[1]);
      if (ar.failed()) {
        span.setStatus(io.opentelemetry.api.trace.StatusCode.ERROR, String.valueOf(ar.cause().getMessage()));
      }
      span.end();
    });
    tracing.within(io.opentelemetry.context.Context.current().with(span), () -> call(task, progress, promise, tokens, current));
    return Run.of(promise.future(), reason -> {
      if (promise.tryFail(AgentFailure.cancelled(reason)) && current[0] != null) {
        current[0].reset();
      }
    });
  }

  /** Makes the call; {@code current} gets its request (reset when the attempt is cancelled). */
  private void call(Task task, Consumer<Progress> progress, Promise<Result> promise, long[] tokens,
      HttpClientRequest[] current) {
    StringBuilder text = new StringBuilder();
    StringBuilder unsent = new StringBuilder();
    long[] usage = {0};
    long ticker = vertx.setPeriodic(PROGRESS_EVERY_MS, id -> flush(progress, text, unsent));
    promise.future().onComplete(ar -> vertx.cancelTimer(ticker));

    RequestOptions opts = new RequestOptions().setMethod(HttpMethod.POST).setAbsoluteURI(url)
        .putHeader("Content-Type", "application/json").putHeader("Accept", "text/event-stream")
        // The step's deadline bounds the whole call; this only catches a stream that stalls.
        .setIdleTimeout(IDLE_TIMEOUT_MS);
    if (apiKey != null && !apiKey.isEmpty()) {
      opts.putHeader("Authorization", "Bearer " + apiKey);
    }
    http.request(opts).compose(req -> {
      current[0] = req;
      return req.send(Buffer.buffer(body(task).encode()));
    }).onSuccess(resp -> {
      if (resp.statusCode() != 200) {
        resp.body().onComplete(b -> {
          int st = resp.statusCode();
          String detail = b.succeeded() ? ScriptedAgent.excerpt(b.result().toString(), 300) : "";
          promise.tryFail(new AgentFailure("the model endpoint answered " + st + ": " + detail,
              st == 429 || st >= 500, st == 401 || st == 403 ? List.of("check the API key") : List.of("retry later")));
        });
        return;
      }
      RecordParser lines = RecordParser.newDelimited("\n", line -> {
        String l = line.toString().trim();
        if (!l.startsWith("data:")) {
          return;
        }
        String data = l.substring(5).trim();
        if (data.equals("[DONE]")) {
          return;
        }
        try {
          JsonObject chunk = new JsonObject(data);
          JsonArray choices = chunk.getJsonArray("choices");
          if (choices != null && !choices.isEmpty()) {
            JsonObject delta = choices.getJsonObject(0).getJsonObject("delta");
            String piece = delta == null ? null : delta.getString("content");
            if (piece != null) {
              text.append(piece);
              unsent.append(piece);
            }
          }
          JsonObject u = chunk.getJsonObject("usage");
          if (u != null) {
            usage[0] = u.getLong("total_tokens", 0L);
            tokens[0] = u.getLong("prompt_tokens", 0L);
            tokens[1] = u.getLong("completion_tokens", 0L);
          }
        } catch (RuntimeException e) {
          promise.tryFail(new AgentFailure("the model endpoint sent a chunk that is not JSON", true, List.of("retry")));
          current[0].reset();
        }
      });
      resp.handler(lines);
      resp.exceptionHandler(e -> promise.tryFail(new AgentFailure("the model stream broke: " + e.getMessage(), true,
          List.of("retry"))));
      resp.endHandler(v -> {
        flush(progress, text, unsent);
        JsonObject outputs = new JsonObject().put("text", text.toString()).put("model", model)
            .put("totalTokens", usage[0]);
        promise.tryComplete(new Result(outputs, null, usage[0] / 1000.0 * costPer1kTokens));
      });
    }).onFailure(e -> promise.tryFail(new AgentFailure("cannot reach the model endpoint " + url + ": " + e.getMessage(),
        true, List.of("retry", "check openai.baseUrl"))));
  }

  private void flush(Consumer<Progress> progress, StringBuilder text, StringBuilder unsent) {
    if (unsent.length() == 0) {
      return;
    }
    double p = Math.min(0.95, (double) text.length() / expectedChars);
    progress.accept(new Progress(p, "Writing", unsent.toString(), null));
    unsent.setLength(0);
  }

  private JsonObject body(Task task) {
    StringBuilder user = new StringBuilder(task.content() == null ? "" : task.content());
    if (!task.previousOutputs().isEmpty()) {
      user.append("\n\nWhat the team produced so far:\n").append(task.previousOutputs().encode());
    }
    if (task.feedback() != null && !task.feedback().isEmpty()) {
      user.append("\n\nFeedback to address:\n").append(task.feedback());
    }
    int room = MAX_ATTACHMENT_CHARS; // the files' text goes into the prompt, bounded in all
    for (Object o : task.attachments()) {
      if (o instanceof JsonObject f && room > 0) {
        String text = f.getString("text", "");
        String part = text.length() > room ? text.substring(0, room) : text;
        room -= part.length();
        user.append("\n\nAttached file ").append(f.getString("originalName")).append(":\n").append(part);
      }
    }
    return new JsonObject().put("model", model).put("stream", true)
        .put("stream_options", new JsonObject().put("include_usage", true))
        .put("messages", new JsonArray()
            .add(new JsonObject().put("role", "system").put("content", systemPrompt))
            .add(new JsonObject().put("role", "user").put("content", user.toString())));
  }
}
