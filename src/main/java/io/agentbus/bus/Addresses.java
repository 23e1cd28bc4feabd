package io.agentbus.bus;

/**
 * Every event-bus address, in one place.
 *
 * <p>{@code agentbus.*} addresses are browser-visible (PROTOCOL.md §4): the SockJS bridge permits
 * exactly these. {@code internal.*} addresses are between verticles only; the bridge's
 * permitted-address lists never match them, so a browser can neither send to them nor listen.
 */
public final class Addresses {

  // ---- browser-visible (PROTOCOL §4; stream addresses are built by stream.StreamName) ----
  /** Prefix of every browser-visible address. */
  public static final String BROWSER_PREFIX = "agentbus.";
  public static final String CHAT_SEND = "agentbus.chat.send";
  public static final String HISTORY = "agentbus.history";
  public static final String TYPING = "agentbus.typing";
  public static final String WORKFLOW_START = "agentbus.workflow.start";
  public static final String WORKFLOW_CANCEL = "agentbus.workflow.cancel";
  public static final String APPROVAL_RESPOND = "agentbus.approval.respond";
  // Chat, complete (PROTOCOL §7): agentbus.chat.<frame type>
  public static final String CHAT_EDIT = "agentbus.chat.message_edit";
  public static final String CHAT_DELETE = "agentbus.chat.message_delete";
  public static final String CHAT_REACTION = "agentbus.chat.reaction";
  public static final String CHAT_PIN = "agentbus.chat.pin";
  public static final String CHAT_PINS = "agentbus.chat.pins";
  public static final String CHAT_SEARCH = "agentbus.chat.search";
  public static final String CHAT_READ = "agentbus.chat.read";
  /** Served by every node's bridge from its copy of the cluster's presence. */
  public static final String CHAT_PRESENCE = "agentbus.chat.presence";

  /**
   * Other names browsers may use for an address, served by the same handler: the short verbs
   * ({@code agentbus.chat.edit}) and {@code agentbus.chat.<op>} for the operations that had an
   * address before §7.
   */
  public static final java.util.Map<String, java.util.List<String>> ALIASES = java.util.Map.of(
      CHAT_EDIT, java.util.List.of("agentbus.chat.edit"),
      CHAT_DELETE, java.util.List.of("agentbus.chat.delete"),
      HISTORY, java.util.List.of("agentbus.chat.history"),
      TYPING, java.util.List.of("agentbus.chat.typing"));

  /**
   * Service addresses that share a stream's browser prefix ({@code agentbus.workflow.}): they are
   * services, never the stream of a workflow called {@code start} (ids are UUIDs, so no workflow
   * has such a name), whoever asks — the bridge, an operator's {@code POST /admin/bus}.
   */
  private static final java.util.Set<String> SERVICES_UNDER_STREAM_PREFIXES = java.util.Set.of(WORKFLOW_START,
      WORKFLOW_CANCEL);

  /** True for a service address that looks like a stream's browser address. */
  public static boolean isServiceNotStream(String address) {
    return SERVICES_UNDER_STREAM_PREFIXES.contains(address);
  }

  /** The address and its aliases. */
  public static java.util.List<String> withAliases(String address) {
    java.util.List<String> all = new java.util.ArrayList<>();
    all.add(address);
    all.addAll(ALIASES.getOrDefault(address, java.util.List.of()));
    return all;
  }

  // ---- internal, verticle to verticle ----
  /**
   * Where a node's hub receives stream events (committed and ephemeral, stream and seq in
   * headers): one address per node, always registered, to which writers send only the events of
   * streams that node follows ({@link Interest}). Not one address per stream: Vert.x caches where
   * an address's consumers are only while it has some, so publishing to a stream nobody followed
   * cost a blocking Hazelcast lookup per event (measured: ~2 k commits/s at 170 % CPU,
   * docs/performance.md).
   */
  public static String nodeEvents(String nodeId) {
    return "internal.node." + nodeId + ".events";
  }

  /**
   * Ephemeral stream events (typing), published to every node's hub. Not routed by interest: they
   * are rare, and unlike committed events a missed push could not be read back from the database.
   */
  public static final String EPHEMERAL = "internal.ephemeral";

  /** Every node's presence: its local joins and leaves, and its full table now and then. */
  public static final String PRESENCE = "internal.presence";

