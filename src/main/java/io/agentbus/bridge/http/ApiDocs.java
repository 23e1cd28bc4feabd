package io.agentbus.bridge.http;

import io.agentbus.bridge.Operation;
import io.agentbus.bus.ErrorCode;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The published HTTP contract (PROTOCOL §12): {@code GET /api/openapi.json}, an OpenAPI 3.1
 * document made from the routes the node really mounted ({@link Router#getRoutes()}) and a
 * description of each — the table's routes described per {@link Operation}, the others below.
 * What is served and what is described cannot drift: {@link #build} refuses to start a node with
 * a served route it cannot describe, or a description of a route it does not serve.
 */
public final class ApiDocs {

  /** The prefixes whose every route is described (wildcards and the UI's static files are not routes of the API). */
  static final List<String> DESCRIBED = List.of("/api/", "/admin/", "/agui/", "/health", "/metrics");

  /** What one route does: its summary, tag, request body and answer schemas, and whether it needs a token. */
  record Doc(String summary, String tag, JsonObject request, JsonObject answer, int ok, boolean auth, String produces) {}

  private ApiDocs() {}

  // ---------------------------------------------------------------- schema helpers

  static JsonObject str() {
    return new JsonObject().put("type", "string");
  }

  static JsonObject integer() {
    return new JsonObject().put("type", "integer");
  }

  static JsonObject bool() {
    return new JsonObject().put("type", "boolean");
  }

  static JsonObject array(JsonObject items) {
    return new JsonObject().put("type", "array").put("items", items);
  }

  static JsonObject any() {
    return new JsonObject().put("type", "object");
  }

  /** An object with properties given as name, schema pairs; a name ending in {@code !} is required. */
  static JsonObject obj(Object... nameSchema) {
    JsonObject props = new JsonObject();
    JsonArray required = new JsonArray();
    for (int i = 0; i + 1 < nameSchema.length; i += 2) {
      String name = (String) nameSchema[i];
      if (name.endsWith("!")) {
        name = name.substring(0, name.length() - 1);
        required.add(name);
      }
      props.put(name, nameSchema[i + 1]);
    }
    JsonObject o = new JsonObject().put("type", "object").put("properties", props);
    return required.isEmpty() ? o : o.put("required", required);
  }

  private static final JsonObject EVENT = any().put("description",
      "a stream event as /ws delivers it: stream, seq, type and the event's fields (AsyncAPI: /api/asyncapi.json)");
  private static final JsonObject PAGE = obj("stream!", str(), "events!", array(EVENT), "lastSeq!", integer(),
      "hasMore!", bool());

  // ---------------------------------------------------------------- the table's routes

  /** Every table operation with a REST route, described; {@link #build} checks none is missing. */
  static final Map<Operation, Doc> TABLE = new EnumMap<>(Operation.class);

  static {
    TABLE.put(Operation.CHAT, new Doc("Post a message to a channel (a backend's post; `/` commands run as in the UI)",
        "chat", obj("content!", str(), "threadId", str(), "replyTo", str(), "mentions", array(str()),
            "attachments", array(str())),
        obj("messageId!", str(), "stream!", str(), "seq!", integer(), "threadId", str()), 201, true, null));
    TABLE.put(Operation.HISTORY, new Doc("A channel's history, newest page first (`before`/`after` seqs)", "chat", null,
        obj("channel!", str(), "messages!", array(any()), "hasMore!", bool()), 200, true, null));
    TABLE.put(Operation.PINS, new Doc("A channel's pinned messages", "chat", null,
        obj("channel!", str(), "pins!", array(any())), 200, true, null));
    TABLE.put(Operation.SEARCH, new Doc("Search messages (`q`, optionally in one `channel`)", "chat", null,
        obj("query!", str(), "results!", array(any()), "hasMore!", bool(), "nextBefore", integer()), 200, true, null));
    TABLE.put(Operation.READ, new Doc("Mark a channel read up to a seq", "chat", obj("seq!", integer()),
        obj("channel!", str(), "seq!", integer()), 200, true, null));
    TABLE.put(Operation.PRESENCE, new Doc("Who is online in a channel, cluster-wide", "chat", null,
        obj("channel!", str(), "online!", array(any())), 200, true, null));
    TABLE.put(Operation.WORKFLOW_START, new Doc("Start a workflow (in `sessionId`, or a new session of its own); "
        + "the Idempotency-Key also names the workflow", "workflows",
        obj("content!", str(), "workflow", str(), "sessionId", str(), "attachments", array(str())),
        obj("workflowId!", str(), "sessionId!", str(), "workflowName", str(), "stream", str()), 201, true, null));
    TABLE.put(Operation.APPROVAL_RESPOND, new Doc("Decide an approval", "approvals",
        obj("approved!", bool(), "feedback", str(), "modifications", any()),
        obj("approvalId!", str(), "status!", str(), "workflowId", str()), 200, true, null));
    TABLE.put(Operation.CHANNELS_LIST, new Doc("List channels", "chat", null, obj("channels!", array(any())), 200, true,
        null));
    TABLE.put(Operation.CHANNELS_CREATE, new Doc("Create a channel (private with members: `private: true`, `members`)",
        "chat", obj("name!", str(), "description", str(), "writeRoles", array(str()), "private", bool(),
            "members", array(str())), any(), 201, true, null));
    TABLE.put(Operation.CHANNEL_UPDATE, new Doc("Rename (its title), describe, archive or restore a channel (its "
        + "creator or an admin)", "chat", obj("title", str(), "description", str(), "archived", bool()), any(), 200, true,
        null));
    TABLE.put(Operation.CHANNEL_MEMBERS, new Doc("The members of a private channel (members only)", "chat", null,
        obj("channel!", str(), "createdBy", str(), "members!", array(any())), 200, true, null));
    TABLE.put(Operation.CHANNEL_MEMBER_ADD, new Doc("Add a member to a private channel (its creator or an admin)", "chat",
        obj("userId!", str()), obj("channel!", str(), "userId!", str(), "added!", bool()), 200, true, null));
    TABLE.put(Operation.CHANNEL_MEMBER_REMOVE, new Doc("Remove a member (its creator or an admin; anyone removes "
        + "themselves); their live subscriptions end on every node", "chat", null,
        obj("channel!", str(), "userId!", str(), "removed!", bool()), 200, true, null));
    TABLE.put(Operation.CHANNEL_LEAVE, new Doc("Leave a private channel or DM", "chat", null,
        obj("channel!", str(), "userId!", str(), "removed!", bool()), 200, true, null));
    TABLE.put(Operation.DM_OPEN, new Doc("The direct message with a user or `@role` (the same channel from either side)",
        "chat", obj("with!", str()), obj("channel!", str(), "type!", str(), "with!", str()), 200, true, null));
    TABLE.put(Operation.TEMPLATES, new Doc("The workflow templates this cluster runs", "workflows", null, any(), 200,
        true, null));
    TABLE.put(Operation.WORKFLOW_GET, new Doc("A workflow with its events", "workflows", null,
        obj("workflowId!", str(), "name", str(), "status!", str(), "sessionId", str(), "events", array(EVENT)), 200,
        true, null));
    TABLE.put(Operation.WORKFLOW_LIST, new Doc("The caller's workflows (optionally of one `sessionId`)", "workflows",
        null, any(), 200, true, null));
    JsonObject control = obj("workflowId!", str(), "status!", str(), "pending", bool());
    TABLE.put(Operation.WORKFLOW_HTTP_CANCEL, new Doc("Cancel a workflow (409 when it already ended)", "workflows",
        null, control, 200, true, null));
    TABLE.put(Operation.WORKFLOW_HTTP_PAUSE, new Doc("Pause a workflow after its running step (409 when it ended)",
        "workflows", null, control, 200, true, null));
    TABLE.put(Operation.WORKFLOW_HTTP_RESUME, new Doc("Resume a paused workflow (409 when it is not paused or ended)",
        "workflows", null, control, 200, true, null));
    TABLE.put(Operation.STREAM_EVENTS, new Doc("A stream's events after a seq (`after`, `limit` 1-500), as a JSON page; "
        + "with `Accept: text/event-stream`, server-sent events (`id:` = seq, resumes after `Last-Event-ID`, "
        + "keep-alives)", "streams", null, PAGE, 200, true, "text/event-stream"));
    TABLE.put(Operation.APPROVALS_LIST, new Doc("Approvals the caller may decide or see (`status`)", "approvals", null,
        any(), 200, true, null));
    TABLE.put(Operation.ME, new Doc("The caller's profile", "users", null, any(), 200, true, null));
    TABLE.put(Operation.ME_UPDATE, new Doc("Set the caller's display name", "users", obj("displayName!", str()), any(),
        200, true, null));
    TABLE.put(Operation.USERS, new Doc("The user directory", "users", null, any(), 200, true, null));
    TABLE.put(Operation.SESSIONS_LIST, new Doc("The caller's sessions", "workflows", null, any(), 200, true, null));
  }

  // ---------------------------------------------------------------- the other routes

  /** Routes outside the table, by {@code METHOD path} (Vert.x's {@code :param} form). */
  static final Map<String, Doc> OTHERS = new LinkedHashMap<>();

  static {
    OTHERS.put("POST /api/auth/token", new Doc("Dev login: a token for a user id and roles (dev profile only)", "auth",
        obj("userId!", str(), "roles", array(str())), obj("token!", str(), "userId", str(), "roles", array(str())), 200,
        false, null));
    OTHERS.put("GET /api/auth/config", new Doc("What a client needs before it signs in (public)", "auth", null, any(),
        200, false, null));
    OTHERS.put("POST /api/upload", new Doc("Upload files (multipart: `sessionId` and file parts)", "files", null,
        obj("status!", str(), "files!", array(any())), 200, true, null));
    OTHERS.put("GET /api/files/:fileId", new Doc("Download a file (`Range` supported)", "files", null, null, 200, true,
        "application/octet-stream"));
    OTHERS.put("HEAD /api/files/:fileId", new Doc("A file's headers", "files", null, null, 200, true, null));
    OTHERS.put("DELETE /api/files/:fileId", new Doc("Delete a file (its uploader)", "files", null, any(), 200, true,
        null));
    OTHERS.put("GET /api/openapi.json", new Doc("This document", "contract", null, any(), 200, false, null));
    OTHERS.put("GET /api/asyncapi.json", new Doc("The /ws and SockJS bridge frames (AsyncAPI 3.0 with JSON Schema)",
        "contract", null, any(), 200, false, null));
    OTHERS.put("GET /health", new Doc("Health: database, cluster, verticles (503 when DOWN)", "operations", null,
        obj("status!", str(), "nodeId", str(), "checks", any()), 200, false, null));
    OTHERS.put("GET /health/ready", new Doc("Readiness (503 when not ready or draining)", "operations", null, any(),
        200, false, null));
    OTHERS.put("GET /health/live", new Doc("Liveness", "operations", null, any(), 200, false, null));
    JsonObject runInput = obj("threadId!", str(), "runId!", str(), "messages!", array(any()), "state", any(),
        "tools", array(any()), "context", array(any()), "forwardedProps", any(), "resume", array(any()));
    OTHERS.put("POST /agui", new Doc("AG-UI 1.0: run a workflow (forwardedProps.workflow names the template) or answer its "
        + "gate (resume[]), streamed as AG-UI events with a cursor in each id: line (PROTOCOL §11)", "agui", runInput, null,
        200, true, "text/event-stream"));
    OTHERS.put("GET /agui/threads/:threadId/runs/:runId/events", new Doc("AG-UI: resume a run after Last-Event-ID "
        + "(or ?after=), on any node; without a cursor, join it (MESSAGES_SNAPSHOT, STATE_SNAPSHOT)", "agui", null, null,
        200, true, "text/event-stream"));
    OTHERS.put("DELETE /agui/threads/:threadId/runs/:runId", new Doc("AG-UI: cancel a run (409 once it ended)", "agui",
        null, any(), 202, true, null));
    OTHERS.put("GET /metrics", new Doc("Prometheus metrics", "operations", null, null, 200, false,
        "text/plain"));
  }

  /**
   * Routes the admin verticle serves behind {@code /admin/*} (one bus address for every call, so
   * they are not separate routes of this router); the admin token or the {@code admin} role.
   */
  static final Map<String, Doc> ADMIN = new LinkedHashMap<>();

  static {
    ADMIN.put("POST /admin/bus", new Doc("Send, publish or request on an allowed bus address (audited)", "admin",
        obj("address!", str(), "body", any(), "mode", str(), "headers", any(), "timeoutMs", integer()), any(), 200, true,
        null));
    ADMIN.put("GET /admin/cluster", new Doc("Every member: node id, connections, streams, version", "admin", null,
        any(), 200, true, null));
    ADMIN.put("GET /admin/audit", new Doc("The audit trail, newest first (`before`, `limit`)", "admin", null, any(),
        200, true, null));
    ADMIN.put("GET /admin/streams/:stream", new Doc("Any stream's events by cursor (`after`, `limit`)", "admin", null,
        PAGE, 200, true, null));
  }

  /**
   * The document for what {@code router} serves. Fails when a served route under {@link #DESCRIBED}
   * has no description, a description's route is not served, or a table route is undescribed.
   */
  public static JsonObject build(Router router) {
    Map<String, Doc> served = new TreeMap<>();
    List<String> undescribed = new ArrayList<>();
    Map<String, Doc> byRoute = new LinkedHashMap<>(OTHERS);
    for (Operation op : Operation.values()) {
      if (op.http != null) {
        Doc d = TABLE.get(op);
        if (d == null) {
          undescribed.add(op.name() + " (" + op.http.method() + " " + op.http.path() + ")");
        } else {
          byRoute.put(op.http.method().name() + " " + op.http.path(), d);
        }
      }
    }
    for (Route r : router.getRoutes()) {
      String path = r.getPath();
      if (path == null || !r.isExactPath() || DESCRIBED.stream().noneMatch(p -> path.startsWith(p) || path.equals(
          p.replaceAll("/$", "")))) {
        continue;
      }
      Set<HttpMethod> methods = r.methods() == null || r.methods().isEmpty() ? Set.of(HttpMethod.GET) : r.methods();
      for (HttpMethod m : methods) {
        String key = m.name() + " " + path;
        Doc d = byRoute.get(key);
        if (d == null) {
          undescribed.add(key);
        } else {
          served.put(key, d);
        }
      }
    }
    List<String> unserved = new ArrayList<>();
    for (String key : byRoute.keySet()) {
      if (!served.containsKey(key)) {
        unserved.add(key);
      }
    }
    if (!undescribed.isEmpty() || !unserved.isEmpty()) {
      throw new IllegalStateException("the HTTP contract and the routes differ: served but undescribed " + undescribed
          + ", described but not served " + unserved);
    }
    served.putAll(ADMIN);
    return document(served);
  }

  private static JsonObject document(Map<String, Doc> routes) {
    JsonObject paths = new JsonObject();
    for (Map.Entry<String, Doc> e : routes.entrySet()) {
      String method = e.getKey().substring(0, e.getKey().indexOf(' ')).toLowerCase(java.util.Locale.ROOT);
      String path = e.getKey().substring(e.getKey().indexOf(' ') + 1);
      String api = path.replaceAll(":([A-Za-z]+)", "{$1}");
      JsonObject item = paths.getJsonObject(api);
      if (item == null) {
        item = new JsonObject();
        paths.put(api, item);
      }
      item.put(method, operation(method, path, e.getValue()));
    }
    JsonArray errorCodes = new JsonArray();
    for (ErrorCode c : ErrorCode.values()) {
      errorCodes.add(c.name());
    }
    return new JsonObject().put("openapi", "3.1.0")
        .put("info", new JsonObject().put("title", "agentbus HTTP API").put("version", "1")
            .put("description", "HTTP for browsers and backends (PROTOCOL §5, §12). Writes take `Idempotency-Key` "
                + "(24 h, any node; the same key with another body is 409; a repeat answers the first answer with "
                + "`Idempotent-Replayed: true`). Writes are rate limited per user (429 with `Retry-After`). Errors are "
                + "`{status: \"error\", code, message}`."))
        .put("servers", new JsonArray().add(new JsonObject().put("url", "/")))
        .put("paths", paths)
        .put("components", new JsonObject()
            .put("securitySchemes", new JsonObject().put("bearer", new JsonObject().put("type", "http")
                .put("scheme", "bearer").put("bearerFormat", "JWT"))
                .put("cookie", new JsonObject().put("type", "apiKey").put("in", "cookie").put("name", "agentbus_token")
                    .put("description", "a browser's JWT; a POST signed by it must be application/json")))
            .put("schemas", new JsonObject().put("Error", obj("status!", new JsonObject().put("const", "error"),
                "code!", new JsonObject().put("type", "string").put("enum", errorCodes), "message!", str()))));
  }

  private static JsonObject operation(String method, String path, Doc d) {
    JsonObject op = new JsonObject().put("summary", d.summary()).put("tags", new JsonArray().add(d.tag()))
        .put("operationId", method + path.replaceAll("[^A-Za-z0-9]+", "_"));
    JsonArray params = new JsonArray();
    java.util.regex.Matcher m = java.util.regex.Pattern.compile(":([A-Za-z]+)").matcher(path);
    while (m.find()) {
      params.add(new JsonObject().put("name", m.group(1)).put("in", "path").put("required", true).put("schema", str()));
    }
    queryParams(path, method, params);
    if ("post".equals(method) && (path.startsWith("/api/") && !path.equals("/api/auth/token")
        && !path.equals("/api/upload"))) {
      params.add(new JsonObject().put("name", "Idempotency-Key").put("in", "header").put("required", false)
          .put("schema", str().put("maxLength", KeyedWrites.KEY_MAX)));
    }
    if (!params.isEmpty()) {
      op.put("parameters", params);
    }
    if (d.request() != null) {
      op.put("requestBody", new JsonObject().put("required", true).put("content", new JsonObject()
          .put("application/json", new JsonObject().put("schema", d.request()))));
    }
    JsonObject ok = new JsonObject().put("description", "ok");
    JsonObject content = new JsonObject();
    if (d.answer() != null) {
      content.put("application/json", new JsonObject().put("schema", d.answer()));
    }
    if (d.produces() != null) {
      content.put(d.produces(), new JsonObject().put("schema", str()));
    }
    if (!content.isEmpty()) {
      ok.put("content", content);
    }
    JsonObject responses = new JsonObject().put(String.valueOf(d.ok()), ok);
    JsonObject error = new JsonObject().put("content", new JsonObject().put("application/json",
        new JsonObject().put("schema", new JsonObject().put("$ref", "#/components/schemas/Error"))));
    Set<Integer> codes = new TreeSet<>(List.of(400));
    if (d.auth()) {
      codes.addAll(List.of(401, 403, 404));
      op.put("security", new JsonArray().add(new JsonObject().put("bearer", new JsonArray()))
          .add(new JsonObject().put("cookie", new JsonArray())));
    }
    if ("post".equals(method)) {
      codes.addAll(List.of(409, 413, 415, 429));
    }
    if (path.endsWith("/events") && path.startsWith("/agui/")) {
      codes.add(410); // a cursor into an event log no longer kept
    }
    codes.add(503);
    for (int c : codes) {
      responses.put(String.valueOf(c), error.copy().put("description", "a coded error (`code`, `message`)"));
    }
    return op.put("responses", responses);
  }

  /** The table's query parameters of a route. */
  private static void queryParams(String path, String method, JsonArray params) {
    for (Operation op : Operation.values()) {
      if (op.http != null && op.http.path().equals(path) && op.http.method().name().equalsIgnoreCase(method)) {
        op.http.numberParams().forEach(p -> params.add(new JsonObject().put("name", p).put("in", "query")
            .put("schema", integer())));
        op.http.stringParams().forEach(p -> params.add(new JsonObject().put("name", p).put("in", "query")
            .put("schema", str())));
      }
    }
  }
}
