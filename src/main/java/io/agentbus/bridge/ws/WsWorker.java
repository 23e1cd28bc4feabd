package io.agentbus.bridge.ws;

import io.agentbus.bus.AppException;
import io.agentbus.bus.Json;
import io.agentbus.orchestrator.agent.WorkerLink;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/**
 * The worker frames of one {@code /ws} connection ({@code agent_register}, {@code task_*}): a
 * connection with role {@code agent} becomes a worker through its {@link WorkerLink}; each frame
 * with an id gets one answer.
 */
final class WsWorker {

  private final WsConnection c;
  private WorkerLink link;

  WsWorker(WsConnection c) {
    this.c = c;
  }

  void onRegister(JsonObject f, Object id) {
    if (!c.principal.has("agent")) {
      throw AppException.forbidden("only a token with role 'agent' may register as a worker");
    }
    if (link == null) {
      link = new WorkerLink(c.bc.vertx().eventBus(), c::send);
    }
    answer(link.register(f), id);
  }

  void onTaskReport(String type, JsonObject f, Object id) {
    if (link == null || !link.registered()) {
      throw AppException.invalid("send agent_register before reporting on tasks");
    }
    String key = "task_result".equals(type) ? Json.optString(f, "idempotencyKey", 128) : null;
    // A worker asking a human mid-task is answered with the decision, once there is one.
    Future<JsonObject> answer = "task_approval".equals(type) ? link.askApproval(f)
        : key != null ? link.resultOnce(f, key, "worker:" + c.principal.userId(), c.bc.toRouter(c.principal)) : null;
    if (answer == null) {
      link.report(type, f);
      if (id != null) {
        c.send(WsConnection.reply("ack", id).put("taskId", f.getString("taskId")));
      }
      return;
    }
    // Applied once, a repeat acknowledged again: the worker link's rule (the bridge only carries).
    answer(answer, id);
  }

  private void answer(Future<JsonObject> answer, Object id) {
    answer.onComplete(ar -> {
      if (ar.succeeded()) {
        c.send(WsConnection.withReplyTo(ar.result(), id));
      } else {
        c.sendError(id, ar.cause());
      }
    });
  }

  void closed() {
    if (link != null) {
      link.close();
    }
  }
}
