package io.agentbus.bridge.agui;

import io.agentbus.bridge.BridgeContext;
import io.agentbus.bridge.http.HttpApi;
import io.agentbus.bridge.sse.EventStreams;
import io.agentbus.bus.Addresses;
import io.agentbus.bus.AppException;
import io.agentbus.bus.ErrorCode;
import io.agentbus.bus.Hashing;
import io.agentbus.bus.Json;
import io.agentbus.bus.Principal;
import io.agentbus.config.Verticle;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.ArrayList;
import java.util.List;

/**
 * AG-UI 1.0 over SSE (PROTOCOL §11): {@code POST /agui} runs a workflow (or answers its gate) and
 * streams it as AG-UI events; {@code GET /agui/threads/{t}/runs/{r}/events} resumes a run after a
 * cursor, or joins it without one, on any node; {@code DELETE} cancels it. Every stream reads its
 * workflow's {@link AguiProjection} on this node (the workflow's events mapped once, by
 * {@link AguiRun}, for every viewer); its head is written on the hub's thread, so no live event
 * comes between. A dropped stream never cancels.
 */
public final class AguiEndpoint {

  private final BridgeContext bc;
  private final EventStreams streams;
  private final AguiProjections projections;

  public AguiEndpoint(BridgeContext bc, EventStreams streams) {
    this.bc = bc;
    this.streams = streams;
    this.projections = new AguiProjections(bc.vertx(), bc.hub());
  }

  public void mount(Router router, Handler<RoutingContext> authenticate) {
    router.route("/agui*").handler(BodyHandler.create().setBodyLimit(256 * 1024).setHandleFileUploads(false));
    router.route("/agui*").handler(authenticate);
    router.post("/agui").handler(this::run);
    router.get("/agui/threads/:threadId/runs/:runId/events").handler(this::events);
    router.delete("/agui/threads/:threadId/runs/:runId").handler(this::cancel);
  }

  // ---------------------------------------------------------------- POST /agui

  private void run(RoutingContext ctx) {
    Principal who = HttpApi.principal(ctx);
    JsonObject in;
    try {
      in = ctx.body() == null ? null : ctx.body().asJsonObject();
    } catch (DecodeException e) {
      HttpApi.fail(ctx, ErrorCode.INVALID_JSON, "the body is not valid JSON");
      return;
    }
    try {
      if (in == null) {
        throw AppException.invalid("the body must be a RunAgentInput JSON object");
      }
      String threadId = Json.requireId(in, "threadId");
      String runId = Json.requireId(in, "runId");
      JsonArray resume = in.getValue("resume") instanceof JsonArray a ? a : new JsonArray();
      Future<JsonObject> made = resume.isEmpty() ? start(who, threadId, runId, in) : answer(who, threadId, runId, resume);
      made.onSuccess(run -> follow(ctx, who, run, null, false)).onFailure(err -> {
        AppException e = AppException.from(err);
        HttpApi.fail(ctx, e.code, e.getMessage());
      });
    } catch (AppException e) {
      HttpApi.fail(ctx, e.code, e.getMessage());
    }
  }

  /** A new run: claims the runId (409 if known), then starts the workflow it names (idempotent per runId). */
  private Future<JsonObject> start(Principal who, String threadId, String runId, JsonObject in) {
    String content = lastUserText(in.getValue("messages"));
    JsonObject props = in.getValue("forwardedProps") instanceof JsonObject p ? p : new JsonObject();
    String workflowId = Hashing.derivedId("workflow", who.userId(), runId);
    JsonObject startBody = new JsonObject().put("content", content).put("sessionId", threadId).put("requestKey", runId);
    if (props.getValue("workflow") instanceof String w) {
      startBody.put("workflow", w);
    }
    JsonObject run = new JsonObject().put("runId", runId).put("threadId", threadId).put("workflowId", workflowId);
    return request(Addresses.AGUI_RUN_CLAIM, run.copy(), Verticle.ORCHESTRATOR, who)
        .compose(x -> request(Addresses.WORKFLOW_START, startBody, Verticle.ORCHESTRATOR, who))
        .map(started -> run);
  }

  /** A run that answers the open interrupts: each decided (exactly once, as on every transport), then followed. */
  private Future<JsonObject> answer(Principal who, String threadId, String runId, JsonArray resume) {
    List<Future<JsonObject>> decided = new ArrayList<>();
    String first = null;
    for (Object o : resume) {
      if (!(o instanceof JsonObject r) || !(r.getValue("interruptId") instanceof String id)) {
        return Future.failedFuture(AppException.invalid("each resume entry needs an interruptId"));
      }
      first = first == null ? id : first;
      JsonObject payload = r.getValue("payload") instanceof JsonObject p ? p : new JsonObject();
      boolean approved = !"cancelled".equals(r.getString("status")) && Boolean.TRUE.equals(payload.getValue("approved"));
      JsonObject decision = new JsonObject().put("approvalId", id).put("approved", approved);
      if (payload.getValue("feedback") instanceof String f) {
        decision.put("feedback", f);
      }
      decided.add(request(Addresses.APPROVAL_RESPOND, decision, Verticle.APPROVALS, who));
    }
    String afterApproval = first;
    return Future.all(decided).compose(all -> {
      String workflowId = ((JsonObject) all.resultAt(0)).getString("workflowId");
      JsonObject run = new JsonObject().put("runId", runId).put("threadId", threadId).put("workflowId", workflowId)
          .put("afterApproval", afterApproval);
      return request(Addresses.AGUI_RUN_CLAIM, run.copy(), Verticle.ORCHESTRATOR, who).map(x -> run);
    });
  }

