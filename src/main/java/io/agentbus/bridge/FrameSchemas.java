package io.agentbus.bridge;

import io.agentbus.bus.ErrorCode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code /ws} and SockJS bridge frames as JSON Schema, published as an AsyncAPI 3.0 document
 * ({@code GET /api/asyncapi.json}, PROTOCOL §12). Each client frame comes with an example; the
 * contract test sends every example to a real node and every frame type the node dispatches must
 * have a schema here, so the document and the server cannot drift apart. The fields' rules (lengths,
 * names) are the services' (PROTOCOL §3); the schemas say the shape.
 */
public final class FrameSchemas {

  private FrameSchemas() {}

  /** The frame types {@code /ws} handles itself (the rest are the operation table's). */
  public static final List<String> CONNECTION_TYPES = List.of("auth", "ping", "subscribe", "unsubscribe",
      "agent_register", "task_progress", "task_result", "task_failed", "task_approval");

  private static JsonObject str() {
    return new JsonObject().put("type", "string");
  }

  private static JsonObject integer() {
    return new JsonObject().put("type", "integer");
  }

  private static JsonObject bool() {
    return new JsonObject().put("type", "boolean");
  }

  private static JsonObject strings() {
    return new JsonObject().put("type", "array").put("items", str());
  }

  private static JsonObject any() {
    return new JsonObject().put("type", "object");
  }

  private static final JsonObject ID = new JsonObject().put("oneOf", new JsonArray()
      .add(str().put("maxLength", 128)).add(new JsonObject().put("type", "number")))
      .put("description", "echoed as replyTo in the answer");

  /** A frame of {@code type} with fields as name, schema pairs ({@code name!} required). */
  private static JsonObject frame(String type, String description, Object... fields) {
    JsonObject props = new JsonObject().put("type", new JsonObject().put("const", type));
    JsonArray required = new JsonArray().add("type");
    for (int i = 0; i + 1 < fields.length; i += 2) {
      String n = (String) fields[i];
      if (n.endsWith("!")) {
        n = n.substring(0, n.length() - 1);
        required.add(n);
      }
      props.put(n, fields[i + 1]);
    }
    return new JsonObject().put("type", "object").put("description", description).put("properties", props)
        .put("required", required);
  }

