package io.agentbus.auth;

import io.agentbus.bus.Addresses;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Browser sessions of single sign-on, and who is signed out, for the whole cluster: rows in
 * PostgreSQL ({@code browser_sessions}, {@code identity_revocations}), a copy of what is revoked
 * in memory (every token check reads it, never the database), kept current by the
 * {@link Addresses#AUTH_REVOKED} broadcast and, for a node that missed one (a partition, a
 * restart), re-read every {@link #RELOAD_MS}. A revocation seen either way is told to the
 * listeners (the bridge closes the connections that carry it), so a signed-out identity loses
 * its subscriptions on every node within seconds.
 */
public final class BrowserSessions {

  private static final Logger LOG = LoggerFactory.getLogger(BrowserSessions.class);
  static final long RELOAD_MS = 5_000;

  /** One session as stored; {@code refreshToken} and {@code idToken} opened (null when none). */
  public record Session(String sid, String userId, List<String> roles, long renewedUntilMs, long endsAtMs,
      boolean revoked, String refreshToken, String idToken) {}

  private final Vertx vertx;
  private final Pool pool;
  private final Sealer sealer;
  private final Set<String> revokedSids = ConcurrentHashMap.newKeySet();
  private final Map<String, Long> revokedBefore = new ConcurrentHashMap<>();
  /** Renewals heard of: a session token past its exp is good while its session's renewal is. */
  private final Map<String, Long> renewedUntil = new ConcurrentHashMap<>();
  private final List<Consumer<JsonObject>> listeners = new CopyOnWriteArrayList<>();
  private long timer = -1;

  public BrowserSessions(Vertx vertx, Pool pool, String jwtSecret) {
    this.vertx = vertx;
    this.pool = pool;
    this.sealer = new Sealer(jwtSecret);
  }

  /** Listens to the cluster's revocations and renewals and reads what is revoked now. */
  public Future<Void> start() {
    var revoked = vertx.eventBus().<JsonObject>consumer(Addresses.AUTH_REVOKED, m -> apply(m.body()));
    var renewed = vertx.eventBus().<JsonObject>consumer(Addresses.AUTH_RENEWED,
        m -> renewedUntil.merge(m.body().getString("sid"), m.body().getLong("until", 0L), Math::max));
    timer = vertx.setPeriodic(RELOAD_MS, id -> reload());
    return Future.all(revoked.completion(), renewed.completion()).compose(v -> reload());
  }

  public void close() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
  }

  /** Told each revocation once it is known here: {sid} or {userId, before}; run the answer to stop. */
  public Runnable onRevoked(Consumer<JsonObject> listener) {
    listeners.add(listener);
    return () -> listeners.remove(listener);
  }

  /** True when the browser session {@code sid} was signed out. */
  public boolean revoked(String sid) {
    return sid != null && revokedSids.contains(sid);
  }

  /** True when {@code userId}'s tokens issued at {@code issuedAtSeconds} were revoked by an operator. */
  public boolean revoked(String userId, long issuedAtSeconds) {
    Long before = userId == null ? null : revokedBefore.get(userId);
    return before != null && issuedAtSeconds * 1000 < before;
  }

  /**
   * Whether revocation {@code r} ({sid} or {userId, before}) covers a connection that {@code userId}
   * signed in with {@code token} (verified when it was accepted; null: dev login, no token).
   */
  public static boolean covers(JsonObject r, String userId, String token) {
    JsonObject c = unverifiedClaims(token);
    if (r.getString("sid") != null) {
      return c != null && r.getString("sid").equals(c.getString("sid"));
    }
    if (!r.getString("userId", "").equals(userId)) {
      return false;
    }
    long iat = c != null && c.getValue("iat") instanceof Number n ? n.longValue() : 0;
    return iat * 1000 < r.getLong("before", 0L);
  }

  /** The claims of a token already verified (null when it is no JWT). */
  public static JsonObject unverifiedClaims(String token) {
    String[] parts = token == null ? new String[0] : token.split("\\.");
    if (parts.length < 2) {
      return null;
    }
    try {
      return new JsonObject(new String(java.util.Base64.getUrlDecoder().decode(parts[1]),
          java.nio.charset.StandardCharsets.UTF_8));
    } catch (RuntimeException e) {
      return null;
    }
  }

  /** A new session; its id. */
  public Future<String> create(String userId, List<String> roles, String refreshToken, String idToken,
      long renewedUntilMs, long endsAtMs) {
    String sid = UUID.randomUUID().toString();
    return pool.preparedQuery("INSERT INTO browser_sessions (sid, user_id, roles, refresh_token, id_token_hint, "
            + "renewed_until, ends_at) VALUES ($1, $2, $3, $4, $5, $6, $7)")
        .execute(Tuple.of(UUID.fromString(sid), userId, roles.toArray(String[]::new), buffer(sealer.seal(refreshToken)),
            buffer(sealer.seal(idToken)), time(renewedUntilMs), time(endsAtMs)))
        .map(rows -> sid);
  }

  /** The session {@code sid}, or null. */
  public Future<Session> get(String sid) {
    UUID id;
    try {
      id = UUID.fromString(sid);
    } catch (IllegalArgumentException | NullPointerException e) {
      return Future.succeededFuture(null);
    }
    return pool.preparedQuery("SELECT sid, user_id, roles, refresh_token, id_token_hint, renewed_until, ends_at, "
            + "revoked_at FROM browser_sessions WHERE sid = $1")
        .execute(Tuple.of(id)).map(rows -> rows.size() == 0 ? null : session(rows.iterator().next()));
  }

  /** Until when a session token of {@code sid} holds: its latest renewal (memory, else the database). */
  public Future<Long> renewedUntil(String sid) {
    Long known = renewedUntil.get(sid);
    if (known != null && known > System.currentTimeMillis()) {
      return Future.succeededFuture(known);
    }
    return get(sid).map(s -> {
      if (s == null || s.revoked()) {
        return 0L;
      }
      renewedUntil.merge(sid, s.renewedUntilMs(), Math::max);
      return s.renewedUntilMs();
    });
  }

  /** Records a renewal (new roles, the provider's rotated tokens) and tells every node. */
  public Future<Void> renewed(String sid, List<String> roles, String refreshToken, String idToken, long untilMs) {
    return pool.preparedQuery("UPDATE browser_sessions SET roles = $2, refresh_token = COALESCE($3, refresh_token), "
            + "id_token_hint = COALESCE($4, id_token_hint), renewed_until = $5 WHERE sid = $1 AND revoked_at IS NULL")
        .execute(Tuple.of(UUID.fromString(sid), roles.toArray(String[]::new), buffer(sealer.seal(refreshToken)),
            buffer(sealer.seal(idToken)), time(untilMs)))
        .map(rows -> {
          renewedUntil.merge(sid, untilMs, Math::max);
          vertx.eventBus().publish(Addresses.AUTH_RENEWED, new JsonObject().put("sid", sid).put("until", untilMs));
          return null;
        });
  }

  /** Signs one browser session out everywhere. */
  public Future<Void> revoke(String sid, String why) {
    return pool.preparedQuery("UPDATE browser_sessions SET revoked_at = now(), revoked_why = $2 "
            + "WHERE sid = $1 AND revoked_at IS NULL")
        .execute(Tuple.of(UUID.fromString(sid), why))
        .map(rows -> {
          publish(new JsonObject().put("sid", sid));
          return null;
        });
  }

  /** Signs a user out everywhere: every token issued before now refused, every browser session ended. */
  public Future<Long> revokeUser(String userId, String why) {
    long before = System.currentTimeMillis();
    return pool.withTransaction(c -> c.preparedQuery("INSERT INTO identity_revocations (user_id, before) "
                + "VALUES ($1, $2) ON CONFLICT (user_id) DO UPDATE SET before = EXCLUDED.before")
            .execute(Tuple.of(userId, time(before)))
            .compose(x -> c.preparedQuery("UPDATE browser_sessions SET revoked_at = now(), revoked_why = $2 "
                + "WHERE user_id = $1 AND revoked_at IS NULL").execute(Tuple.of(userId, why))))
        .map(rows -> {
          publish(new JsonObject().put("userId", userId).put("before", before));
          return (long) rows.rowCount();
        });
  }

  private void publish(JsonObject revocation) {
    apply(revocation); // at once here, whatever the bus does
    vertx.eventBus().publish(Addresses.AUTH_REVOKED, revocation);
  }

  /** Takes one revocation in; listeners hear of it the first time only. */
  private void apply(JsonObject r) {
    boolean fresh;
    if (r.getString("sid") != null) {
      fresh = revokedSids.add(r.getString("sid"));
      renewedUntil.remove(r.getString("sid"));
    } else {
      long before = r.getLong("before", 0L);
      Long old = revokedBefore.put(r.getString("userId"), before);
      fresh = old == null || old < before;
    }
    if (fresh) {
      listeners.forEach(l -> l.accept(r));
    }
  }

  /** What is revoked now, from the database (covers broadcasts this node missed); renewals that ran out are forgotten. */
  private Future<Void> reload() {
    long now = System.currentTimeMillis();
    renewedUntil.values().removeIf(until -> until < now);
    Future<Void> sids = pool.query("SELECT sid FROM browser_sessions WHERE revoked_at IS NOT NULL AND ends_at > now()")
        .execute().map(rows -> {
          for (Row r : rows) {
            apply(new JsonObject().put("sid", r.getUUID(0).toString()));
          }
          return null;
        });
    Future<Void> users = pool.query("SELECT user_id, before FROM identity_revocations").execute().map(rows -> {
      for (Row r : rows) {
        long before = r.getOffsetDateTime(1).toInstant().toEpochMilli();
        Long known = revokedBefore.get(r.getString(0));
        if (known == null || known < before) {
          apply(new JsonObject().put("userId", r.getString(0)).put("before", before));
        }
      }
      return null;
    });
    return Future.all(sids, users).<Void>mapEmpty().onFailure(e -> LOG.debug("revocations not re-read: {}", e.getMessage()));
  }

  private Session session(Row r) {
    return new Session(r.getUUID("sid").toString(), r.getString("user_id"), List.of(r.getArrayOfStrings("roles")),
        r.getOffsetDateTime("renewed_until").toInstant().toEpochMilli(),
        r.getOffsetDateTime("ends_at").toInstant().toEpochMilli(), r.getValue("revoked_at") != null,
        sealer.open(bytes(r.getBuffer("refresh_token"))), sealer.open(bytes(r.getBuffer("id_token_hint"))));
  }

  private static OffsetDateTime time(long ms) {
    return java.time.Instant.ofEpochMilli(ms).atOffset(ZoneOffset.UTC);
  }

  private static Buffer buffer(byte[] b) {
    return b == null ? null : Buffer.buffer(b);
  }

  private static byte[] bytes(Buffer b) {
    return b == null ? null : b.getBytes();
  }
}
