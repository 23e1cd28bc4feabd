package io.agentbus.router;

import io.agentbus.bus.AppException;
import io.agentbus.bus.Json;
import io.agentbus.bus.Principal;
import io.agentbus.bus.Services;
import io.vertx.core.Future;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

/**
 * Who people are to each other (the web UI, issue 15): the display name each user picks
 * ({@code POST /api/me}), the caller's own identity ({@code GET /api/me}) and the directory the UI
 * resolves author ids and mention completions against ({@code GET /api/users}). Names are data:
 * trimmed, 1–64 characters, no control characters; a user without one shows as their id.
 */
final class Profiles {

  static final int NAME_MAX = 64;
  /** The directory lists at most this many users (the most recently named first). */
  static final int DIRECTORY_MAX = 1000;

  private static final String ONE = "SELECT display_name FROM user_profiles WHERE user_id = $1";
  private static final String UPSERT = "INSERT INTO user_profiles (user_id, display_name) VALUES ($1, $2) "
      + "ON CONFLICT (user_id) DO UPDATE SET display_name = EXCLUDED.display_name, updated_at = now() RETURNING display_name";
  /** Named users, then users seen only as session owners (they show as their id). */
  private static final String DIRECTORY = "SELECT user_id, display_name FROM ("
      + "SELECT user_id, display_name, updated_at AS at FROM user_profiles UNION ALL "
      + "SELECT s.user_id, NULL, max(s.created_at) FROM sessions s "
      + "WHERE NOT EXISTS (SELECT 1 FROM user_profiles p WHERE p.user_id = s.user_id) GROUP BY s.user_id) u "
      + "ORDER BY display_name IS NULL, at DESC LIMIT " + DIRECTORY_MAX;

  private final Pool pool;

  Profiles(Pool pool) {
    this.pool = pool;
  }

  /** {}: the caller's {userId, roles, displayName}. */
  Future<JsonObject> me(Message<Object> msg) {
    Principal who = Principal.of(msg);
    return pool.preparedQuery(ONE).execute(Tuple.of(who.userId())).map(rows -> view(who, rows));
  }

  /** {userId, roles, displayName} from the row of the caller's name (none: the id). */
  private static JsonObject view(Principal who, io.vertx.sqlclient.RowSet<Row> rows) {
    return new JsonObject().put("userId", who.userId()).put("roles", new JsonArray(who.roles()))
        .put("displayName", rows.size() == 0 ? who.userId() : rows.iterator().next().getString(0));
  }

  /** {displayName}: sets the caller's name; answers the same as {@link #me}. */
  Future<JsonObject> setName(Message<Object> msg) {
    Principal who = Principal.of(msg);
    String name = displayName(Services.body(msg));
    return pool.preparedQuery(UPSERT).execute(Tuple.of(who.userId(), name)).map(rows -> view(who, rows));
  }

  /** {}: {users:[{userId, displayName}]}. */
  Future<JsonObject> directory(Message<Object> msg) {
    Principal.of(msg);
    return pool.query(DIRECTORY).execute().map(rows -> {
      JsonArray users = new JsonArray();
      for (Row r : rows) {
        String id = r.getString(0);
        users.add(new JsonObject().put("userId", id).put("displayName", r.getString(1) == null ? id : r.getString(1)));
      }
      return new JsonObject().put("users", users);
    });
  }

  /** The {@code displayName} of a request: trimmed, 1–64 characters, no control characters. */
  static String displayName(JsonObject in) {
    String raw = Json.requireText(in, "displayName", 4 * NAME_MAX);
    String name = raw.strip();
    if (name.length() > NAME_MAX) {
      throw AppException.invalid("'displayName' is longer than " + NAME_MAX + " characters");
    }
    if (name.codePoints().anyMatch(c -> Character.isISOControl(c) || c == 0x2028 || c == 0x2029)) {
      throw AppException.invalid("'displayName' must not contain control characters");
    }
    return name;
  }
}