  /** Hubs announce here which streams their node follows; every router keeps the table. */
  public static final String INTEREST = "internal.interest";
  /** Router: may this user subscribe to {stream}? */
  public static final String SUBSCRIBE_CHECK = "internal.router.subscribe-check";
  /** Router: claim or check a session id for this user. */
  public static final String SESSION_CLAIM = "internal.router.session-claim";
  /**
   * Router: a message from an agent or the system {channel, authorId, authorType, content, replyTo?,
   * threadId?, agentName?, agentKind?, status?}; {@code status: "streaming"} starts an answer (content may be empty).
   */
  public static final String ROUTER_POST = "internal.router.post";
  /** Router: an agent's answer as it grows {messageId, channel, content, status} (PROTOCOL §7.1). */
  public static final String ROUTER_AGENT_UPDATE = "internal.router.agent-update";
  /** Router: which of {names} are users {known:[…]}. */
  public static final String ROUTER_KNOWN_USERS = "internal.router.known-users";
  /** The caller's identity and display name, the user directory (the web UI). */
  public static final String PROFILE_ME = "internal.router.profile.me";
  public static final String PROFILE_SET = "internal.router.profile.set";
  public static final String PROFILE_DIRECTORY = "internal.router.profile.directory";
  /** The caller's past sessions with their workflows (the web UI's session list). */
  public static final String SESSIONS_LIST = "internal.orchestrator.sessions";
  /**
   * Published (cluster-wide, not persisted) when an approval opens or is decided, withdrawn or
   * expires: each bridge tells its /ws connections of approvers and admins (SockJS clients with
   * those roles may register the address itself), whose inbox then re-reads
   * {@code GET /api/approvals?status=pending} (which knows who may decide what).
   */
  public static final String APPROVALS_INBOX = "agentbus.approvals.inbox";
  public static final String CHANNELS_LIST = "internal.router.channels.list";
  public static final String CHANNELS_CREATE = "internal.router.channels.create";
  /** Private channels and DMs (PROTOCOL §7.1): members {channel}, add/remove {channel, userId}, leave {channel}, dm {with}. */
  public static final String CHANNEL_MEMBERS = "internal.router.channels.members";
  /** {channel, title?, description?, archived?}: rename (its title), describe, archive or restore a channel. */
  public static final String CHANNEL_UPDATE = "internal.router.channels.update";
  public static final String CHANNEL_MEMBER_ADD = "internal.router.channels.member-add";
  public static final String CHANNEL_MEMBER_REMOVE = "internal.router.channels.member-remove";
  public static final String CHANNEL_LEAVE = "internal.router.channels.leave";
  public static final String DM_OPEN = "internal.router.dms.open";
  /**
   * Published cluster-wide when a member leaves or is removed from a private channel or DM
   * {channel, userId}: every bridge drops that user's subscriptions to it (they get
   * {@code unsubscribed {stream, reason: "removed"}}) and nothing more of it.
   */
  public static final String CHANNEL_MEMBER_REMOVED = "internal.channels.member-removed";
  /**
   * Published cluster-wide when the channel list changes for some users {channel, users} (users
   * null: everyone — a public channel was created): every bridge tells those users' /ws
   * connections {@code channels_changed {channel}}, so lists refresh within a second everywhere.
   */
  public static final String CHANNELS_CHANGED = "internal.channels.changed";
  /**
   * Published cluster-wide when an identity is signed out: {sid} (one browser session: signed out,
   * or refused by its provider on renewal) or {userId, before} (an operator revoked everything of
   * that user issued before {@code before}, epoch ms). Every node refuses those tokens from then on
   * and its bridges close the connections that carry them (4401).
   */
  public static final String AUTH_REVOKED = "internal.auth.revoked";
  /** Published cluster-wide when a browser session is renewed {sid, until}: its live connections stay past their token. */
  public static final String AUTH_RENEWED = "internal.auth.renewed";
  /** Orchestrator: whether an agent role can be given tasks now {role} → {served}. */
  public static final String AGENT_ROLE_SERVED = "internal.orchestrator.role-served";

  /** Orchestrator (any instance): a workflow's row and events {workflowId}; a session's list {sessionId}. */
  public static final String WORKFLOW_GET = "internal.orchestrator.get";
  public static final String WORKFLOW_LIST = "internal.orchestrator.list";
  /** Orchestrator: the status of each of {workflowIds:[…]} (at most 100): {statuses:{id: status}}. */
  public static final String WORKFLOW_STATUSES = "internal.orchestrator.statuses";
  /** Orchestrator: may the caller read {workflowId}? Answers {} or a coded failure. */
  public static final String WORKFLOW_READ_CHECK = "internal.orchestrator.read-check";
  /** Orchestrator: the templates a user may start {templates:[{name, description, agents}]}. */
  public static final String WORKFLOW_TEMPLATES = "internal.orchestrator.templates";
  /** Orchestrator: a workflow slash command typed in chat {command, args, channel}; answers a command_result. */
  public static final String WORKFLOW_COMMAND = "internal.orchestrator.command";
  /** Orchestrator: a committed channel message that mentions agent roles {message}. */
  public static final String AGENT_MENTION = "internal.orchestrator.mention";
  /** Approvals verticle: open a gate for a waiting workflow. */
  public static final String APPROVALS_OPEN = "internal.approvals.open";
  /** Approvals verticle: withdraw the pending approvals of a workflow that ended {workflowId, reason}. */
  public static final String APPROVALS_WITHDRAW = "internal.approvals.withdraw";
  /**
   * Orchestrator (any instance): an approval's outcome for a workflow; the instance that takes it
   * forwards it to the one holding the workflow's lease.
   */
  public static final String APPROVAL_OUTCOME = "internal.orchestrator.approval-outcome";
  /**
   * Approvals verticle: where the latest approval of a workflow's gate stands {workflowId, step}:
   * {approval: {approvalId, status, decidedBy, feedback, action, modifications} or null}.
   */
  public static final String APPROVALS_OF_STEP = "internal.approvals.of-step";
  /** Approvals verticle: the approvals a caller may see {status?}. */
  public static final String APPROVALS_LIST = "internal.approvals.list";
  /** Approvals verticle: an approval slash command typed in chat {command, args}; answers a command_result. */
  public static final String APPROVAL_COMMAND = "internal.approvals.command";

