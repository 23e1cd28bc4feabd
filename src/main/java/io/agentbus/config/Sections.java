package io.agentbus.config;

import java.util.Arrays;
import java.util.List;

/**
 * The configuration as typed sections, one record per part of the node that reads it. Call
 * sites read {@code cfg.db().poolSize()}, never a key: the keys ({@link ConfigKeys}) are spelled
 * only here and in {@link AgentbusConfig}'s validation, so a renamed or retyped key breaks the
 * build where it is read, not at run time.
 */
public final class Sections {

  private Sections() {}

  /** The HTTP / WebSocket / SockJS server. */
  public record Http(String host, int port, List<String> allowedOrigins, int sseKeepAliveMs) {
    static Http of(AgentbusConfig c) {
      return new Http(c.string(ConfigKeys.HTTP_HOST), c.integer(ConfigKeys.HTTP_PORT),
          commaList(c.string(ConfigKeys.HTTP_ALLOWED_ORIGINS)), c.integer(ConfigKeys.HTTP_SSE_KEEP_ALIVE_MS));
    }
  }

  /** Hazelcast and the clustered event bus. */
  public record Cluster(String name, String host, int port, List<String> members, String kubernetesService,
      int eventBusPort, int heartbeatSeconds, int maxNoHeartbeatSeconds, int expectedMembers, int mergeSeconds,
      boolean tls, String tlsCert, String tlsKey, String tlsCa) {
    static Cluster of(AgentbusConfig c) {
      return new Cluster(c.string(ConfigKeys.CLUSTER_NAME), c.string(ConfigKeys.CLUSTER_HOST),
          c.integer(ConfigKeys.CLUSTER_PORT), commaList(c.string(ConfigKeys.CLUSTER_MEMBERS)),
          c.string(ConfigKeys.CLUSTER_KUBERNETES_SERVICE), c.integer(ConfigKeys.CLUSTER_EVENT_BUS_PORT),
          c.integer(ConfigKeys.CLUSTER_HEARTBEAT_SECONDS), c.integer(ConfigKeys.CLUSTER_MAX_NO_HEARTBEAT_SECONDS),
          c.integer(ConfigKeys.CLUSTER_EXPECTED_MEMBERS), c.integer(ConfigKeys.CLUSTER_MERGE_SECONDS),
          !"off".equals(c.string(ConfigKeys.CLUSTER_TLS)), c.string(ConfigKeys.CLUSTER_TLS_CERT),
          c.string(ConfigKeys.CLUSTER_TLS_KEY), c.string(ConfigKeys.CLUSTER_TLS_CA));
    }

    /** The members as written ({@code cluster.members}, comma-separated). */
    public String membersText() {
      return String.join(",", members);
    }
  }

  /** PostgreSQL. {@code url} is empty until the node resolved it (then always set). */
  public record Db(String url, int poolSize, String embeddedDir, int embeddedPort) {
    static Db of(AgentbusConfig c) {
      return new Db(c.string(ConfigKeys.DB_URL).trim(), c.integer(ConfigKeys.DB_POOL_SIZE),
          c.string(ConfigKeys.DB_EMBEDDED_DIR), c.integer(ConfigKeys.DB_EMBEDDED_PORT));
    }
  }

  /** Tokens: who may connect, and for how long. {@code jwtSecret} is resolved at start. */
  public record Auth(String jwtSecret, String issuer, String audience, String jwksUrl, String rolesClaim,
      int tokenTtlSeconds, int authTimeoutMs, String userClaim, String roleMap, Oidc oidc) {
    static Auth of(AgentbusConfig c) {
      return new Auth(c.string(ConfigKeys.JWT_SECRET), c.string(ConfigKeys.JWT_ISSUER),
          c.string(ConfigKeys.JWT_AUDIENCE), c.string(ConfigKeys.JWKS_URL), c.string(ConfigKeys.JWT_ROLES_CLAIM),
          c.integer(ConfigKeys.TOKEN_TTL_SECONDS), c.integer(ConfigKeys.AUTH_TIMEOUT_MS),
          c.string(ConfigKeys.USER_CLAIM).trim(), c.string(ConfigKeys.ROLE_MAP).trim(), Oidc.of(c));
    }
  }

