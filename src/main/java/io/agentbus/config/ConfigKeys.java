package io.agentbus.config;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Every configuration key, in one place: its path in {@code conf/agentbus.json}, the environment
 * variable that overrides it, its default and what it means. docs/configuration.md's table is
 * this list (ConfigReferenceTest checks it).
 */
public final class ConfigKeys {

  /** One configuration key. {@code dflt} also fixes the type env values are parsed into. */
  public record Key(String path, String env, Object dflt, String doc) {}

  private static final List<Key> ALL = new ArrayList<>();

  public static final Key PROFILE = key("profile", "AGENTBUS_PROFILE", "dev",
      "dev (dev login on, generated JWT secret allowed, permissive origins) or prod");
  public static final Key SHUTDOWN_DRAIN_MS = key("shutdownDrainMs", "AGENTBUS_SHUTDOWN_DRAIN_MS", 1500,
      "on SIGTERM, how long readiness answers 503 (and every HTTP answer closes its keep-alive connection) before "
          + "clients are closed with 1012, so balancers and keep-alive clients move away without meeting a reset socket");
  public static final Key SHUTDOWN_SECONDS = key("shutdownSeconds", "AGENTBUS_SHUTDOWN_SECONDS", 20,
      "on SIGTERM: clients closed with 1012, in-flight requests answered, workflows handed over, then exit within this");
  public static final Key HTTP_HOST = key("http.host", "AGENTBUS_HTTP_HOST", "0.0.0.0",
      "address the HTTP / WebSocket / SockJS server binds");
  public static final Key HTTP_PORT = key("http.port", "AGENTBUS_HTTP_PORT", 8080,
      "HTTP / WebSocket / SockJS port");
  public static final Key HTTP_ALLOWED_ORIGINS = key("http.allowedOrigins", "AGENTBUS_HTTP_ALLOWED_ORIGINS", "",
      "comma list of allowed browser origins for CORS; empty = any in dev, same-origin only in prod");
  public static final Key HTTP_SSE_KEEP_ALIVE_MS = key("http.sseKeepAliveMs", "AGENTBUS_HTTP_SSE_KEEP_ALIVE_MS", 15000,
      "how often a server-sent event stream with nothing to say sends a keep-alive comment (proxies close quiet ones)");
  public static final Key TRANSPORT = key("transport", "AGENTBUS_TRANSPORT", "epoll",
      "network transport: epoll, io_uring (Linux) or nio; an unavailable native one falls back to nio with a log line");
  public static final Key CLUSTER_NAME = key("cluster.name", "AGENTBUS_CLUSTER_NAME", "agentbus",
      "Hazelcast cluster name: nodes join only their own cluster");
  public static final Key CLUSTER_HOST = key("cluster.host", "AGENTBUS_CLUSTER_HOST", "127.0.0.1",
      "address this node binds and announces for Hazelcast and the event bus");
  public static final Key CLUSTER_PORT = key("cluster.port", "AGENTBUS_CLUSTER_PORT", 5701,
      "first Hazelcast port tried (then the next ones)");
  public static final Key CLUSTER_MEMBERS = key("cluster.members", "AGENTBUS_CLUSTER_MEMBERS", "127.0.0.1",
      "comma-separated host[:port] to join (a host without port means ports 5701-5703)");
  public static final Key CLUSTER_KUBERNETES_SERVICE = key("cluster.kubernetesService",
      "AGENTBUS_CLUSTER_KUBERNETES_SERVICE", "",
      "the DNS name of a headless Kubernetes Service of the nodes: Hazelcast finds its members through it "
          + "(instead of cluster.members); see docker/k8s/");
  public static final Key CLUSTER_EVENT_BUS_PORT = key("cluster.eventBusPort", "AGENTBUS_CLUSTER_EVENT_BUS_PORT", 0,
      "TCP port of the clustered event bus (0 = any free port)");
  public static final Key CLUSTER_HEARTBEAT_SECONDS = key("cluster.heartbeatSeconds", "AGENTBUS_CLUSTER_HEARTBEAT_SECONDS", 1,
      "Hazelcast heartbeat interval");
  public static final Key CLUSTER_MAX_NO_HEARTBEAT_SECONDS = key("cluster.maxNoHeartbeatSeconds",
      "AGENTBUS_CLUSTER_MAX_NO_HEARTBEAT_SECONDS", 10,
      "a member silent this long is removed (Hazelcast's default of 300 s is far too slow for failover)");
  public static final Key CLUSTER_EXPECTED_MEMBERS = key("cluster.expectedMembers",
      "AGENTBUS_CLUSTER_EXPECTED_MEMBERS", 0,
      "how many nodes the cluster should have (0 = the most this node has seen): a node that sees fewer resyncs "
          + "its streams from PostgreSQL every 500 ms, and one that sees at most half past the heartbeat limit is not ready");
  public static final Key CLUSTER_MERGE_SECONDS = key("cluster.mergeSeconds", "AGENTBUS_CLUSTER_MERGE_SECONDS", 5,
      "how often Hazelcast looks for the other side of a healed partition to merge with (its default waits 300 s, then 120 s)");
  public static final Key CLUSTER_TLS = key("cluster.tls", "AGENTBUS_CLUSTER_TLS", "on",
      "on: the clustered event bus speaks TLS with mutual authentication (a node without the cluster's key "
          + "material can neither send nor receive); off: plain, dev only");
  public static final Key CLUSTER_TLS_CERT = key("cluster.tlsCert", "AGENTBUS_CLUSTER_TLS_CERT", "",
      "PEM certificate of this node on the event bus (empty in dev: a pair generated once per machine and cluster "
          + "name under the temp directory; required in prod; `java -jar agentbus.jar cluster-cert` makes one)");
  public static final Key CLUSTER_TLS_KEY = key("cluster.tlsKey", "AGENTBUS_CLUSTER_TLS_KEY", "",
      "PEM private key of that certificate");
  public static final Key CLUSTER_TLS_CA = key("cluster.tlsCa", "AGENTBUS_CLUSTER_TLS_CA", "",
      "PEM certificates a peer's must chain to (empty: the node's own certificate, for a pair shared by the nodes)");
  public static final Key DB_URL = key("db.url", "AGENTBUS_DB_URL", "",
      "postgresql://user[:password]@host:port/database; empty = 127.0.0.1:5432, user postgres, database agentbus");
  public static final Key DB_POOL_SIZE = key("db.poolSize", "AGENTBUS_DB_POOL_SIZE", 4,
      "connections per node (each pipelines up to 256 queries; measured: 4 beats 2 and 8, see docs/performance.md)");
  public static final Key DB_EMBEDDED_DIR = key("db.embeddedDir", "AGENTBUS_DB_EMBEDDED_DIR", "data/postgres",
      "data directory of the embedded PostgreSQL fallback (kept across runs)");
  public static final Key DB_EMBEDDED_PORT = key("db.embeddedPort", "AGENTBUS_DB_EMBEDDED_PORT", 54329,
      "port of the embedded PostgreSQL fallback");
  public static final Key JWT_SECRET = key("auth.jwtSecret", "AGENTBUS_JWT_SECRET", "",
      "HS256 secret; dev: generated once and stored in the database (with a warning); prod: required");
  public static final Key JWT_ISSUER = key("auth.issuer", "AGENTBUS_AUTH_ISSUER", "",
      "required iss of tokens (empty: not checked); also put in tokens this cluster issues");
  public static final Key JWT_AUDIENCE = key("auth.audience", "AGENTBUS_AUTH_AUDIENCE", "",
      "required aud of tokens (empty: not checked); also put in tokens this cluster issues");
  public static final Key JWKS_URL = key("auth.jwksUrl", "AGENTBUS_AUTH_JWKS_URL", "",
      "an identity provider's JWKS URL (when it has no discovery; auth.oidc.issuer finds it itself): its RS256/ES256 "
          + "tokens are accepted beside the cluster's HS256 ones, keys re-read on an unknown kid");
  public static final Key JWT_ROLES_CLAIM = key("auth.rolesClaim", "AGENTBUS_AUTH_ROLES_CLAIM", "roles",
      "where a token's roles are, as a dot path (an identity provider's, e.g. realm_access.roles)");
  public static final Key USER_CLAIM = key("auth.userClaim", "AGENTBUS_AUTH_USER_CLAIM", "sub",
      "the claim an identity provider's token (or sign-in) names its user by, e.g. preferred_username or email; "
          + "its value must be a valid user id");
  public static final Key ROLE_MAP = key("auth.roleMap", "AGENTBUS_AUTH_ROLE_MAP", "",
      "how an identity provider's role-claim values become agentbus roles, e.g. agentbus-approvers=approver,"
          + "ops=admin; empty: values that are agentbus roles count as themselves");
  public static final Key OIDC_ISSUER = key("auth.oidc.issuer", "AGENTBUS_AUTH_OIDC_ISSUER", "",
      "an OpenID Connect provider (its issuer URL, discovered at /.well-known/openid-configuration): browser "
          + "sign-in through it and its tokens accepted; empty: no single sign-on");
  public static final Key OIDC_CLIENT_ID = key("auth.oidc.clientId", "AGENTBUS_AUTH_OIDC_CLIENT_ID", "agentbus",
      "this service's client id at the provider (also the audience its ID tokens carry)");
  public static final Key OIDC_CLIENT_SECRET = key("auth.oidc.clientSecret", "AGENTBUS_AUTH_OIDC_CLIENT_SECRET", "",
      "the client's secret at the provider (empty: a public client, PKCE only)");
  public static final Key OIDC_SCOPES = key("auth.oidc.scopes", "AGENTBUS_AUTH_OIDC_SCOPES", "openid profile email",
      "scopes asked at sign-in, space separated (add offline_access where the provider wants it for refresh tokens)");
  public static final Key OIDC_REDIRECT_URL = key("auth.oidc.redirectUrl", "AGENTBUS_AUTH_OIDC_REDIRECT_URL", "",
      "the public URL of /auth/callback as the provider knows it; empty: from the request (dev only; prod requires it)");
  public static final Key OIDC_SESSION_TTL_SECONDS = key("auth.oidc.sessionTtlSeconds",
      "AGENTBUS_AUTH_OIDC_SESSION_TTL_SECONDS", 600,
      "lifetime of the sign-in cookie's token; the web UI renews it (POST /auth/refresh, asking the provider) before then");
  public static final Key OIDC_SESSION_MAX_SECONDS = key("auth.oidc.sessionMaxSeconds",
      "AGENTBUS_AUTH_OIDC_SESSION_MAX_SECONDS", 43200,
      "a browser session ends this long after sign-in whatever its renewals (then the user signs in again)");
  public static final Key TOKEN_TTL_SECONDS = key("auth.tokenTtlSeconds", "AGENTBUS_AUTH_TOKEN_TTL_SECONDS", 86400,
      "lifetime of tokens issued by dev login");
  public static final Key DEV_LOGIN = key("auth.devLogin", "AGENTBUS_AUTH_DEV_LOGIN", "",
      "true/false; empty = on in the dev profile, off in prod");
  public static final Key AUTH_TIMEOUT_MS = key("auth.authTimeoutMs", "AGENTBUS_AUTH_TIMEOUT_MS", 10000,
      "a /ws connection that has not authenticated by then is closed with 4401");
  public static final Key ADMIN_TOKEN = key("admin.token", "AGENTBUS_ADMIN_TOKEN", "",
      "bearer token for /admin/*; empty = admin endpoints only for JWT role admin");
  public static final Key ADMIN_ALLOWED_ADDRESSES = key("admin.allowedAddresses", "AGENTBUS_ADMIN_ALLOWED_ADDRESSES",
      "agentbus\\..*", "regex of the addresses POST /admin/bus may use (internal.* is refused whatever it says)");
  public static final Key ADMIN_MAX_BODY_BYTES = key("admin.maxBodyBytes", "AGENTBUS_ADMIN_MAX_BODY_BYTES", 65536,
      "largest POST /admin/bus request body (413 beyond)");
  public static final Key IDEMPOTENCY_TTL_HOURS = key("limits.idempotencyTtlHours", "AGENTBUS_LIMITS_IDEMPOTENCY_TTL_HOURS",
      24, "how long an idempotencyKey is remembered per principal (a repeat within it is acknowledged, not stored; "
          + "the same key with another request is CONFLICT)");
  public static final Key VERTICLES = key("verticles", "AGENTBUS_VERTICLES",
      "router,bridge,orchestrator,approvals,uploads,admin",
      "which verticles this node runs, comma list of router, bridge, orchestrator, approvals, uploads, admin");
  public static final Key INSTANCES_ROUTER = key("instances.router", "AGENTBUS_INSTANCES_ROUTER", 1,
      "router verticle instances on this node");
  public static final Key INSTANCES_BRIDGE = key("instances.bridge", "AGENTBUS_INSTANCES_BRIDGE", 1,
      "bridge verticle instances on this node (they share the port)");
  public static final Key INSTANCES_ORCHESTRATOR = key("instances.orchestrator", "AGENTBUS_INSTANCES_ORCHESTRATOR", 1,
      "orchestrator verticle instances on this node");
  public static final Key INSTANCES_APPROVALS = key("instances.approvals", "AGENTBUS_INSTANCES_APPROVALS", 1,
      "approvals verticle instances on this node");
  public static final Key INSTANCES_UPLOADS = key("instances.uploads", "AGENTBUS_INSTANCES_UPLOADS", 1,
      "uploads verticle instances on this node");
  public static final Key INSTANCES_ADMIN = key("instances.admin", "AGENTBUS_INSTANCES_ADMIN", 1,
      "admin verticle instances on this node");
  public static final Key APPROVALS_SWEEP_MS = key("approvals.sweepMs", "AGENTBUS_APPROVALS_SWEEP_MS", 500,
      "how often each approvals verticle expires pending approvals past their deadline");
  public static final Key WORKFLOWS_FILE = key("orchestrator.workflowsFile", "AGENTBUS_ORCHESTRATOR_WORKFLOWS_FILE",
      "conf/workflows.json", "workflow templates and the agent of each role; the copy built into the jar when the file is absent");
  public static final Key AGENT_KINDS = key("orchestrator.agentKinds", "AGENTBUS_ORCHESTRATOR_AGENT_KINDS", "",
      "role=kind pairs overriding the workflows file, e.g. code=worker,qa=openai (kinds: scripted, worker, openai); "
          + "*=openai plays every scripted role by the model, the default when openai.apiKey is set and this is empty");
  public static final Key LEASE_SECONDS = key("orchestrator.leaseSeconds", "AGENTBUS_ORCHESTRATOR_LEASE_SECONDS", 4,
      "how long a workflow's owner holds it without renewing (renewed every third of it); a survivor takes it over after");
  public static final Key EVENTS_KEPT_SECONDS = key("orchestrator.eventsKeptSeconds",
      "AGENTBUS_ORCHESTRATOR_EVENTS_KEPT_SECONDS", 0,
      "how long a finished workflow's event log is kept (0: for ever); after it, resuming the run is 410 and its status and outputs stay");
  public static final Key OPENAI_BASE_URL = key("openai.baseUrl", "AGENTBUS_OPENAI_BASE_URL", "https://api.openai.com/v1",
      "OpenAI-compatible API base for agents of kind openai (POST <baseUrl>/chat/completions)");
  public static final Key OPENAI_MODEL = key("openai.model", "AGENTBUS_OPENAI_MODEL", "gpt-4o-mini",
      "model for agents of kind openai");
  public static final Key OPENAI_API_KEY = key("openai.apiKey", "AGENTBUS_OPENAI_API_KEY", "",
      "bearer key for the openai endpoint (empty: none sent)");
  public static final Key UPLOADS_MAX_FILE_BYTES = key("uploads.maxFileBytes", "AGENTBUS_UPLOADS_MAX_FILE_BYTES", 10485760,
      "largest uploaded file (413 beyond)");
  public static final Key UPLOADS_MAX_FILES = key("uploads.maxFiles", "AGENTBUS_UPLOADS_MAX_FILES", 5,
      "files in one upload request (413 beyond)");
  public static final Key UPLOADS_ALLOWED = key("uploads.allowedExtensions", "AGENTBUS_UPLOADS_ALLOWED_EXTENSIONS",
      "txt,md,py,js,json,yaml,yml,csv,pdf,png,jpg,jpeg,gif,doc,docx", "extensions that may be uploaded (415 otherwise)");
  public static final Key UPLOADS_QUOTA_BYTES = key("uploads.quotaBytes", "AGENTBUS_UPLOADS_QUOTA_BYTES", 1073741824,
      "bytes each user may keep stored (413 beyond)");
  public static final Key UPLOADS_TMP_DIR = key("uploads.tmpDir", "AGENTBUS_UPLOADS_TMP_DIR", "",
      "where upload bodies are spooled before they are checked and stored (empty: the system's temp dir)");
  public static final Key MAX_FRAME_BYTES = key("limits.maxFrameBytes", "AGENTBUS_LIMITS_MAX_FRAME_BYTES", 65536,
      "largest /ws message; larger closes the connection with 1009");
  public static final Key MAX_CONTENT_CHARS = key("limits.maxContentChars", "AGENTBUS_LIMITS_MAX_CONTENT_CHARS", 16000,
      "longest chat content");
  public static final Key HISTORY_DEFAULT = key("limits.historyDefault", "AGENTBUS_LIMITS_HISTORY_DEFAULT", 50,
      "history page size when none is asked");
  public static final Key HISTORY_MAX = key("limits.historyMax", "AGENTBUS_LIMITS_HISTORY_MAX", 100,
      "largest history page");
  public static final Key RATE_PER_SECOND = key("limits.ratePerSecond", "AGENTBUS_LIMITS_RATE_PER_SECOND", 50,
      "frames a /ws connection may send per second, sustained");
  public static final Key RATE_BURST = key("limits.rateBurst", "AGENTBUS_LIMITS_RATE_BURST", 100,
      "frames a /ws connection may send in a burst");
  public static final Key SEND_QUEUE_BYTES = key("limits.sendQueueBytes", "AGENTBUS_LIMITS_SEND_QUEUE_BYTES", 1048576,
      "bytes queued to one slow client before it is closed with 4008 (it then resumes with lastSeq)");
  public static final Key GAP_FILL_MS = key("limits.gapFillMs", "AGENTBUS_LIMITS_GAP_FILL_MS", 200,
      "how long a node waits for an out-of-order event's predecessors before reading them from the database");
  public static final Key RESYNC_MS = key("limits.resyncMs", "AGENTBUS_LIMITS_RESYNC_MS", 3000,
      "how often a node checks its subscribed streams against the database for lost tail events");

  private ConfigKeys() {}

  private static Key key(String path, String env, Object dflt, String doc) {
    Key k = new Key(path, env, dflt, doc);
    ALL.add(k);
    return k;
  }

  public static List<Key> all() {
    return Collections.unmodifiableList(ALL);
  }
}
