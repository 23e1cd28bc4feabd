package io.agentbus.router;

import io.agentbus.bus.Json;
import io.agentbus.bus.Principal;
import io.agentbus.bus.Services;
import io.agentbus.stream.StreamStore;
import io.vertx.core.Future;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * A stream read by cursor (PROTOCOL §12, {@code GET /api/streams/{stream}/events}): the stored
 * events after a seq, oldest first, for whoever may read the stream. Seqs of a stream commit in
 * order (the writer's row lock), so a page never has a hole that fills later: the next page starts
 * after this one's {@code lastSeq} and misses nothing.
 */
final class StreamPages {

  static final int DEFAULT_LIMIT = 100;
  static final int MAX_LIMIT = 500;

  private final StreamStore streams;
  private final ReadRights rights;

  StreamPages(StreamStore streams, ReadRights rights) {
    this.streams = streams;
    this.rights = rights;
  }

  Future<JsonObject> page(Message<Object> msg) {
    JsonObject in = Services.body(msg);
    String stream = Json.requireString(in, "stream", 200);
    Long afterArg = Json.optLong(in, "after", 0, Long.MAX_VALUE);
    Long limitArg = Json.optLong(in, "limit", 1, MAX_LIMIT);
    long after = afterArg == null ? 0 : afterArg;
    int limit = limitArg == null ? DEFAULT_LIMIT : limitArg.intValue();
    return rights.mayRead(Principal.of(msg), stream)
        .compose(v -> streams.after(stream, after, Long.MAX_VALUE, limit + 1))
        .map(events -> {
          JsonArray out = new JsonArray();
          long last = after;
          for (int i = 0; i < Math.min(limit, events.size()); i++) {
            out.add(new JsonObject(events.get(i).frame()));
            last = events.get(i).seq();
          }
          return new JsonObject().put("stream", stream).put("events", out).put("lastSeq", last)
              .put("hasMore", events.size() > limit);
        });
  }
}