  /** Uploads verticle (this node's): check, process and store spooled files {sessionId, files:[{path, originalName}]}. */
  public static final String UPLOADS_STORE = "internal.uploads.store";
  /** Uploads verticle: a file's metadata for its download {fileId}, when the caller may read it. */
  public static final String UPLOADS_FILE = "internal.uploads.file";
  /** Uploads verticle: attach the caller's files {fileIds, kind: channel|workflow, ref}; answers their metadata. */
  public static final String UPLOADS_ATTACH = "internal.uploads.attach";
  /** Uploads verticle: which of {fileIds} are gone (deleted): {removed:[…]}, so attachments can say so. */
  public static final String UPLOADS_REMOVED = "internal.uploads.removed";
  /** Uploads verticle: delete a file {fileId} (its uploader or an admin). */
  public static final String UPLOADS_DELETE = "internal.uploads.delete";

  /** One node's self-description for the cluster view (registered by every node). */
  public static String nodeInfo(String nodeId) {
    return "internal.node." + nodeId + ".info";
  }

  /** Admin verticle: one /admin HTTP call, handed over whole by the bridge. */
  public static final String ADMIN_HTTP = "internal.admin.http";
  /** Router: remember an idempotency key with its outcome {principal, key, result} (no event: a worker's result). */
  public static final String ROUTER_IDEMPOTENT_RECORD = "internal.router.idempotent-record";
  /** Router: a remembered key's outcome {principal, key}: {result} or {result: null}. */
  public static final String ROUTER_IDEMPOTENT_LOOKUP = "internal.router.idempotent-lookup";
  /** Router: claim an HTTP write's Idempotency-Key {route, key, fingerprint}: {claimed} or the first answer {status, body}. */
  public static final String HTTP_KEY_CLAIM = "internal.router.http-key.claim";
  /** Router: the answer of a claimed HTTP write {route, key, fingerprint, status, body}. */
  public static final String HTTP_KEY_RECORD = "internal.router.http-key.record";
  /** Router: forget a claimed HTTP write whose answer is not kept (429, 5xx) {route, key, fingerprint}. */
  public static final String HTTP_KEY_RELEASE = "internal.router.http-key.release";
  /** Router: a page of a stream's stored events {stream, after?, limit?}: {events, lastSeq, hasMore}. */
  public static final String STREAM_EVENTS = "internal.router.stream-events";
  /** Orchestrator: record an AG-UI run {runId, threadId, workflowId, afterApproval?}: {} or CONFLICT when the runId exists. */
  public static final String AGUI_RUN_CLAIM = "internal.orchestrator.agui-run.claim";
  /** Orchestrator: an AG-UI run the caller may read {runId, threadId}: {runId, threadId, workflowId, afterApproval}. */
  public static final String AGUI_RUN_GET = "internal.orchestrator.agui-run.get";
  /** Orchestrator: cancel, pause or resume a workflow {workflowId, action}: {workflowId, status}; CONFLICT when its state does not allow it. */
  public static final String WORKFLOW_ACT = "internal.orchestrator.act";
  /** Router: an admin publish to a stream {stream, body, actor, idempotencyKey?}: persisted like any event of it. */
  public static final String ROUTER_ADMIN_PUBLISH = "internal.router.admin-publish";

  /** One orchestrator instance: control of the workflows it owns (cancel, gate decisions). */
  public static String orchestratorControl(String instanceId) {
    return "internal.orchestrator." + instanceId + ".control";
  }

  /** One orchestrator instance: reports of the tasks its external workers run. */
  public static String orchestratorTasks(String instanceId) {
    return "internal.orchestrator." + instanceId + ".tasks";
  }

  /** Where the external workers of a role take task offers (docs/workflows.md, Agent workers). */
  public static String agentRole(String role) {
    return "internal.agent." + role;
  }

  /** One registered worker: cancels of its tasks. */
  public static String workerControl(String workerId) {
    return "internal.worker." + workerId;
  }

  private Addresses() {}
}
