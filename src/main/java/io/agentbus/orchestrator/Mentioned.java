package io.agentbus.orchestrator;

import io.agentbus.bus.Json;
import io.agentbus.orchestrator.agent.Agent;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashSet;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A channel message that mentions agent roles ({@code @code please …}, seed 003): each mentioned
 * role gets the message as its task, and its answer is posted in the same channel as a
 * {@code message} with {@code authorType: "agent"}, replying to the original. Not a workflow: a
 * quick exchange with no session; it is lost if this node stops mid-answer.
 */
final class Mentioned {

  private static final Logger LOG = LoggerFactory.getLogger(Mentioned.class);
  private static final int MAX_ROLES = 5;
  private static final long TIMEOUT_MS = 120_000;
  private final OrchestratorVerticle o;

  Mentioned(OrchestratorVerticle o) {
    this.o = o;
  }

  void answer(JsonObject message) {
    Set<String> roles = new LinkedHashSet<>();
    for (Object m : message.getJsonArray("mentions", new JsonArray())) {
      if (m instanceof String r && o.catalog().agent(r) != null && roles.size() < MAX_ROLES) {
        roles.add(r);
      }
    }
    String channel = message.getString("channel");
    for (String role : roles) {
      Agent.Task task = new Agent.Task(Json.newId(), null, role, 1, message.getString("content"),
          message.getJsonArray("attachments", new JsonArray()), new JsonObject(), null,
          System.currentTimeMillis() + TIMEOUT_MS);
      Agent.Run run = o.agent(role).start(task, p -> { });
      long timer = o.vertx().setTimer(TIMEOUT_MS, id -> run.cancel("no answer in time"));
      run.result().onComplete(ar -> {
        o.vertx().cancelTimer(timer);
        String text = ar.succeeded() ? textOf(ar.result().outputs())
            : "I could not do that: " + ar.cause().getMessage();
        JsonObject reply = new JsonObject().put("type", "message").put("messageId", Json.newId())
            .put("channel", channel).put("authorId", role).put("authorType", "agent").put("content", text)
            .put("replyTo", message.getString("messageId")).put("threadId", message.getString("threadId"))
            .put("mentions", new JsonArray().add(message.getString("authorId"))).put("attachments", new JsonArray())
            .put("timestamp", Json.now());
        o.emitter().channelMessage(channel, reply)
            .onFailure(e -> LOG.error("could not post the {} agent's answer in {}", role, channel, e));
      });
    }
  }

  private static String textOf(JsonObject outputs) {
    Object t = outputs.getValue("text");
    return t instanceof String s && !s.isEmpty() ? s : outputs.encode();
  }
}
