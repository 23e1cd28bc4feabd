package io.agentbus.bridge;

import io.agentbus.bus.Addresses;
import io.agentbus.config.Verticle;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * Every client operation that a service answers, in one table: the {@code /ws} frame types that
 * ask for it, the bus address and verticle that serve it, how the request body is taken from the
 * frame, the frame that answers it, and its REST route. {@code /ws} ({@code bridge.ws}), the
 * SockJS bridge ({@code bridge.sockjs}: exactly the {@code agentbus.*} addresses here may be sent
 * to) and REST ({@code bridge.http}) are all driven by this table, so a new operation is added here
 * and nowhere else in the bridge.
 *
 * <p>The transports validate nothing of an operation's fields: the service that owns the address
 * does, once for every transport. A transport only shapes the body (which frame fields travel) and
 * the answer.
 */
public enum Operation {

  CHAT(Verticle.ROUTER, Addresses.CHAT_SEND, List.of("chat", "message"), Body.ALL,
      // A slash command is answered by its command_result; a message by its ack.
      r -> r.containsKey("commandResult") ? r.getJsonObject("commandResult").copy()
          : withThread(reply("ack", r, "stream", "seq", "messageId"), r),
      // PROTOCOL §12: a backend's post. The router keeps its key with the event, in one transaction.
      Http.post("/api/channels/:channel/messages", 201).keyField("idempotencyKey").serviceKeeps()
          .answer(r -> r.containsKey("commandResult") ? r : pick(r, "messageId", "stream", "seq", "threadId")),
      Flow.ORDERED, Follow.IF_COMMAND),
  HISTORY(Verticle.ROUTER, Addresses.HISTORY, List.of("history"),
      Body.only("channel", "before", "after", "limit", "threadId", "topLevel"),
      r -> reply("message_history", r, "channel", "messages", "hasMore", "threadId", "root"),
      Http.get("/api/channels/:channel/messages").numbers("before", "after", "limit").strings("threadId"), Flow.PLAIN,
      Follow.NEVER),
  // Chat, complete (PROTOCOL §7). Changes are ORDERED like chat: a user's edit never overtakes the post it edits.
  MESSAGE_EDIT(Verticle.ROUTER, Addresses.CHAT_EDIT, List.of("message_edit"), Body.ALL,
      r -> reply("ack", r, "messageId", "channel", "stream", "seq", "editedAt"), null, Flow.ORDERED, Follow.NEVER),
  MESSAGE_DELETE(Verticle.ROUTER, Addresses.CHAT_DELETE, List.of("message_delete"), Body.ALL,
      r -> reply("ack", r, "messageId", "channel", "stream", "seq", "deletedAt"), null, Flow.ORDERED, Follow.NEVER),
  REACTION(Verticle.ROUTER, Addresses.CHAT_REACTION, List.of("reaction"), Body.ALL,
      r -> reply("ack", r, "messageId", "channel", "emoji", "op", "counts", "changed", "stream", "seq"), null,
      Flow.ORDERED, Follow.NEVER),
  PIN(Verticle.ROUTER, Addresses.CHAT_PIN, List.of("pin"), Body.ALL,
      r -> reply("ack", r, "messageId", "channel", "pinned", "changed", "stream", "seq"), null, Flow.ORDERED,
      Follow.NEVER),
  PINS(Verticle.ROUTER, Addresses.CHAT_PINS, List.of("pins"), Body.only("channel"),
      r -> reply("pins", r, "channel", "pins"), Http.get("/api/channels/:channel/pins"), Flow.PLAIN, Follow.NEVER),
  SEARCH(Verticle.ROUTER, Addresses.CHAT_SEARCH, List.of("search"), Body.only("query", "channel", "limit", "before"),
      r -> reply("search_results", r, "query", "results", "hasMore", "nextBefore"),
      Http.get("/api/search").strings("q", "channel", "before").numbers("limit"), Flow.PLAIN, Follow.NEVER),
  READ(Verticle.ROUTER, Addresses.CHAT_READ, List.of("read"), Body.only("channel", "seq"),
      r -> reply("ack", r, "channel", "seq"), Http.post("/api/channels/:channel/read", 200), Flow.PLAIN,
      Follow.NEVER),
  PRESENCE(Verticle.BRIDGE, Addresses.CHAT_PRESENCE, List.of("presence"), Body.only("channel"),
      r -> reply("presence", r, "channel", "online"), Http.get("/api/channels/:channel/presence"), Flow.PLAIN,
      Follow.NEVER),
  TYPING(Verticle.ROUTER, Addresses.TYPING, List.of("typing_start", "typing_stop"),
      (type, f) -> new JsonObject().put("channel", f.getValue("channel")).put("typing", type.equals("typing_start")),
      null, null, Flow.PLAIN, Follow.NEVER),
  WORKFLOW_START(Verticle.ORCHESTRATOR, Addresses.WORKFLOW_START, List.of("user_input"),
      // No sessionId: a workflow runs in the connection's session (the caller's headers carry it).
      Body.only("content", "attachments", "workflow"),
      r -> reply("ack", r, "workflowId", "workflowName", "stream"),
      // Over HTTP the key also names the workflow, so a start repeated after a lost answer makes none.
      Http.post("/api/workflows", 201).keyField("requestKey")
          .answer(r -> pick(r, "workflowId", "sessionId", "workflowName", "stream")),
      Flow.PLAIN, Follow.ALWAYS),
  WORKFLOW_CANCEL(Verticle.ORCHESTRATOR, Addresses.WORKFLOW_CANCEL, List.of("cancel"), Body.only("workflowId"),
      r -> reply("cancelled", r, "workflowId", "success", "status"), null, Flow.PLAIN, Follow.NEVER),
  APPROVAL_RESPOND(Verticle.APPROVALS, Addresses.APPROVAL_RESPOND, List.of("approval_response"), Body.ALL,
      r -> reply("ack", r, "approvalId", "status", "workflowId"),
      Http.post("/api/approvals/:approvalId", 200), Flow.PLAIN, Follow.NEVER),