  /** Single sign-on through an OpenID Connect provider ({@code auth.oidc.*}); {@link #enabled} when an issuer is set. */
  public record Oidc(String issuer, String clientId, String clientSecret, List<String> scopes, String redirectUrl,
      String userClaim, String roleMap, int sessionTtlSeconds, int sessionMaxSeconds) {
    static Oidc of(AgentbusConfig c) {
      return new Oidc(c.string(ConfigKeys.OIDC_ISSUER).trim(), c.string(ConfigKeys.OIDC_CLIENT_ID),
          c.string(ConfigKeys.OIDC_CLIENT_SECRET), List.of(c.string(ConfigKeys.OIDC_SCOPES).trim().split("\\s+")),
          c.string(ConfigKeys.OIDC_REDIRECT_URL).trim(), c.string(ConfigKeys.USER_CLAIM),
          c.string(ConfigKeys.ROLE_MAP), c.integer(ConfigKeys.OIDC_SESSION_TTL_SECONDS),
          c.integer(ConfigKeys.OIDC_SESSION_MAX_SECONDS));
    }

    public boolean enabled() {
      return !issuer.isEmpty();
    }
  }

  /** The operators' endpoint. */
  public record Admin(String token, String allowedAddresses, int maxBodyBytes) {
    static Admin of(AgentbusConfig c) {
      return new Admin(c.string(ConfigKeys.ADMIN_TOKEN), c.string(ConfigKeys.ADMIN_ALLOWED_ADDRESSES),
          c.integer(ConfigKeys.ADMIN_MAX_BODY_BYTES));
    }
  }

  /** What one client may send and hold, and how the hub repairs streams. */
  public record Limits(int maxFrameBytes, int maxContentChars, int historyDefault, int historyMax,
      int ratePerSecond, int rateBurst, int sendQueueBytes, int gapFillMs, int resyncMs, int idempotencyTtlHours) {
    static Limits of(AgentbusConfig c) {
      return new Limits(c.integer(ConfigKeys.MAX_FRAME_BYTES), c.integer(ConfigKeys.MAX_CONTENT_CHARS),
          c.integer(ConfigKeys.HISTORY_DEFAULT), c.integer(ConfigKeys.HISTORY_MAX),
          c.integer(ConfigKeys.RATE_PER_SECOND), c.integer(ConfigKeys.RATE_BURST),
          c.integer(ConfigKeys.SEND_QUEUE_BYTES), c.integer(ConfigKeys.GAP_FILL_MS), c.integer(ConfigKeys.RESYNC_MS),
          c.integer(ConfigKeys.IDEMPOTENCY_TTL_HOURS));
    }
  }

  /** Workflows, their agents and the OpenAI-compatible model; approvals' sweep. */
  public record Orchestrator(String workflowsFile, String agentKinds, int leaseSeconds, int approvalsSweepMs,
      String openaiBaseUrl, String openaiModel, String openaiApiKey, int eventsKeptSeconds) {
    static Orchestrator of(AgentbusConfig c) {
      return new Orchestrator(c.string(ConfigKeys.WORKFLOWS_FILE), c.string(ConfigKeys.AGENT_KINDS),
          c.integer(ConfigKeys.LEASE_SECONDS), c.integer(ConfigKeys.APPROVALS_SWEEP_MS),
          c.string(ConfigKeys.OPENAI_BASE_URL), c.string(ConfigKeys.OPENAI_MODEL), c.string(ConfigKeys.OPENAI_API_KEY),
          c.integer(ConfigKeys.EVENTS_KEPT_SECONDS));
    }
  }

  /** Files users upload for agents. */
  public record Uploads(int maxFileBytes, int maxFiles, String allowedExtensions, int quotaBytes, String tmpDir) {
    static Uploads of(AgentbusConfig c) {
      return new Uploads(c.integer(ConfigKeys.UPLOADS_MAX_FILE_BYTES), c.integer(ConfigKeys.UPLOADS_MAX_FILES),
          c.string(ConfigKeys.UPLOADS_ALLOWED), c.integer(ConfigKeys.UPLOADS_QUOTA_BYTES),
          c.string(ConfigKeys.UPLOADS_TMP_DIR));
    }
  }

  /** The node itself: profile, transport, shutdown. */
  public record Node(String profile, String transport, int shutdownDrainMs, int shutdownSeconds) {
    static Node of(AgentbusConfig c) {
      return new Node(c.string(ConfigKeys.PROFILE), c.string(ConfigKeys.TRANSPORT),
          c.integer(ConfigKeys.SHUTDOWN_DRAIN_MS), c.integer(ConfigKeys.SHUTDOWN_SECONDS));
    }
  }

  static List<String> commaList(String s) {
    return Arrays.stream(s.split(",")).map(String::trim).filter(x -> !x.isEmpty()).toList();
  }
}