  /** Client → server frames: schema and example, by type. */
  public static Map<String, JsonObject[]> client() {
    Map<String, JsonObject[]> m = new LinkedHashMap<>();
    m.put("auth", pair(frame("auth", "sign in (the first frame when the URL has no token): auth_response",
        "token", str(), "userId", str(), "role", str(), "session", str(), "id", ID),
        new JsonObject().put("type", "auth").put("token", "<a JWT>")));
    m.put("ping", pair(frame("ping", "pong", "id", ID), new JsonObject().put("type", "ping").put("id", "p1")));
    JsonObject[] target = {str(), str(), str()};
    m.put("subscribe", pair(frame("subscribe", "follow a stream: subscribed {stream, seq}, replaying seq > lastSeq first",
        "channel", target[0], "workflowId", target[1], "executionId", target[2], "sessionId", str(), "lastSeq",
        integer(), "id", ID), new JsonObject().put("type", "subscribe").put("channel", "general").put("lastSeq", 0)
        .put("id", "s1")));
    m.put("unsubscribe", pair(frame("unsubscribe", "unsubscribed {stream}", "channel", str(), "workflowId", str(),
        "executionId", str(), "id", ID), new JsonObject().put("type", "unsubscribe").put("channel", "general")
        .put("id", "u1")));
    JsonObject chat = frame("chat", "post to a channel: ack {stream, seq, messageId}; `/` commands: command_result",
        "channel!", str(), "content!", str(), "replyTo", str(), "threadId", str(), "mentions", strings(),
        "attachments", strings(), "idempotencyKey", str().put("maxLength", 128), "id", ID);
    m.put("chat", pair(chat, new JsonObject().put("type", "chat").put("channel", "general").put("content", "hello")
        .put("id", "c1")));
    m.put("message", pair(chat.copy().put("description", "alias of chat"), new JsonObject().put("type", "message")
        .put("channel", "general").put("content", "hello again").put("id", "c2")));
    m.put("user_input", pair(frame("user_input", "start a workflow in this session: ack {workflowId, stream}",
        "content!", str(), "workflow", str(), "attachments", strings(), "id", ID),
        new JsonObject().put("type", "user_input").put("content", "Build a login page").put("id", "w1")));
    m.put("approval_response", pair(frame("approval_response", "decide an approval: ack {approvalId, status}",
        "approvalId!", str(), "approved", bool(), "action", str(), "feedback", str(), "modifications", any(), "id", ID),
        new JsonObject().put("type", "approval_response").put("approvalId", "no-such-approval").put("approved", true)
            .put("id", "a1")));
    m.put("cancel", pair(frame("cancel", "cancel a workflow (default: the session's running one): cancelled",
        "workflowId", str(), "id", ID), new JsonObject().put("type", "cancel").put("workflowId", "no-such-workflow")
        .put("id", "x1")));
    for (String t : List.of("typing_start", "typing_stop")) {
      m.put(t, pair(frame(t, "typing_update to the channel's others (ephemeral)", "channel!", str(), "id", ID),
          new JsonObject().put("type", t).put("channel", "general").put("id", t)));
    }
    m.put("history", pair(frame("history", "message_history {channel, messages, hasMore}", "channel!", str(),
        "before", integer(), "after", integer(), "limit", integer(), "threadId", str(), "topLevel", bool(), "id", ID),
        new JsonObject().put("type", "history").put("channel", "general").put("limit", 10).put("id", "h1")));
    m.put("message_edit", pair(frame("message_edit", "edit one's message: ack, message_updated to all",
        "channel!", str(), "messageId!", str(), "content!", str(), "id", ID), new JsonObject()
        .put("type", "message_edit").put("channel", "general").put("messageId", "no-such-message")
        .put("content", "fixed").put("id", "e1")));
    m.put("message_delete", pair(frame("message_delete", "delete one's message: ack, message_deleted to all",
        "channel!", str(), "messageId!", str(), "id", ID), new JsonObject().put("type", "message_delete")
        .put("channel", "general").put("messageId", "no-such-message").put("id", "d1")));
    m.put("reaction", pair(frame("reaction", "add or remove an emoji: ack {counts}", "channel!", str(),
        "messageId!", str(), "emoji!", str(), "op", str(), "id", ID), new JsonObject().put("type", "reaction")
        .put("channel", "general").put("messageId", "no-such-message").put("emoji", "👍").put("id", "r1")));
    m.put("pin", pair(frame("pin", "pin or unpin a message", "channel!", str(), "messageId!", str(), "pinned", bool(),
        "id", ID), new JsonObject().put("type", "pin").put("channel", "general").put("messageId", "no-such-message")
        .put("pinned", true).put("id", "pn1")));
    m.put("pins", pair(frame("pins", "pins {channel, pins}", "channel!", str(), "id", ID), new JsonObject()
        .put("type", "pins").put("channel", "general").put("id", "ps1")));
    m.put("search", pair(frame("search", "search_results", "query!", str(), "channel", str(), "limit", integer(),
        "before", integer(), "id", ID), new JsonObject().put("type", "search").put("query", "hello").put("id", "q1")));
    m.put("read", pair(frame("read", "read marker: ack", "channel!", str(), "seq!", integer(), "id", ID),
        new JsonObject().put("type", "read").put("channel", "general").put("seq", 0).put("id", "rd1")));
    m.put("presence", pair(frame("presence", "presence {channel, online}", "channel!", str(), "id", ID),
        new JsonObject().put("type", "presence").put("channel", "general").put("id", "pr1")));
    m.put("agent_register", pair(frame("agent_register", "a worker serves roles: agent_registered", "roles!", strings(),
        "capacity", integer(), "id", ID), new JsonObject().put("type", "agent_register").put("roles", new JsonArray().add("code"))
        .put("id", "ar1")));
    m.put("task_progress", pair(frame("task_progress", "a worker's progress on a task it was given: ack",
        "taskId!", str(), "progress!", new JsonObject().put("type", "number").put("minimum", 0).put("maximum", 1),
        "currentTask", str(), "partialOutput", str(), "thinkingProcess", str(), "id", ID), new JsonObject()
        .put("type", "task_progress").put("taskId", "no-such-task").put("progress", 0.5).put("id", "tp1")));
    m.put("task_result", pair(frame("task_result", "a worker's result (once per idempotencyKey): ack",
        "taskId!", str(), "outputs", any(), "idempotencyKey", str().put("maxLength", 128), "id", ID), new JsonObject()
        .put("type", "task_result").put("taskId", "no-such-task").put("outputs", new JsonObject()).put("id", "tr1")));
    m.put("task_failed", pair(frame("task_failed", "a worker could not do the task: ack", "taskId!", str(),
        "error", str(), "id", ID), new JsonObject().put("type", "task_failed").put("taskId", "no-such-task")
        .put("error", "gave up").put("id", "tf1")));
    m.put("task_approval", pair(frame("task_approval", "a worker asks a human mid-task: a gate on its step "
        + "(approval_required to the approvers); answered approval_decided once decided or expired",
        "taskId!", str(), "title!", str(), "description", str(), "timeoutMinutes", integer(), "requiredBy", str(),
        "id", ID), new JsonObject().put("type", "task_approval").put("taskId", "no-such-task")
        .put("title", "Deploy to production?").put("id", "ta1")));
    // Any client frame may name the trace it belongs to: what it does is traced under it (when the node traces).
    m.values().forEach(p -> p[0].getJsonObject("properties").put("traceparent", str().put("maxLength", 128)
        .put("description", "W3C trace context (00-<trace id>-<span id>-<flags>): the frame's span continues that trace")));
    return m;
  }