  CHANNELS_LIST(Verticle.ROUTER, Addresses.CHANNELS_LIST, List.of(), Body.ALL, null,
      Http.get("/api/channels"), Flow.PLAIN, Follow.NEVER),
  CHANNELS_CREATE(Verticle.ROUTER, Addresses.CHANNELS_CREATE, List.of(), Body.ALL, null,
      Http.post("/api/channels", 201), Flow.PLAIN, Follow.NEVER),
  CHANNEL_UPDATE(Verticle.ROUTER, Addresses.CHANNEL_UPDATE, List.of(), Body.ALL, null,
      Http.post("/api/channels/:channel", 200), Flow.PLAIN, Follow.NEVER),
  // Private channels and direct messages (PROTOCOL §7.1).
  CHANNEL_MEMBERS(Verticle.ROUTER, Addresses.CHANNEL_MEMBERS, List.of(), Body.ALL, null,
      Http.get("/api/channels/:channel/members"), Flow.PLAIN, Follow.NEVER),
  CHANNEL_MEMBER_ADD(Verticle.ROUTER, Addresses.CHANNEL_MEMBER_ADD, List.of(), Body.ALL, null,
      Http.post("/api/channels/:channel/members", 200), Flow.PLAIN, Follow.NEVER),
  CHANNEL_MEMBER_REMOVE(Verticle.ROUTER, Addresses.CHANNEL_MEMBER_REMOVE, List.of(), Body.ALL, null,
      Http.delete("/api/channels/:channel/members/:userId"), Flow.PLAIN, Follow.NEVER),
  CHANNEL_LEAVE(Verticle.ROUTER, Addresses.CHANNEL_LEAVE, List.of(), Body.ALL, null,
      Http.post("/api/channels/:channel/leave", 200), Flow.PLAIN, Follow.NEVER),
  DM_OPEN(Verticle.ROUTER, Addresses.DM_OPEN, List.of(), Body.ALL, null,
      Http.post("/api/dms", 200), Flow.PLAIN, Follow.NEVER),
  TEMPLATES(Verticle.ORCHESTRATOR, Addresses.WORKFLOW_TEMPLATES, List.of(), Body.ALL, null,
      Http.get("/api/templates"), Flow.PLAIN, Follow.NEVER),
  WORKFLOW_GET(Verticle.ORCHESTRATOR, Addresses.WORKFLOW_GET, List.of(), Body.ALL, null,
      Http.get("/api/workflows/:workflowId"), Flow.PLAIN, Follow.NEVER),
  WORKFLOW_LIST(Verticle.ORCHESTRATOR, Addresses.WORKFLOW_LIST, List.of(), Body.ALL, null,
      Http.get("/api/workflows").strings("sessionId"), Flow.PLAIN, Follow.NEVER),
  WORKFLOW_HTTP_CANCEL(Verticle.ORCHESTRATOR, Addresses.WORKFLOW_ACT, List.of(), Body.ALL, null,
      Http.post("/api/workflows/:workflowId/cancel", 200).with("action", "cancel"), Flow.PLAIN, Follow.NEVER),
  WORKFLOW_HTTP_PAUSE(Verticle.ORCHESTRATOR, Addresses.WORKFLOW_ACT, List.of(), Body.ALL, null,
      Http.post("/api/workflows/:workflowId/pause", 200).with("action", "pause"), Flow.PLAIN, Follow.NEVER),
  WORKFLOW_HTTP_RESUME(Verticle.ORCHESTRATOR, Addresses.WORKFLOW_ACT, List.of(), Body.ALL, null,
      Http.post("/api/workflows/:workflowId/resume", 200).with("action", "resume"), Flow.PLAIN, Follow.NEVER),
  // PROTOCOL §12: a stream read by cursor (the same path with Accept: text/event-stream is bridge.sse).
  STREAM_EVENTS(Verticle.ROUTER, Addresses.STREAM_EVENTS, List.of(), Body.ALL, null,
      Http.get("/api/streams/:stream/events").numbers("after", "limit"), Flow.PLAIN, Follow.NEVER),
  APPROVALS_LIST(Verticle.APPROVALS, Addresses.APPROVALS_LIST, List.of(), Body.ALL, null,
      Http.get("/api/approvals").strings("status"), Flow.PLAIN, Follow.NEVER),
  // The web UI's directory and history of its own (issue 15).
  ME(Verticle.ROUTER, Addresses.PROFILE_ME, List.of(), Body.ALL, null, Http.get("/api/me"), Flow.PLAIN, Follow.NEVER),
  ME_UPDATE(Verticle.ROUTER, Addresses.PROFILE_SET, List.of(), Body.ALL, null, Http.post("/api/me", 200), Flow.PLAIN,
      Follow.NEVER),
  USERS(Verticle.ROUTER, Addresses.PROFILE_DIRECTORY, List.of(), Body.ALL, null, Http.get("/api/users"), Flow.PLAIN,
      Follow.NEVER),
  SESSIONS_LIST(Verticle.ORCHESTRATOR, Addresses.SESSIONS_LIST, List.of(), Body.ALL, null, Http.get("/api/sessions"),
      Flow.PLAIN, Follow.NEVER);

