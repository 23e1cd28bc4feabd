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
import io.agentbus.stream.Frame;
import io.agentbus.stream.Sink;
import io.agentbus.stream.StreamName;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerResponse;
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
 * cursor, or joins it without one, on any node; {@code DELETE} cancels it. A stream is a hub
 * subscription of the workflow's stream replayed from its first event, mapped by {@link AguiRun};
 * the head (RUN_STARTED, re-opened STARTs or snapshots) is written on the hub's thread right
 * after the replay, so no live event comes between. A dropped stream never cancels.
 */
public final class AguiEndpoint {

  private static final String START = "{\"type\":\"__agui_caught_up\"}";
  private final BridgeContext bc;
  private final EventStreams streams;

  public AguiEndpoint(BridgeContext bc, EventStreams streams) {
    this.bc = bc;
    this.streams = streams;
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
   * Streams run {@code run}: replays the workflow's events through the mapping, then writes the
   * head — POST: RUN_STARTED and every image of the run so far; {@code cursor}: RUN_STARTED, the
   * STARTs open at it, the images after it; {@code join}: RUN_STARTED and the snapshots — then
   * live images until the run's terminal event, after which the response ends.
   */
  private void follow(RoutingContext ctx, Principal who, JsonObject run, String cursor, boolean join) {
    HttpServerResponse resp = ctx.response();
    String stream = StreamName.workflow(run.getString("workflowId"));
    String afterApproval = run.getString("afterApproval");
    AguiRun mapper = new AguiRun(run.getString("threadId"), run.getString("runId"), run.getString("workflowId"));
    List<AguiRun.Out> before = new ArrayList<>(); // the run's images up to the head
    boolean[] live = {false};
    boolean[] started = {afterApproval == null}; // a resume run begins after its gate's event
    boolean[] done = {false};
    Sink sink = new Sink() {
      @Override
      public String userId() {
        return who.userId();
      }

      @Override
      public boolean write(Frame frame) {
        if (done[0] || resp.closed()) {
          return false;
        }
        if (START.equals(frame.text())) {
          return head();
        }
        JsonObject e = new JsonObject(frame.text());
        if (!e.containsKey("seq")) {
          return true; // ephemeral (typing): not part of a run
        }
        boolean wasStarted = started[0];
        List<AguiRun.Out> images = mapper.apply(e);
        if (!wasStarted) {
          started[0] = "approval_required".equals(e.getString("type")) && afterApproval.equals(e.getString("approvalId"));
          return true;
        }
        if (!live[0]) {
          before.addAll(images);
          return true;
        }
        return write(images);
      }

      private boolean head() {
        List<AguiRun.Out> head = new ArrayList<>();
        String at = before.isEmpty() ? "0" : before.get(before.size() - 1).cursor();
        if (join) {
          // A run that already ended: its snapshots as they stood before its terminal event, then that event.
          int end = 0;
          while (end < before.size() && !AguiRun.terminal(before.get(end).event())) {
            end++;
          }
          List<AguiRun.Out> upTo = before.subList(0, Math.min(end, before.size()));
          head.addAll(AguiResume.join(upTo, new JsonArray(), end < before.size() ? stateOf(upTo) : mapper.state()));
          if (end < before.size()) {
            head.add(before.get(end));
          }
        } else if (cursor != null) {
          int i = AguiResume.indexOf(before, cursor);
          if (i == -2) {
            done[0] = true;
            HttpApi.fail(ctx, ErrorCode.INVALID_MESSAGE, "the cursor '" + cursor + "' is not one of this run's");
            return false;
          }
          at = cursor;
          if (i >= 0 && AguiRun.finalEnd(before.get(i).event())) {
            head.add(before.get(i)); // the run had ended at the cursor: its end again, nothing after
          } else {
            // After an interrupt the stream goes on with the workflow: the decision (whoever made
            // it, on any transport) and what follows it, up to the next terminal event.
            head.addAll(AguiResume.after(before, i));
          }
        } else {
          head.addAll(before);
        }
        streams.open(resp, () -> bc.hub().unsubscribe(stream, this));
        resp.write(EventStreams.event(at, mapper.runStarted().encode()));
        live[0] = true;
        return write(head);
      }

      private boolean write(List<AguiRun.Out> images) {
        for (AguiRun.Out o : images) {
          if (resp.writeQueueFull()) {
            end(); // far behind: the client resumes from its last id
            return false;
          }
          resp.write(EventStreams.event(o.cursor(), o.event().encode()));
          bc.metrics().deliveries.increment();
          if (AguiRun.terminal(o.event())) {
            end();
            return false;
          }
        }
        return true;
      }

      private void end() {
        done[0] = true;
        if (!resp.ended()) {
          resp.end();
        }
      }
    };
    // A client gone before the head still leaves the hub.
    resp.closeHandler(v -> bc.hub().unsubscribe(stream, sink));
    bc.hub().subscribe(stream, sink, 0L, seq -> START).onFailure(err -> {
      if (!resp.headWritten()) {
        AppException e = AppException.from(err);
        HttpApi.fail(ctx, e.code, e.getMessage());
      } else if (!resp.ended()) {
        resp.end();
      }
    });
  }

  /** The run's state as its images left it (STATE_SNAPSHOT, then each STATE_DELTA's replaces and adds). */
  static JsonObject stateOf(List<AguiRun.Out> images) {
    JsonObject state = new JsonObject();
    for (AguiRun.Out o : images) {
      JsonObject e = o.event();
      if ("STATE_SNAPSHOT".equals(e.getString("type"))) {
        state = e.getJsonObject("snapshot").copy();
      } else if ("STATE_DELTA".equals(e.getString("type"))) {
        for (Object op : e.getJsonArray("delta")) {
          JsonPatch.apply(state, (JsonObject) op);
        }
      }
    }
    return state;
  }
}
