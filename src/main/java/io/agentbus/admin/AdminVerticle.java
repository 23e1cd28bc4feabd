package io.agentbus.admin;

import io.agentbus.auth.TokenService;
import io.agentbus.bus.Addresses;
import io.agentbus.bus.AppException;
import io.agentbus.bus.ErrorCode;
import io.agentbus.config.AgentbusConfig;
import io.agentbus.node.NodeParts;
import io.agentbus.stream.StreamName;
import io.agentbus.stream.StreamStore;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator surface (see the package documentation): one bus address, {@code internal.admin.http},
 * to which the bridge hands each {@code /admin/*} call; every call is audited before it is answered.
 */
public final class AdminVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(AdminVerticle.class);
  static final int PAGE_MAX = 1000;

  private AdminAuth auth;
  private AdminBus bus;
  private AuditLog audit;
  private StreamStore streams;
  private int maxBody;
  private io.agentbus.auth.BrowserSessions sessions;

  private final NodeParts parts;

  public AdminVerticle(NodeParts parts) {
    this.parts = parts;
  }

  @Override
  public Future<?> start() {
    AgentbusConfig cfg = parts.config();
    Pool pool = parts.pool();
    TokenService tokens = parts.tokens();
    sessions = tokens.sessions();
    auth = new AdminAuth(cfg.admin().token(), tokens);
    bus = new AdminBus(vertx, cfg.admin().allowedAddresses(), cfg.runs(io.agentbus.config.Verticle.ROUTER));
    audit = new AuditLog(pool);
    streams = new StreamStore(pool);
    maxBody = cfg.admin().maxBodyBytes();
    return tokens.ready().compose(v -> vertx.eventBus().<JsonObject>consumer(Addresses.ADMIN_HTTP, this::onCall)
        .completion());
  }

  /** What the audit records of a call, filled in as it is handled. */
  private static final class Record {
    String actor;
    String address;
    String mode;
  }

  private void onCall(Message<JsonObject> m) {
    JsonObject in = m.body();
    String method = in.getString("method", "");
    String path = in.getString("path", "");
    String raw = in.getString("body");
    int bytes = in.getInteger("bodyBytes", raw == null ? 0 : raw.getBytes(StandardCharsets.UTF_8).length);
    Record rec = new Record();
    String[] seen = new String[1];
    Future<AdminBus.Answer> answer = in.getBoolean("tooLarge", false)
        ? Future.succeededFuture(new AdminBus.Answer(413, AdminBus.error(ErrorCode.PAYLOAD_TOO_LARGE,
            "the body is larger than " + maxBody + " bytes"), "refused"))
        : auth.actor(in.getString("authorization"), seen).compose(actor -> {
          rec.actor = actor;
          return route(method, path, in.getJsonObject("params", new JsonObject()), raw, rec);
        });
    Future<String> hash = raw == null ? Future.succeededFuture(null)
        : vertx.executeBlocking(() -> io.agentbus.bus.Hashing.sha256Hex(raw), false);
    answer.recover(err -> {
          AppException e = AppException.from(err);
          if (e.code == ErrorCode.INTERNAL_ERROR) {
            LOG.error("{} {} failed", method, path, err);
          }
          return Future.succeededFuture(new AdminBus.Answer(e.code.httpStatus, AdminBus.error(e.code, e.getMessage()),
              e.code == ErrorCode.NOT_AUTHENTICATED || e.code == ErrorCode.FORBIDDEN
                  || e.code == ErrorCode.INVALID_MESSAGE || e.code == ErrorCode.NOT_FOUND ? "refused" : "failed"));
        })
        .compose(a -> hash.compose(h -> audit.write(new AuditLog.Entry(rec.actor != null ? rec.actor : seen[0], method,
                path, rec.address, rec.mode, bytes, h, a.outcome(), a.status(), in.getString("remote"))))
            .map(v -> a)
            // Nothing is answered that is not on the record: without the audit row, 503.
            .otherwise(err -> {
              LOG.warn("admin audit write failed: {}", err.toString());
              return new AdminBus.Answer(503, AdminBus.error(ErrorCode.UNAVAILABLE,
                  "the audit trail cannot be written; retry shortly"), "failed");
            }))
        .onComplete(ar -> m.reply(new JsonObject().put("status", ar.result().status()).put("body", ar.result().body())));
  }

  private Future<AdminBus.Answer> route(String method, String path, JsonObject params, String raw, Record rec) {
    if (method.equals("POST") && path.equals("/admin/bus")) {
      JsonObject in;
      try {
        in = raw == null || raw.isBlank() ? new JsonObject() : new JsonObject(raw);
      } catch (DecodeException e) {
        throw AppException.invalid("the body must be a JSON object");
      }
      rec.address = in.getValue("address") instanceof String a ? a : null;
      rec.mode = in.getValue("mode") instanceof String md ? md : "publish";
      return bus.run(bus.parse(in), rec.actor);
    }
    if (method.equals("POST") && path.startsWith("/admin/users/") && path.endsWith("/revoke")) {
      // Signs a user out everywhere: every token of theirs issued before now refused, browser
      // sessions ended, live connections closed on every node (4401) within seconds.
      String user = URLDecoder.decode(path.substring("/admin/users/".length(), path.length() - "/revoke".length()),
          StandardCharsets.UTF_8);
      if (!io.agentbus.bus.Names.isUserId(user)) {
        throw AppException.invalid("'" + user + "' is no user id");
      }
      rec.address = "user:" + user;
      rec.mode = "revoke";
      return sessions.revokeUser(user, "revoked by " + rec.actor).map(n -> new AdminBus.Answer(200,
          new JsonObject().put("userId", user).put("revoked", true).put("browserSessions", n), "ok"));
    }
    if (!method.equals("GET")) {
      throw AppException.notFound("no admin resource " + method + " " + path);
    }
    if (path.equals("/admin/audit")) {
      Long before = number(params, "before");
      Long limit = number(params, "limit");
      return audit.page(before, (int) Math.min(limit == null ? 50 : Math.max(1, limit), 200))
          .map(p -> new AdminBus.Answer(200, p, "ok"));
    }
    if (path.equals("/admin/cluster")) {
      return ClusterView.gather(vertx).map(v -> new AdminBus.Answer(200, v, "ok"));
    }
    if (path.startsWith("/admin/streams/")) {
      String stream = URLDecoder.decode(path.substring("/admin/streams/".length()), StandardCharsets.UTF_8);
      if (StreamName.parse(stream) == null) {
        throw AppException.invalid("'" + stream + "' is no stream name (channel:, session:, workflow:, user:)");
      }
      rec.address = stream;
      Long after = number(params, "after");
      Long limit = number(params, "limit");
      int n = (int) Math.min(limit == null ? 100 : Math.max(1, limit), PAGE_MAX);
      return Future.all(streams.after(stream, after == null ? 0 : after, Long.MAX_VALUE, n + 1), streams.lastSeq(stream))
          .map(all -> {
            java.util.List<StreamStore.Event> events = all.resultAt(0);
            JsonArray out = new JsonArray();
            for (int i = 0; i < Math.min(n, events.size()); i++) {
              out.add(new JsonObject(events.get(i).frame()));
            }
            return new AdminBus.Answer(200, new JsonObject().put("stream", stream).put("events", out)
                .put("lastSeq", all.<Long>resultAt(1)).put("hasMore", events.size() > n), "ok");
          });
    }
    throw AppException.notFound("no admin resource " + path);
  }

  private static Long number(JsonObject params, String name) {
    Object v = params.getValue(name);
    if (v == null) {
      return null;
    }
    try {
      return Long.parseLong(String.valueOf(v));
    } catch (NumberFormatException e) {
      throw AppException.invalid("'" + name + "' must be a whole number");
    }
  }


}