  /** How a /ws frame's request goes out. */
  public enum Flow {
    PLAIN,
    /** One at a time per connection, in the order sent, so a user's own messages keep their order. */
    ORDERED
  }

  /**
   * Whether the connection follows its session stream before the request goes, because the request
   * may start a workflow in it: then none of the workflow's events is missed.
   */
  public enum Follow {
    NEVER,
    ALWAYS,
    /** Only for a slash command (such as /assign), which may start a workflow. */
    IF_COMMAND;

    public boolean before(JsonObject frame) {
      return this == ALWAYS || this == IF_COMMAND && frame.getValue("content") instanceof String s && s.startsWith("/");
    }
  }

  /** Which verticle serves it: requests stay on the node when it runs that verticle. */
  public final Verticle target;
  public final String address;
  /** The /ws frame types that ask for it (none: REST only). */
  public final List<String> frameTypes;
  /** The request body from (frame type, frame). */
  public final BiFunction<String, JsonObject, JsonObject> body;
  /** The /ws answer from the service's result; null: a bare {@code ack} when the frame had an id, else none. */
  public final Function<JsonObject, JsonObject> reply;
  /** Its REST route, or null. */
  public final Http http;
  public final Flow flow;
  public final Follow follow;

  Operation(Verticle target, String address, List<String> frameTypes, BiFunction<String, JsonObject, JsonObject> body,
      Function<JsonObject, JsonObject> reply, Http http, Flow flow, Follow follow) {
    this.target = target;
    this.address = address;
    this.frameTypes = frameTypes;
    this.body = body;
    this.reply = reply;
    this.http = http;
    this.flow = flow;
    this.follow = follow;
  }

  private static final Map<String, Operation> BY_FRAME = Map.ofEntries(Stream.of(values())
      .flatMap(op -> op.frameTypes.stream().map(t -> Map.entry(t, op))).toArray(Map.Entry[]::new));

  /** The operation a /ws frame type asks for, or null. */
  public static Operation ofFrame(String type) {
    return BY_FRAME.get(type);
  }

  /** Whether browsers may send to it over the SockJS bridge: its address is browser-visible. */
  public boolean browserVisible() {
    return address.startsWith(Addresses.BROWSER_PREFIX);
  }