  /** The text of the last user message ({@code content} a string, or parts with {@code text}). */
  static String lastUserText(Object messages) {
    if (messages instanceof JsonArray list) {
      for (int i = list.size() - 1; i >= 0; i--) {
        if (list.getValue(i) instanceof JsonObject m && "user".equals(m.getString("role"))) {
          Object c = m.getValue("content");
          if (c instanceof String s && !s.isBlank()) {
            return s;
          }
          if (c instanceof JsonArray parts) {
            StringBuilder sb = new StringBuilder();
            parts.forEach(p -> {
              if (p instanceof JsonObject part && part.getValue("text") instanceof String t) {
                sb.append(t);
              }
            });
            if (!sb.isEmpty()) {
              return sb.toString();
            }
          }
        }
      }
    }
    throw AppException.invalid("'messages' needs a user message with text: it is the request");
  }

  // ---------------------------------------------------------------- GET …/events, DELETE …

  private void events(RoutingContext ctx) {
    Principal who = HttpApi.principal(ctx);
    String last = ctx.request().getHeader("Last-Event-ID");
    String cursor = last != null && !last.isBlank() ? last.trim() : ctx.request().getParam("after");
    if (cursor != null && !cursor.matches("0|[0-9]{1,18}\\.[0-9]{1,6}")) {
      HttpApi.fail(ctx, ErrorCode.INVALID_MESSAGE, "the cursor '" + cursor + "' is not one of this server's");
      return;
    }
    runOf(ctx, who).onSuccess(run -> {
      if (run.getBoolean("eventsDropped", false)) {
        HttpApi.fail(ctx, ErrorCode.GONE, "run '" + run.getString("runId") + "' finished and its events are no "
            + "longer kept (orchestrator.eventsKeptSeconds); GET /api/workflows/" + run.getString("workflowId")
            + " still has its outcome");
      } else {
        follow(ctx, who, run, cursor, cursor == null);
      }
    }).onFailure(err -> {
      AppException e = AppException.from(err);
      HttpApi.fail(ctx, e.code, e.getMessage());
    });
  }

  private void cancel(RoutingContext ctx) {
    Principal who = HttpApi.principal(ctx);
    runOf(ctx, who).compose(run -> request(Addresses.WORKFLOW_ACT, new JsonObject()
            .put("workflowId", run.getString("workflowId")).put("action", "cancel"), Verticle.ORCHESTRATOR, who))
        .onSuccess(r -> HttpApi.json(ctx, 202, r))
        .onFailure(err -> {
          AppException e = AppException.from(err);
          HttpApi.fail(ctx, e.code, e.getMessage());
        });
  }

  private Future<JsonObject> runOf(RoutingContext ctx, Principal who) {
    return request(Addresses.AGUI_RUN_GET, new JsonObject().put("runId", ctx.pathParam("runId"))
        .put("threadId", ctx.pathParam("threadId")), Verticle.ORCHESTRATOR, who);
  }

  private Future<JsonObject> request(String address, JsonObject body, Verticle to, Principal who) {
    return bc.vertx().eventBus().<JsonObject>request(address, body, bc.to(to, who)).map(m -> m.body());
  }

  // ---------------------------------------------------------------- the stream

  /**
   * Streams run {@code run} from its workflow's projection on this node ({@link AguiStream} says
   * what each kind of stream starts with); a failure before the head is an HTTP error.
   */
  private void follow(RoutingContext ctx, Principal who, JsonObject run, String cursor, boolean join) {
    String workflowId = run.getString("workflowId");
    AguiStream[] stream = {null};
    stream[0] = new AguiStream(ctx.response(), new AguiStream.Ask(run.getString("threadId"), run.getString("runId"),
        run.getString("afterApproval"), cursor, join), streams, bc.metrics().deliveries::increment, e -> {
          if (!ctx.response().headWritten()) {
            HttpApi.fail(ctx, e.code, e.getMessage());
          } else if (!ctx.response().ended()) {
            ctx.response().end();
          }
        }, () -> projections.detach(workflowId, stream[0]), bc.hub().context());
    projections.attach(workflowId, stream[0]);
  }
}
