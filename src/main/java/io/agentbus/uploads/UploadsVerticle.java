package io.agentbus.uploads;

import io.agentbus.bus.Addresses;
import io.agentbus.bus.AppException;
import io.agentbus.bus.ErrorCode;
import io.agentbus.bus.Json;
import io.agentbus.bus.Principal;
import io.agentbus.bus.Requests;
import io.agentbus.bus.Services;
import io.agentbus.config.Sections;
import io.agentbus.node.NodeParts;
import io.agentbus.stream.Interest;
import io.agentbus.stream.StreamName;
import io.agentbus.stream.StreamStore;
import io.agentbus.stream.StreamWriter;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The uploads verticle (PROTOCOL §8): checks, processes and stores the files the node's HTTP edge
 * spooled, says who may download a file, attaches files to messages and workflows, and deletes
 * them. Owns the tables {@code files}, {@code file_chunks} and {@code file_links}.
 *
 * <p>An upload is all or nothing: every file is checked (size, extension, bytes against the
 * extension, the owner's quota) and processed before any is stored; the chunks of each are written
 * before its row, the rows in one transaction, and on any failure the chunks already written are
 * deleted. Hashing, type detection and processing run on a small worker pool, never on an event
 * loop.
 */
public final class UploadsVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(UploadsVerticle.class);
  /** Worker threads for hashing and processing: bounded, so uploads cannot starve the node. */
  static final int WORKERS = 2;
  /** Files stored at once, node-wide (about the pool's connections: more would only queue chunks in memory). */
  static final int STORE_SLOTS = 4;
  static final long ORPHAN_SWEEP_MS = 10 * 60_000;
  /** How long one file's processing may take; past it the file is stored with an error as its content. */
  static final long PROCESS_SECONDS = 30;

  private Pool pool;
  private FileStore store;
  private FileQueries files;
  private StreamWriter writer;
  private final Interest interest = new Interest();
  private WorkerExecutor workers;
  /** Files whose bytes are being written at once: each holds a chunk in memory, so they are bounded. */
  private final Slots storeSlots = new Slots(STORE_SLOTS);
  private Set<String> allowed;
  private long maxFileBytes;
  private long quotaBytes;

  private final NodeParts parts;

  public UploadsVerticle(NodeParts parts) {
    this.parts = parts;
  }

  @Override
  public Future<?> start() {
    Sections.Uploads cfg = parts.config().uploads();
    pool = parts.pool();
    store = new PgFileStore(vertx, pool);
    files = new FileQueries(pool);
    writer = new StreamWriter(vertx, new StreamStore(pool), interest, parts.metrics());
    workers = vertx.createSharedWorkerExecutor("agentbus-uploads", WORKERS);
    allowed = Arrays.stream(cfg.allowedExtensions().split(",")).map(String::trim)
        .filter(s -> !s.isEmpty()).collect(Collectors.toSet());
    maxFileBytes = cfg.maxFileBytes();
    quotaBytes = cfg.quotaBytes();
    vertx.setPeriodic(ORPHAN_SWEEP_MS, id -> files.sweepOrphanChunks()
        .onFailure(e -> LOG.warn("orphan chunk sweep failed: {}", e.toString())));
    List<MessageConsumer<?>> consumers = List.of(interest.listen(vertx),
        Services.serve(vertx, LOG, Addresses.UPLOADS_STORE, this::storeRequest),
        Services.serve(vertx, LOG, Addresses.UPLOADS_FILE, this::fileRequest),
        Services.serve(vertx, LOG, Addresses.UPLOADS_ATTACH, this::attachRequest),
        Services.serve(vertx, LOG, Addresses.UPLOADS_DELETE, this::deleteRequest),
        Services.serve(vertx, LOG, Addresses.UPLOADS_REMOVED, this::removedRequest));
    return Future.all(consumers.stream().map(MessageConsumer::completion).toList());
  }

  @Override
  public Future<?> stop() {
    return workers.close();
  }

  // ---------------------------------------------------------------- upload

  /** A checked, processed file, not stored yet. */
  private record Prepared(String fileId, Path path, String originalName, ContentCheck.Verdict verdict, long size,
      String sha256, JsonObject processedContent, boolean hasText) {

    JsonObject toJson() {
      return new JsonObject().put("fileId", fileId).put("originalName", originalName)
          .put("contentType", verdict.contentType()).put("size", size).put("sha256", sha256)
          .put("processedContent", processedContent);
    }
  }

  /** {sessionId, files:[{path, originalName}]} from this node's HTTP edge, as the uploader. */
  private Future<JsonObject> storeRequest(Message<Object> msg) {
    Principal who = Principal.of(msg);
    JsonObject in = Services.body(msg);
    String session = Json.requireId(in, "sessionId");
    JsonArray list = in.getJsonArray("files", new JsonArray());
    return vertx.eventBus().request(Addresses.SESSION_CLAIM, new JsonObject().put("sessionId", session), Requests.as(who))
        .compose(claimed -> {
          List<Future<Prepared>> prepared = new ArrayList<>();
          for (Object o : list) {
            JsonObject f = (JsonObject) o;
            prepared.add(workers.executeBlocking(() -> check(Path.of(f.getString("path")), f.getString("originalName")),
                false).compose(this::processBounded));
          }
          return Future.all(prepared).map(all -> all.<Prepared>list());
        })
        .compose(all -> files.storedBytes(who.userId()).compose(used -> {
          long adding = all.stream().mapToLong(Prepared::size).sum();
          if (used + adding > quotaBytes) {
            return Future.failedFuture(new AppException(ErrorCode.PAYLOAD_TOO_LARGE, "storing these files ("
                + adding + " bytes) would pass your storage quota of " + quotaBytes + " bytes (" + used
                + " bytes used); delete files to make room"));
          }
          return storeAll(who, session, all);
        }));
  }

  /**
   * Processing on a worker, bounded in time: a file whose reading takes too long (a PDF built to
   * be slow) is stored with an error as its processed content instead of holding the upload.
   */
  private Future<Prepared> processBounded(Prepared checked) {
    return workers.executeBlocking(() -> spoolText(checked.path(), Processor.process(checked.path(),
            checked.verdict().extension(), Processor.Limits.DEFAULT)), false)
        .map(r -> new Prepared(checked.fileId(), checked.path(), checked.originalName(), checked.verdict(),
            checked.size(), checked.sha256(), r.processedContent(), r.text() != null))
        .timeout(PROCESS_SECONDS, java.util.concurrent.TimeUnit.SECONDS)
        .otherwise(err -> new Prepared(checked.fileId(), checked.path(), checked.originalName(), checked.verdict(),
            checked.size(), checked.sha256(), new JsonObject().put("type", "error").put("message",
                err.getClass().getSimpleName().contains("Timeout") ? "reading the file took longer than "
                    + PROCESS_SECONDS + " s" : "could not read the file"), false));
  }

  /**
   * The extracted text waits for its row in a file beside the spooled one, not in memory: twenty
   * uploads waiting to be stored would otherwise hold twenty texts of up to 1 MiB.
   */
  private static Processor.Result spoolText(Path path, Processor.Result r) throws java.io.IOException {
    if (r.text() != null) {
      Files.writeString(textPath(path), r.text());
    }
    return r;
  }

  private static Path textPath(Path spooled) {
    return spooled.resolveSibling(spooled.getFileName() + ".text");
  }

  /** On a worker: size, extension and content checks and the hash of one spooled file. */
  private Prepared check(Path path, String originalName) throws Exception {
    long size = Files.size(path);
    if (size > maxFileBytes) {
      throw new AppException(ErrorCode.PAYLOAD_TOO_LARGE, "a file is larger than " + maxFileBytes + " bytes");
    }
    String ext = ContentCheck.extensionOf(originalName);
    if (!ContentCheck.allowed(ext, allowed)) {
      throw new AppException(ErrorCode.UNSUPPORTED_MEDIA_TYPE, "files of type '." + ext + "' are not accepted "
          + "(allowed: " + String.join(", ", allowed.stream().sorted().toList()) + ")");
    }
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    byte[] head = new byte[ContentCheck.HEAD_BYTES];
    int headLength = 0;
    try (InputStream in = Files.newInputStream(path)) {
      byte[] buf = new byte[64 * 1024];
      for (int n; (n = in.read(buf)) > 0; ) {
        sha.update(buf, 0, n);
        if (headLength < head.length) {
          int take = Math.min(n, head.length - headLength);
          System.arraycopy(buf, 0, head, headLength, take);
          headLength += take;
        }
      }
    }
    ContentCheck.Verdict verdict = ContentCheck.check(ext, head, headLength);
    if (!verdict.matches()) {
      throw new AppException(ErrorCode.UNSUPPORTED_MEDIA_TYPE, "the file's bytes are " + verdict.detected()
          + ", not what '." + ext + "' claims");
    }
    return new Prepared(Json.newId(), path, originalName, verdict, size, HexFormat.of().formatHex(sha.digest()), null,
        false);
  }

  private Future<JsonObject> storeAll(Principal who, String session, List<Prepared> all) {
    // One slot per upload: its files' chunks one after the other, then its rows (texts read back
    // from their spool just then), so memory is bounded by the slots, not by the uploads waiting.
    return storeSlots.run(() -> {
      Future<Void> chain = Future.succeededFuture();
      for (Prepared p : all) {
        chain = chain.compose(v -> store.put(p.fileId(), p.path()));
      }
      return chain.compose(v -> workers.executeBlocking(() -> rows(all), false))
          .compose(rows -> files.insert(who.userId(), session, rows));
    })
        .recover(err -> {
          List<Future<Void>> undo = all.stream().map(p -> store.delete(p.fileId())).toList();
          return Future.join(undo).transform(x -> Future.failedFuture(err));
        })
        .compose(v -> {
          JsonArray out = new JsonArray(all.stream().map(Prepared::toJson).toList());
          JsonObject event = new JsonObject().put("type", "files_uploaded").put("sessionId", session)
              .put("files", out).put("timestamp", Json.now());
          return writer.append(StreamName.session(session), "files_uploaded", event.encode())
              .map(seq -> new JsonObject().put("status", "success").put("files", out));
        });
  }

  /** The rows of an upload, with each text read back from its spool (on a worker). */
  private static List<FileQueries.Row> rows(List<Prepared> all) throws java.io.IOException {
    List<FileQueries.Row> rows = new ArrayList<>();
    for (Prepared p : all) {
      String text = p.hasText() ? Files.readString(textPath(p.path())) : null;
      rows.add(new FileQueries.Row(p.fileId(), p.originalName(), p.verdict().contentType(), p.size(), p.sha256(),
          p.processedContent(), text));
    }
    return rows;
  }

  // ---------------------------------------------------------------- download, attach, delete

  /** A file's metadata for its download, when the caller may read it; NOT_FOUND for unknown and forbidden alike. */
  private Future<JsonObject> fileRequest(Message<Object> msg) {
    Principal who = Principal.of(msg);
    String id = Json.requireId(Services.body(msg), "fileId");
    return files.get(id).compose(f -> f == null ? notFound(id) : mayRead(who, f).compose(ok -> ok
        ? Future.succeededFuture(f) : notFound(id)));
  }

  private static <T> Future<T> notFound(String id) {
    return Future.failedFuture(AppException.notFound("no file '" + id + "'"));
  }

  /** The uploader, admins, and whoever may read where the file was attached. */
  private Future<Boolean> mayRead(Principal who, JsonObject f) {
    if (who.isOwnerOr(f.getString("ownerId"), "admin")) {
      return Future.succeededFuture(true);
    }
    JsonArray links = f.getJsonArray("links", new JsonArray());
    List<Future<Boolean>> checks = new ArrayList<>();
    for (Object o : links) {
      JsonObject l = (JsonObject) o;
      if ("channel".equals(l.getString("kind"))) {
        // Whoever may read the channel: everyone for a public one, the members of a private one or DM.
        checks.add(vertx.eventBus().request(Addresses.SUBSCRIBE_CHECK, new JsonObject().put("stream",
            io.agentbus.stream.StreamName.channel(l.getString("ref"))), Requests.as(who)).map(true).otherwise(false));
        continue;
      }
      checks.add(vertx.eventBus().request(Addresses.WORKFLOW_READ_CHECK, new JsonObject().put("workflowId",
          l.getString("ref")), Requests.as(who)).map(true).otherwise(false));
    }
    return Future.all(checks).map(all -> all.<Boolean>list().contains(true));
  }

  /**
   * {fileIds, kind, ref}: attaches the caller's files to a message (kind {@code channel}) or a
   * workflow; answers each file's metadata, processed content and text (for agents).
   */
  private Future<JsonObject> attachRequest(Message<Object> msg) {
    Principal who = Principal.of(msg);
    JsonObject in = Services.body(msg);
    JsonArray ids = Json.optStringArray(in, "fileIds", 20, 64);
    String kind = Json.requireString(in, "kind", 16);
    String ref = Json.requireString(in, "ref", 64);
    if (!Set.of("channel", "workflow").contains(kind)) {
      throw AppException.invalid("'kind' must be channel or workflow");
    }
    List<Future<JsonObject>> found = new ArrayList<>();
    for (Object o : ids) {
      String id = (String) o;
      found.add(files.get(id).compose(f -> f != null && who.isOwnerOr(f.getString("ownerId"), "admin")
          ? Future.succeededFuture(f) : notFound(id)));
    }
    return Future.all(found).compose(all -> files.link(all.<JsonObject>list().stream()
            .map(f -> f.getString("fileId")).toList(), kind, ref).map(v -> all.<JsonObject>list()))
        .map(list -> new JsonObject().put("files", new JsonArray(list.stream().map(f -> new JsonObject()
            .put("fileId", f.getString("fileId")).put("originalName", f.getString("originalName"))
            .put("contentType", f.getString("contentType")).put("size", f.getLong("size"))
            .put("processedContent", f.getJsonObject("processedContent")).put("text", f.getString("text"))).toList())));
  }

  /** {fileIds}: those that were deleted (or never stored), for history to show them removed. */
  private Future<JsonObject> removedRequest(Message<Object> msg) {
    JsonArray ids = Json.optStringArray(Services.body(msg), "fileIds", 1000, 64);
    return files.removed(ids.stream().map(String::valueOf).toArray(String[]::new))
        .map(list -> new JsonObject().put("removed", new JsonArray(list)));
  }

  /** The uploader or an admin deletes a file: its bytes go, its row says when. */
  private Future<JsonObject> deleteRequest(Message<Object> msg) {
    Principal who = Principal.of(msg);
    String id = Json.requireId(Services.body(msg), "fileId");
    return files.get(id).compose(f -> {
      if (f == null) {
        return notFound(id);
      }
      if (!who.isOwnerOr(f.getString("ownerId"), "admin")) {
        return Future.failedFuture(AppException.forbidden("only the uploader or an admin may delete file '" + id + "'"));
      }
      return files.markDeleted(id).compose(v -> store.delete(id))
          .map(v -> new JsonObject().put("status", "deleted").put("fileId", id));
    });
  }
}