  /** A thread reply's ack also says which thread it went to (the root's, for a reply to a reply). */
  private static JsonObject withThread(JsonObject ack, JsonObject result) {
    if (result.getValue("threadId") != null) {
      ack.put("threadId", result.getValue("threadId"));
    }
    // A repeat of an idempotency key is acknowledged again with the first one's seq.
    return result.getBoolean("duplicate", false) ? ack.put("duplicate", true) : ack;
  }

  /** The named fields of a result that it has. */
  private static JsonObject pick(JsonObject result, String... fields) {
    JsonObject out = new JsonObject();
    for (String k : fields) {
      if (result.getValue(k) != null) {
        out.put(k, result.getValue(k));
      }
    }
    return out;
  }

  private static JsonObject reply(String type, JsonObject result, String... fields) {
    JsonObject f = new JsonObject().put("type", type);
    for (String k : fields) {
      f.put(k, result.getValue(k));
    }
    return f;
  }

  /** Request bodies taken from frames. */
  static final class Body {
    /** The frame's fields without its own {@code type} and {@code id}. */
    static final BiFunction<String, JsonObject, JsonObject> ALL = (type, f) -> {
      JsonObject b = f.copy();
      b.remove("type");
      b.remove("id");
      return b;
    };

    /** Only the named fields, those present. */
    static BiFunction<String, JsonObject, JsonObject> only(String... fields) {
      return (type, f) -> {
        JsonObject b = new JsonObject();
        for (String k : fields) {
          if (f.containsKey(k)) {
            b.put(k, f.getValue(k));
          }
        }
        return b;
      };
    }

    private Body() {}
  }

  /**
   * A REST route: path parameters ({@code :field}), the listed query parameters and the fixed
   * fields become body fields of the same names; a POST's JSON object body is the rest.
   *
   * <p>A POST's {@code Idempotency-Key} is claimed around the request by the HTTP transport
   * ({@code internal.router.http-key.*}), which repeats the first answer to a repeat — unless the
   * service keeps the key itself, with what it writes, in one transaction ({@code claims} false).
   *
   * @param keyField the body field the key is also handed to the service in (null: none)
   * @param claims whether the transport claims the key (false: the service alone keeps it)
   * @param answer the HTTP body made from the service's result; null: the result as it is
   */
  public record Http(HttpMethod method, String path, int okStatus, List<String> numberParams, List<String> stringParams,
                     Map<String, String> fixed, String keyField, boolean claims, Function<JsonObject, JsonObject> answer) {

    static Http get(String path) {
      return new Http(HttpMethod.GET, path, 200, List.of(), List.of(), Map.of(), null, false, null);
    }

    static Http post(String path, int okStatus) {
      return new Http(HttpMethod.POST, path, okStatus, List.of(), List.of(), Map.of(), null, true, null);
    }

    /** A DELETE: a write like a POST (rate-counted), with no body and no idempotency key (it repeats safely). */
    static Http delete(String path) {
      return new Http(HttpMethod.DELETE, path, 200, List.of(), List.of(), Map.of(), null, false, null);
    }

    /** Query parameters that must be whole numbers (a bad one is INVALID_MESSAGE). */
    Http numbers(String... names) {
      return new Http(method, path, okStatus, List.of(names), stringParams, fixed, keyField, claims, answer);
    }

    Http strings(String... names) {
      return new Http(method, path, okStatus, numberParams, List.of(names), fixed, keyField, claims, answer);
    }

    /** A body field every request of the route has (which of several actions it is). */
    Http with(String field, String value) {
      java.util.Map<String, String> m = new java.util.LinkedHashMap<>(fixed);
      m.put(field, value);
      return new Http(method, path, okStatus, numberParams, stringParams, Map.copyOf(m), keyField, claims, answer);
    }

    Http keyField(String field) {
      return new Http(method, path, okStatus, numberParams, stringParams, fixed, field, claims, answer);
    }

    /** The service keeps the key with what it writes and answers a repeat itself ({@code duplicate}). */
    Http serviceKeeps() {
      return new Http(method, path, okStatus, numberParams, stringParams, fixed, keyField, false, answer);
    }

    Http answer(Function<JsonObject, JsonObject> shape) {
      return new Http(method, path, okStatus, numberParams, stringParams, fixed, keyField, claims, shape);
    }

    /** The HTTP body for a service's result. */
    public JsonObject body(JsonObject result) {
      return answer == null ? result : answer.apply(result);
    }

    /** A chat post that was a slash command answers 200 with its result, not 201. */
    public int status(JsonObject body) {
      return body.containsKey("commandResult") ? 200 : okStatus;
    }
  }
}
