package io.agentbus.router;

import io.agentbus.bus.Addresses;
import io.agentbus.bus.AppException;
import io.agentbus.bus.CommandResult;
import io.agentbus.bus.Json;
import io.agentbus.bus.MessageFrame;
import io.agentbus.bus.Principal;
import io.agentbus.bus.Requests;
import io.agentbus.bus.Services;
import io.agentbus.bus.SlashCommand;
import io.agentbus.config.AgentbusConfig;
import io.agentbus.config.Sections;
import io.agentbus.node.NodeParts;
import io.agentbus.stream.Interest;
import io.agentbus.stream.StreamName;
import io.agentbus.stream.StreamStore;
import io.agentbus.stream.StreamWriter;
import io.agentbus.uploads.Attachments;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The message router: the one place where requests from every transport (/ws, SockJS bridge,
 * HTTP) are validated, authorised, persisted with a seq and published. Transports put the caller
 * in headers ({@link Principal}); bodies are JSON objects with the fields of PROTOCOL §3/§4.
 */
public final class RouterVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(RouterVerticle.class);
  private static final int ID_MAX = 128;

  private Pool pool;
  private StreamStore streams;
  private StreamWriter writer;
  private final Interest interest = new Interest();
  private int maxContent;
  private Channels channels;
  private MessageChanges changes;
  private Reads reads;
  private Idempotency idempotency;
  private boolean runsOrchestrator;
  private boolean runsApprovals;
  private ReadRights rights;

  private final NodeParts parts;

  public RouterVerticle(NodeParts parts) {
    this.parts = parts;
  }

  @Override
  public Future<?> start() {
    AgentbusConfig cfg = parts.config();
    Sections.Limits limits = cfg.limits();
    runsOrchestrator = cfg.runs(io.agentbus.config.Verticle.ORCHESTRATOR);
    runsApprovals = cfg.runs(io.agentbus.config.Verticle.APPROVALS);
    maxContent = limits.maxContentChars();
    pool = parts.pool();
    streams = new StreamStore(pool);
    writer = new StreamWriter(vertx, streams, interest, parts.metrics());
    channels = new Channels(pool);
    idempotency = new Idempotency(pool, writer, limits.idempotencyTtlHours());
    vertx.setPeriodic(10 * 60_000L, id -> idempotency.sweep());
    changes = new MessageChanges(pool, writer, channels, maxContent);
    reads = new Reads(vertx, pool, parts.searchPool(), streams, channels, limits.historyDefault(), limits.historyMax());
    List<MessageConsumer<?>> consumers = new ArrayList<>(List.of(interest.listen(vertx)));
    serve(consumers, Addresses.CHAT_SEND, this::chatSend);
    serve(consumers, Addresses.ROUTER_POST, this::systemPost);
    serve(consumers, Addresses.ROUTER_AGENT_UPDATE, new AgentAnswers(writer, maxContent)::update);
    serve(consumers, Addresses.ROUTER_ADMIN_PUBLISH, this::adminPublish);
    serve(consumers, Addresses.ROUTER_IDEMPOTENT_RECORD, m -> idempotency.remember(
        Json.requireString(body(m), "principal", 200), Json.requireString(body(m), "key", Idempotency.KEY_MAX),
        body(m).getJsonObject("result")));
    serve(consumers, Addresses.ROUTER_IDEMPOTENT_LOOKUP, m -> idempotency.lookup(
        Json.requireString(body(m), "principal", 200), Json.requireString(body(m), "key", Idempotency.KEY_MAX)));
    serve(consumers, Addresses.HISTORY, reads::history);
    serve(consumers, Addresses.CHAT_PINS, reads::pins);
    serve(consumers, Addresses.CHAT_SEARCH, reads::search);
    serve(consumers, Addresses.CHAT_READ, reads::read);
    serve(consumers, Addresses.CHAT_EDIT, changes::edit);
    serve(consumers, Addresses.CHAT_DELETE, changes::delete);
    serve(consumers, Addresses.CHAT_REACTION, changes::reaction);
    serve(consumers, Addresses.CHAT_PIN, changes::pin);
    serve(consumers, Addresses.TYPING, this::typing);
    rights = new ReadRights(vertx, pool, channels, runsOrchestrator);
    serve(consumers, Addresses.SUBSCRIBE_CHECK, this::subscribeCheck);
    HttpKeys httpKeys = new HttpKeys(pool, limits.idempotencyTtlHours());
    serve(consumers, Addresses.HTTP_KEY_CLAIM, m -> httpKeys.claim(Principal.of(m).userId(),
        Json.requireString(body(m), "route", 200), Json.requireString(body(m), "key", Idempotency.KEY_MAX),
        Json.requireString(body(m), "fingerprint", 64)));
    serve(consumers, Addresses.HTTP_KEY_RECORD, m -> httpKeys.record(Principal.of(m).userId(),
        Json.requireString(body(m), "route", 200), Json.requireString(body(m), "key", Idempotency.KEY_MAX),
        Json.requireString(body(m), "fingerprint", 64), body(m).getInteger("status"), body(m).getJsonObject("body")));
    serve(consumers, Addresses.HTTP_KEY_RELEASE, m -> httpKeys.release(Principal.of(m).userId(),
        Json.requireString(body(m), "route", 200), Json.requireString(body(m), "key", Idempotency.KEY_MAX),
        Json.requireString(body(m), "fingerprint", 64)));
    StreamPages pages = new StreamPages(streams, rights);
    serve(consumers, Addresses.STREAM_EVENTS, pages::page);
    serve(consumers, Addresses.SESSION_CLAIM, this::sessionClaim);
    Memberships memberships = new Memberships(vertx, pool, channels);
    ChannelRequests channelRequests = new ChannelRequests(pool, streams, channels, reads, memberships);
    serve(consumers, Addresses.CHANNELS_LIST, channelRequests::list);
    serve(consumers, Addresses.CHANNELS_CREATE, channelRequests::create);
    serve(consumers, Addresses.CHANNEL_UPDATE, channelRequests::update);
    // A channel renamed or archived on any node: this router reads it again next time.
    consumers.add(vertx.eventBus().<JsonObject>consumer(Addresses.CHANNELS_CHANGED,
        m -> channels.forget(m.body().getString("channel"))));
    serve(consumers, Addresses.CHANNEL_MEMBERS, memberships::members);
    serve(consumers, Addresses.CHANNEL_MEMBER_ADD, memberships::add);
    serve(consumers, Addresses.CHANNEL_MEMBER_REMOVE, memberships::remove);
    serve(consumers, Addresses.CHANNEL_LEAVE, memberships::leave);
    serve(consumers, Addresses.DM_OPEN, memberships::dm);
    serve(consumers, Addresses.ROUTER_KNOWN_USERS, memberships::knownUsers);
    Profiles profiles = new Profiles(pool);
    serve(consumers, Addresses.PROFILE_ME, profiles::me);
    serve(consumers, Addresses.PROFILE_SET, profiles::setName);
    serve(consumers, Addresses.PROFILE_DIRECTORY, profiles::directory);
    return Future.all(consumers.stream().map(MessageConsumer::completion).toList());
  }

  /** A shutdown: what was accepted is committed (and acknowledged) before the router goes. */
  @Override
  public Future<?> stop() {
    return writer.drained(5_000);
  }

  /** Serves the address and its aliases ({@link Addresses#ALIASES}). */
  private void serve(List<MessageConsumer<?>> into, String address,
      Function<Message<Object>, Future<JsonObject>> handler) {
    for (String a : Addresses.withAliases(address)) {
      into.add(Services.serve(vertx, LOG, a, handler));
    }
  }

  private static JsonObject body(Message<Object> msg) {
    return Services.body(msg);
  }

  private static String channelName(JsonObject body) {
    return Reads.channelName(body);
  }

  private Future<Channel> channel(String name) {
    return channels.get(name);
  }

  // ---- chat ----

  private Future<JsonObject> chatSend(Message<Object> msg) {
    Principal who = Principal.of(msg);
    JsonObject in = body(msg);
    String name = channelName(in);
    String content = Json.requireText(in, "content", maxContent);
    String replyTo = Json.optString(in, "replyTo", ID_MAX);
    String threadId = Json.optString(in, "threadId", ID_MAX);
    if (threadId != null && threadId.isEmpty()) {
      throw AppException.invalid("'threadId' must not be empty");
    }
    JsonArray mentions = Json.optStringArray(in, "mentions", 50, 64);
    JsonArray attachments = Json.optStringArray(in, "attachments", 20, ID_MAX);
    String key = idempotencyKey(in);
    return channels.visible(name, who).compose(ch -> {
      if (ch.archived()) {
        return Future.failedFuture(AppException.forbidden("channel '" + name + "' is archived: it takes no new messages"));
      }
      if (!ch.mayWrite(who)) {
        return Future.failedFuture(AppException.forbidden("posting in '" + name + "' needs one of the roles "
            + ch.writeRoles()));
      }
      if (content.startsWith("/")) {
        return command(msg, content, name, attachments).map(r -> new JsonObject().put("commandResult", r));
      }
      // The caller's own files, checked by the uploads verticle; then anyone who reads the channel may download them.
      return Attachments.attach(vertx, Requests.onBehalfOf(msg), attachments, "channel", name)
          .compose(files -> post(new JsonObject()
              .put("type", "message").put("messageId", Json.newId()).put("channel", name)
              .put("authorId", who.userId()).put("authorType", "user").put("content", content)
              .put("replyTo", replyTo).put("threadId", threadId)
              .put("mentions", Mentions.of(content, mentions)).put("attachments", Attachments.metadata(files))
              .put("sessionId", who.sessionId()).put("timestamp", Json.now()), "user:" + who.userId(), key, files,
              ch.dmAgent()));
    });
  }

  /**
   * Stores a {@code message} frame in its channel's stream, in its thread when it has a
   * {@code threadId}; answers its id, stream and seq. Mentions go to the orchestrator once stored.
   */
  private Future<JsonObject> post(JsonObject frame) {
    return post(frame, null, null, null, null);
  }

  /**
   * The same, once per ({@code principal}, {@code key}) when a key is given ({@link Idempotency}).
   * {@code files}: the attachments as the uploads verticle answered them (processed content and
   * extracted text), which mentioned agents get; the stored message carries only their metadata.
   * {@code dmAgent}: the agent role of a DM with an agent, for whom every user message is a task.
   */
  private Future<JsonObject> post(JsonObject frame, String principal, String key, JsonArray files, String dmAgent) {
    MessageFrame.withInitialState(frame);
    String stream = StreamName.channel(frame.getString("channel"));
    boolean thread = frame.getString("threadId") != null;
    Future<JsonObject> stored;
    if (key != null) {
      String[] root = {frame.getString("threadId")};
      stored = idempotency.once(principal, key, stream, Idempotency.fingerprint(stream, frame.getString("threadId"),
              frame.getString("content"), frame.getValue("attachments"), frame.getValue("replyTo")),
          thread ? changes.replyWork(frame, root)
              : conn -> Future.succeededFuture(List.of(new StreamWriter.Append("message", frame.encode()))),
          seqs -> thread ? MessageChanges.replyAck(frame, seqs, root[0]) : new JsonObject()
              .put("messageId", frame.getString("messageId")).put("stream", stream).put("seq", seqs.get(0)));
    } else if (thread) {
      stored = changes.reply(frame);
    } else {
      stored = writer.append(stream, "message", frame.encode()).map(seq -> new JsonObject()
          .put("messageId", frame.getString("messageId")).put("stream", stream).put("seq", seq));
    }
    return stored.onSuccess(ack -> {
      if (!ack.getBoolean("duplicate", false) && (!frame.getJsonArray("mentions").isEmpty() || dmAgent != null)
          && "user".equals(frame.getString("authorType"))) {
        // Mentioned agent roles answer in the channel (seed 003), and the agent of a DM with one
        // (§7.1); the orchestrator knows the roles.
        JsonObject asked = files == null || files.isEmpty() ? frame : frame.copy().put("attachments", files);
        vertx.eventBus().send(Addresses.AGENT_MENTION, dmAgent == null ? asked : asked.copy().put("dmAgent", dmAgent));
      }
    });
  }

  /**
   * A message from an agent or the system (internal only: {channel, authorId, authorType,
   * content, replyTo?, threadId?, mentions?}), stored like a user's.
   */
  private Future<JsonObject> systemPost(Message<Object> msg) {
    JsonObject in = body(msg);
    String name = channelName(in);
    String type = Json.requireString(in, "authorType", 16);
    if (!type.equals("agent") && !type.equals("system")) {
      throw AppException.invalid("'authorType' must be agent or system");
    }
    // An agent's answer may start empty, as "streaming" (§7.1), and grows by ROUTER_AGENT_UPDATE.
    boolean streaming = "streaming".equals(in.getString("status"));
    String content = streaming ? AgentAnswers.clip(in.getString("content", ""), maxContent)
        : Json.requireText(in, "content", maxContent);
    JsonObject frame = new JsonObject()
        .put("type", "message").put("messageId", Json.newId()).put("channel", name)
        .put("authorId", Json.requireString(in, "authorId", 64)).put("authorType", type)
        .put("content", content)
        .put("replyTo", Json.optString(in, "replyTo", ID_MAX)).put("threadId", Json.optString(in, "threadId", ID_MAX))
        .put("mentions", Json.optStringArray(in, "mentions", 50, 64)).put("attachments", new JsonArray())
        .put("timestamp", Json.now());
    if (type.equals("agent")) {
      frame.put("agentName", Json.optString(in, "agentName", 64)).put("agentKind", Json.optString(in, "agentKind", 16));
    }
    if (in.getValue("workflowId") != null) {
      frame.put("workflowId", Json.requireId(in, "workflowId")); // a run started here: clients draw it as its card
    }
    if (streaming) {
      frame.put("status", "streaming");
    }
    return channel(name).compose(ch -> post(frame));
  }

  /** The optional {@code idempotencyKey} of a request (1–128 characters). */
  private static String idempotencyKey(JsonObject in) {
    String key = Json.optString(in, "idempotencyKey", Idempotency.KEY_MAX);
    if (key != null && key.isEmpty()) {
      throw AppException.invalid("'idempotencyKey' must not be empty");
    }
    return key;
  }

  /**
   * An admin publish to a stream (internal: {stream, body, actor, idempotencyKey?}): a channel gets
   * a {@code message} from the actor ({@code authorType: "system"}, {@code body.content}); any other
   * stream the body itself as an event of its {@code type}.
   */
  private Future<JsonObject> adminPublish(Message<Object> msg) {
    JsonObject in = body(msg);
    String stream = Json.requireString(in, "stream", 200);
    StreamName name = StreamName.parse(stream);
    if (name == null) {
      throw AppException.invalid("'" + stream + "' is no stream name");
    }
    JsonObject event = in.getJsonObject("body");
    String actor = Json.requireString(in, "actor", 128);
    String key = idempotencyKey(in);
    String principal = "admin:" + actor;
    if (name.kind() == StreamName.Kind.CHANNEL) {
      String content = Json.requireText(event, "content", maxContent);
      return channel(name.id()).compose(ch -> post(new JsonObject()
          .put("type", "message").put("messageId", Json.newId()).put("channel", name.id())
          .put("authorId", actor).put("authorType", "system").put("content", content)
          .put("replyTo", null).put("threadId", Json.optString(event, "threadId", ID_MAX))
          .put("mentions", Mentions.of(content, new JsonArray())).put("attachments", new JsonArray())
          .put("timestamp", Json.now()), principal, key, null, null));
    }
    String type = Json.requireString(event, "type", 64);
    if (!type.matches("[a-z][a-z0-9_]*") || type.equals("message")) {
      throw AppException.invalid("'type' must be a lower-case event name (not message, which is for channels)");
    }
    String payload = event.copy().put("timestamp", Json.now()).put("publishedBy", actor).encode();
    if (key == null) {
      return writer.append(stream, type, payload).map(seq -> new JsonObject().put("stream", stream).put("seq", seq));
    }
    return idempotency.once(principal, key, stream, Idempotency.fingerprint(stream, event),
        conn -> Future.succeededFuture(List.of(new StreamWriter.Append(type, payload))),
        seqs -> new JsonObject().put("stream", stream).put("seq", seqs.get(0)));
  }

  /** A slash command: {@code /help} and {@code /whoami} answered here, the others by their owner. */
  /** A slash command; {@code attachments} (file ids sent with it) go to a workflow it starts (/assign, /parallel). */
  private Future<JsonObject> command(Message<Object> msg, String content, String channel, JsonArray attachments) {
    SlashCommand.Line line = SlashCommand.parse(content);
    if (line.command() == null) {
      return Future.succeededFuture(CommandResult.failed(line.word(), "unknown command /" + line.word()
          + "; the commands are:\n" + SlashCommand.help()).put("data", SlashCommand.list()));
    }
    SlashCommand c = line.command();
    if (c == SlashCommand.HELP) {
      if (line.args().isEmpty()) {
        return Future.succeededFuture(CommandResult.ok(c.word, SlashCommand.help(), SlashCommand.list()));
      }
      String one = SlashCommand.help(line.args().split("\\s+")[0]);
      return Future.succeededFuture(one != null ? CommandResult.ok(c.word, one, null)
          : CommandResult.failed(c.word, "no command " + line.args() + "; the commands are:\n" + SlashCommand.help()));
    }
    if (c.address == null) {
      Principal who = Principal.of(msg);
      return Future.succeededFuture(CommandResult.ok(c.word, who.userId() + " " + who.roles(),
          new JsonObject().put("userId", who.userId()).put("roles", new JsonArray(who.roles()))
              .put("sessionId", who.sessionId())));
    }
    JsonObject ask = new JsonObject().put("command", c.word).put("args", line.args()).put("channel", channel)
        .put("attachments", attachments);
    // To this node's owner of the command when it runs one: no hop, and none to a member that just died.
    boolean local = c.address.equals(Addresses.WORKFLOW_COMMAND) ? runsOrchestrator
        : c.address.equals(Addresses.APPROVAL_COMMAND) && runsApprovals;
    return vertx.eventBus().<JsonObject>request(c.address, ask, Requests.onBehalfOf(msg).setLocalOnly(local))
        .map(Message::body)
        .recover(err -> Future.succeededFuture(CommandResult.failed(c.word,
            "/" + c.word + " is not available: " + AppException.from(err).getMessage())));
  }

  /** Typing is ephemeral: published on the channel's stream address, never stored. */
  private Future<JsonObject> typing(Message<Object> msg) {
    Principal who = Principal.of(msg);
    JsonObject in = body(msg);
    String name = channelName(in);
    Object typing = in.getValue("typing");
    if (!(typing instanceof Boolean)) {
      throw AppException.invalid("'typing' must be true or false");
    }
    return channels.visible(name, who).map(ch -> {
      JsonObject event = new JsonObject().put("type", "typing").put("channel", name)
          .put("userId", who.userId()).put("typing", typing);
      vertx.eventBus().publish(Addresses.EPHEMERAL, event.encode(), new DeliveryOptions()
          .addHeader(StreamWriter.H_STREAM, StreamName.channel(name)).addHeader(StreamWriter.H_EPHEMERAL, "typing"));
      return new JsonObject();
    });
  }

  // ---- rights ----

  /** May the caller receive {stream}? Answers {stream} or fails NOT_FOUND / FORBIDDEN. */
  private Future<JsonObject> subscribeCheck(Message<Object> msg) {
    String stream = Json.requireString(body(msg), "stream", 200);
    return rights.mayRead(Principal.of(msg), stream).map(v -> new JsonObject().put("stream", stream));
  }

  /** Claims {sessionId} for the caller, or checks it is theirs. Answers {sessionId, lastSeq} (of its stream). */
  private Future<JsonObject> sessionClaim(Message<Object> msg) {
    Principal who = Principal.of(msg);
    String id = Json.requireId(body(msg), "sessionId");
    return pool.preparedQuery(RouterQueries.CLAIM_SESSION).execute(Tuple.of(id, who.userId()))
        .compose(r -> rights.sessionOwner(id))
        .compose(owner -> owner.equals(who.userId())
            ? streams.lastSeq(StreamName.session(id)).map(seq -> new JsonObject().put("sessionId", id).put("lastSeq", seq))
            : Future.failedFuture(AppException.forbidden("session '" + id + "' belongs to another user")));
  }
}