  private static JsonObject[] pair(JsonObject schema, JsonObject example) {
    return new JsonObject[] {schema, example};
  }

  /** Server → client frames, by type. */
  public static Map<String, JsonObject> server() {
    Map<String, JsonObject> m = new LinkedHashMap<>();
    JsonObject persisted = new JsonObject().put("stream", str()).put("seq", integer()).put("timestamp", str());
    m.put("auth_response", frame("auth_response", "", "success!", bool(), "userId", str(), "roles", strings(),
        "sessionId", str()));
    m.put("pong", frame("pong", "", "replyTo", ID));
    m.put("ack", frame("ack", "the answer to a write", "replyTo", ID, "stream", str(), "seq", integer(),
        "messageId", str(), "duplicate", bool()));
    m.put("subscribed", frame("subscribed", "", "stream!", str(), "seq!", integer(), "replyTo", ID));
    m.put("unsubscribed", frame("unsubscribed", "", "stream!", str(), "replyTo", ID));
    for (String t : List.of("message", "message_edited", "message_updated", "message_deleted", "reaction_updated",
        "message_pinned", "thread_updated", "workflow_started", "agent_started", "agent_progress", "agent_completed", "agent_failed",
        "approval_required", "approval_resolved", "workflow_paused", "workflow_resumed", "workflow_completed",
        "workflow_failed", "cancelled", "files_uploaded", "node_lost")) {
      JsonObject f = frame(t, "a stored event (PROTOCOL §3, §7): stream and seq, then its fields");
      f.getJsonObject("properties").mergeIn(persisted);
      m.put(t, f.put("additionalProperties", true));
    }
    m.put("typing_update", frame("typing_update", "ephemeral", "channel!", str(), "users!", strings()));
    m.put("message_history", frame("message_history", "", "channel!", str(), "messages!", new JsonObject()
        .put("type", "array"), "hasMore!", bool()));
    m.put("approval_decided", frame("approval_decided", "the answer to task_approval", "taskId!", str(),
        "status!", str().put("enum", new JsonArray().add("approved").add("rejected").add("expired")), "decision", str(),
        "feedback", str(), "modifications", any(), "decidedBy", str(), "replyTo", ID));
    m.put("command_result", frame("command_result", "", "command", str(), "ok", bool(), "output", str()));
    JsonArray codes = new JsonArray();
    for (ErrorCode c : ErrorCode.values()) {
      codes.add(c.name());
    }
    m.put("error", frame("error", "a refusal (the connection stays usable)", "code!", str().put("enum", codes),
        "error!", str(), "recoverable", bool(), "replyTo", ID));
    return m;
  }

  /** The AsyncAPI 3.0 document of {@code /ws} (the SockJS bridge carries the same bodies). */
  public static JsonObject asyncApi() {
    JsonObject messages = new JsonObject();
    JsonArray send = new JsonArray();
    JsonArray receive = new JsonArray();
    client().forEach((type, p) -> {
      messages.put("client_" + type, new JsonObject().put("name", type).put("payload", p[0])
          .put("examples", new JsonArray().add(new JsonObject().put("payload", p[1]))));
      send.add(new JsonObject().put("$ref", "#/channels/ws/messages/client_" + type));
    });
    server().forEach((type, schema) -> {
      messages.put("server_" + type, new JsonObject().put("name", type).put("payload", schema));
      receive.add(new JsonObject().put("$ref", "#/channels/ws/messages/server_" + type));
    });
    return new JsonObject().put("asyncapi", "3.0.0")
        .put("info", new JsonObject().put("title", "agentbus /ws and SockJS frames").put("version", "1")
            .put("description", "One JSON object per text frame (PROTOCOL §3). A frame with `id` gets exactly one "
                + "answer carrying `replyTo`. The SockJS bridge (/eventbus) carries the same bodies on `agentbus.*` "
                + "addresses."))
        .put("channels", new JsonObject().put("ws", new JsonObject().put("address", "/ws")
            .put("messages", messages)))
        .put("operations", new JsonObject()
            .put("clientSends", new JsonObject().put("action", "receive").put("channel",
                new JsonObject().put("$ref", "#/channels/ws")).put("messages", send))
            .put("serverSends", new JsonObject().put("action", "send").put("channel",
                new JsonObject().put("$ref", "#/channels/ws")).put("messages", receive)));
  }
}
