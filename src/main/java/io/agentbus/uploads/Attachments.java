package io.agentbus.uploads;

import io.agentbus.bus.Addresses;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * Attaching files, for the services that take {@code attachments: [fileId]} (the router for
 * messages, the orchestrator for workflows), and the shapes attachments are shown in.
 */
public final class Attachments {

  private Attachments() {}

  /**
   * Asks the uploads verticle to check the caller's files ({@code opts} carry the caller) and
   * attach them to a channel's message or a workflow ({@code kind} channel | workflow,
   * {@code ref} its name or id); answers each file with its processed content and text.
   */
  public static Future<JsonArray> attach(Vertx vertx, DeliveryOptions opts, JsonArray fileIds, String kind, String ref) {
    if (fileIds.isEmpty()) {
      return Future.succeededFuture(new JsonArray());
    }
    JsonObject ask = new JsonObject().put("fileIds", fileIds).put("kind", kind).put("ref", ref);
    return vertx.eventBus().<JsonObject>request(Addresses.UPLOADS_ATTACH, ask, opts)
        .map(m -> m.body().getJsonArray("files"));
  }

  /** As a message carries them (PROTOCOL §8): what each file is. */
  public static JsonArray metadata(JsonArray files) {
    JsonArray out = new JsonArray();
    for (Object o : files) {
      JsonObject f = (JsonObject) o;
      out.add(new JsonObject().put("fileId", f.getString("fileId")).put("originalName", f.getString("originalName"))
          .put("contentType", f.getString("contentType")).put("size", f.getLong("size")));
    }
    return out;
  }

  /** As workflow events show them: everything but the text (agents get that in their task). */
  public static JsonArray withoutText(JsonArray files) {
    JsonArray out = new JsonArray();
    for (Object o : files) {
      if (o instanceof JsonObject f) {
        JsonObject m = f.copy();
        m.remove("text");
        out.add(m);
      } else {
        out.add(o);
      }
    }
    return out;
  }
}
