package io.agentbus.orchestrator;

import io.agentbus.bus.Addresses;
import io.agentbus.bus.Json;
import io.agentbus.bus.Requests;
import io.agentbus.orchestrator.agent.Agent;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A channel message that mentions agent roles ({@code @code please …}, seed 003): each mentioned
 * role gets the message as its task, and its answer is written in the same channel as a
 * {@code message} with {@code authorType: "agent"} as it is produced ({@link AgentAnswer}), replying
 * to the original (in its thread, when it was in one). A name that is neither a role nor a user is
 * answered by the system. Not a workflow: a quick exchange with no session; if this node stops
 * mid-answer the message stays "streaming" with the text so far (noticed, not resumed).
 */
final class Mentioned {

  private static final Logger LOG = LoggerFactory.getLogger(Mentioned.class);
  private static final int MAX_ROLES = 5;
  private static final long TIMEOUT_MS = 120_000;
  private final io.vertx.core.Vertx vertx;
  private final Catalog catalog;
  private final RoleAgents agents;

  Mentioned(io.vertx.core.Vertx vertx, Catalog catalog, RoleAgents agents) {
    this.vertx = vertx;
    this.catalog = catalog;
    this.agents = agents;
  }

  void answer(JsonObject message) {
    // A name is a role when the workflows file has it or a worker serves it now (asked cluster-wide).
    List<String> names = new ArrayList<>();
    if (message.getString("dmAgent") != null) {
      names.add(message.getString("dmAgent")); // a DM with an agent: every message is its task, no mention needed
    }
    for (Object m : message.getJsonArray("mentions", new JsonArray())) {
      if (m instanceof String name && !names.contains(name)) {
        names.add(name);
      }
    }
    List<Future<Boolean>> served = names.stream().map(agents::served).toList();
    Future.join(served).onComplete(x -> {
      Set<String> roles = new LinkedHashSet<>();
      List<String> others = new ArrayList<>();
      for (int i = 0; i < names.size(); i++) {
        if (Boolean.TRUE.equals(served.get(i).result()) && roles.size() < MAX_ROLES) {
          roles.add(names.get(i));
        } else if (!Boolean.TRUE.equals(served.get(i).result())) {
          others.add(names.get(i));
        }
      }
      if (!others.isEmpty()) {
        noSuchAgent(message, others);
      }
      ask(message, roles);
    });
  }

  /**
   * Each role answers in the channel as it works (§7.1): its message is stored at once, empty and
   * "streaming" (the page shows "Coder is thinking…"), grows with the agent's output and ends as an
   * ordinary message.
   */
  private void ask(JsonObject message, Set<String> roles) {
    for (String role : roles) {
      JsonObject start = reply(message, role, "agent", "").put("status", "streaming")
          .put("agentName", agents.name(role)).put("agentKind", agents.kind(role));
      vertx.eventBus().<JsonObject>request(Addresses.ROUTER_POST, start, Requests.control())
          .onSuccess(posted -> run(message, role, posted.body().getString("messageId")))
          .onFailure(e -> LOG.error("could not start the {} answer in {}", role, message.getString("channel"), e));
    }
  }

  private void run(JsonObject message, String role, String messageId) {
    Agent.Task task = new Agent.Task(Json.newId(), null, role, 1, message.getString("content"),
        message.getJsonArray("attachments", new JsonArray()), new JsonObject(), null,
        System.currentTimeMillis() + TIMEOUT_MS, null);
    Agent.Run[] run = new Agent.Run[1];
    AgentAnswer answer = new AgentAnswer(vertx, message.getString("channel"), messageId,
        () -> run[0].cancel("the answer was deleted"));
    run[0] = agents.of(role).start(task, p -> answer.grow(p.partialOutput()));
    long timer = vertx.setTimer(TIMEOUT_MS, id -> run[0].cancel("no answer in time"));
    run[0].result().onComplete(ar -> {
      vertx.cancelTimer(timer);
      if (ar.succeeded()) {
        answer.end("complete", textOf(ar.result().outputs()));
      } else {
        answer.end("failed", "I could not do that: " + ar.cause().getMessage());
      }
    });
  }

  /**
   * Names that are no agent role and no user who has signed in get one system reply saying so,
   * rather than silence: the sender learns of a typo, or which agents there are.
   */
  private void noSuchAgent(JsonObject message, List<String> names) {
    vertx.eventBus().<JsonObject>request(Addresses.ROUTER_KNOWN_USERS,
            new JsonObject().put("names", new JsonArray(names)), Requests.control())
        .onSuccess(known -> {
          List<String> unknown = names.stream().filter(n -> !known.body().getJsonArray("known").contains(n)).toList();
          if (unknown.isEmpty()) {
            return;
          }
          String list = String.join(", ", unknown.stream().map(n -> "@" + n).toList());
          post(message, "system", "system", list + (unknown.size() == 1 ? " is" : " are")
              + " no agent here and no user by that name has signed in. Agents: "
              + String.join(", ", catalog.roles().stream().map(r -> "@" + r).toList()) + ".");
        });
  }

  /** Posts a system message in the message's channel (and thread), replying to it, through the router. */
  private void post(JsonObject message, String author, String authorType, String text) {
    vertx.eventBus().request(Addresses.ROUTER_POST, reply(message, author, authorType, text), Requests.control())
        .onFailure(e -> LOG.error("could not post the {} answer in {}", author, message.getString("channel"), e));
  }

  /** A message answering {@code message}: same channel and thread, replying to it, mentioning its author. */
  private static JsonObject reply(JsonObject message, String author, String authorType, String text) {
    return new JsonObject().put("channel", message.getString("channel")).put("authorId", author)
        .put("authorType", authorType).put("content", text).put("replyTo", message.getString("messageId"))
        .put("threadId", message.getString("threadId"))
        .put("mentions", new JsonArray().add(message.getString("authorId")));
  }

  private static String textOf(JsonObject outputs) {
    Object t = outputs.getValue("text");
    return t instanceof String s && !s.isEmpty() ? s : outputs.encode();
  }
}
