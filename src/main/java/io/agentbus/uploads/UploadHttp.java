package io.agentbus.uploads;

import io.agentbus.bus.Addresses;
import io.agentbus.bus.AppException;
import io.agentbus.bus.ErrorCode;
import io.agentbus.bus.Principal;
import io.agentbus.bus.Requests;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.file.AsyncFile;
import io.vertx.core.file.OpenOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.BiConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The uploads room's HTTP edge, mounted by the bridge: {@code POST /api/upload} streams each part
 * of the multipart body to a spool file (never held in memory; a file past the limit is refused
 * at once, 413), then asks this node's uploads verticle to check, process and store them;
 * {@code GET}/{@code HEAD /api/files/{id}} streams a stored file chunk by chunk, with
 * {@code Range}; {@code DELETE} removes one. The spool is deleted whatever happens, also when the
 * client disconnects mid-body — nothing was stored by then.
 */
public final class UploadHttp {

  private static final Pattern RANGE = Pattern.compile("bytes=(\\d*)-(\\d*)");

  /** Answers a coded failure (the bridge's JSON error body). */
  public interface Fail extends BiConsumer<HttpServerResponse, AppException> {}

  private final Vertx vertx;
  private final FileStore store;
  private final Path spool;
  private final int maxFileBytes;
  private final int maxFiles;
  private final boolean uploadsHere;

  /**
   * @param uploadsHere this node runs the uploads verticle (uploads are stored by the node that
   *     received them; downloads work on every node)
   */
  public UploadHttp(Vertx vertx, Pool pool, String spoolDir, int maxFileBytes, int maxFiles, boolean uploadsHere) {
    this.vertx = vertx;
    this.store = new PgFileStore(vertx, pool);
    this.spool = Path.of(spoolDir.isEmpty() ? System.getProperty("java.io.tmpdir") : spoolDir, "agentbus-uploads");
    this.maxFileBytes = maxFileBytes;
    this.maxFiles = maxFiles;
    this.uploadsHere = uploadsHere;
  }

  // ---------------------------------------------------------------- upload

  /** {@code POST /api/upload} as {@code who}; {@code fail} answers refusals. */
  public void upload(HttpServerRequest req, Principal who, Fail fail) {
    if (!uploadsHere) {
      fail.accept(req.response(), new AppException(ErrorCode.UNAVAILABLE, "this node does not take uploads"));
      return;
    }
    String type = String.valueOf(req.getHeader("Content-Type")).toLowerCase();
    if (!type.startsWith("multipart/form-data")) {
      fail.accept(req.response(), AppException.invalid("an upload is multipart/form-data: sessionId and files"));
      return;
    }
    Path dir = spool.resolve(UUID.randomUUID().toString());
    List<JsonObject> parts = new ArrayList<>();
    List<Future<Void>> written = new ArrayList<>();
    boolean[] refused = {false};
    Runnable cleanup = () -> vertx.fileSystem().deleteRecursive(dir.toString()).otherwiseEmpty();
    req.setExpectMultipart(true);
    req.exceptionHandler(err -> {
      refused[0] = true;
      cleanup.run();
    });
    req.connection().closeHandler(v -> cleanup.run()); // a client gone mid-body: nothing was stored
    req.uploadHandler(part -> {
      if (refused[0]) {
        return;
      }
      if (parts.size() >= maxFiles) {
        refuse(req, refused, fail, new AppException(ErrorCode.PAYLOAD_TOO_LARGE, "at most " + maxFiles
            + " files in one upload"), cleanup);
        return;
      }
      Path file = dir.resolve("part-" + parts.size()); // generated names only: the client's is data
      parts.add(new JsonObject().put("path", file.toString()).put("originalName", safeName(part.filename())));
      Promise<Void> done = Promise.promise();
      written.add(done.future());
      part.pause();
      vertx.fileSystem().mkdirs(dir.toString())
          .compose(v -> vertx.fileSystem().open(file.toString(), new OpenOptions().setCreateNew(true).setWrite(true)))
          .onFailure(done::tryFail)
          .onSuccess(out -> spoolPart(req, part, out, refused, fail, cleanup, done));
    });
    req.resume(); // paused by the caller while it authenticated: the body flows from here
    req.endHandler(v -> {
      if (refused[0]) {
        return;
      }
      String session = req.getFormAttribute("sessionId");
      Future.all(written).onComplete(ar -> {
        if (refused[0]) {
          return;
        }
        if (ar.failed()) {
          refuse(req, refused, fail, new AppException(ErrorCode.INTERNAL_ERROR, "the upload could not be spooled"),
              cleanup);
          return;
        }
        if (session == null || !io.agentbus.bus.Names.isId(session)) {
          refuse(req, refused, fail, AppException.invalid("'sessionId' (a form field) is required"), cleanup);
          return;
        }
        if (parts.isEmpty()) {
          refuse(req, refused, fail, AppException.invalid("no file in the upload"), cleanup);
          return;
        }
        JsonObject ask = new JsonObject().put("sessionId", session).put("files", new JsonArray(new ArrayList<>(parts)));
        vertx.eventBus().<JsonObject>request(Addresses.UPLOADS_STORE, ask,
                Requests.as(who).setLocalOnly(true).setSendTimeout(Requests.SERVICE_MS * 6))
            .onComplete(stored -> {
              cleanup.run();
              if (stored.succeeded()) {
                req.response().setStatusCode(200).putHeader("Content-Type", "application/json")
                    .end(stored.result().body().encode());
              } else {
                fail.accept(req.response(), AppException.from(stored.cause()));
              }
            });
      });
    });
  }

  /** Writes one part to its spool file, minding back-pressure; past the size limit the upload is refused at once. */
  private void spoolPart(HttpServerRequest req, io.vertx.core.http.HttpServerFileUpload part, AsyncFile out,
      boolean[] refused, Fail fail, Runnable cleanup, Promise<Void> done) {
    long[] size = {0};
    boolean[] closed = {false};
    java.util.function.Supplier<Future<Void>> close = () -> {
      if (closed[0]) {
        return Future.succeededFuture();
      }
      closed[0] = true;
      return out.close();
    };
    part.handler(buf -> {
      if (refused[0]) {
        return; // refused already: the rest of the body is read and dropped
      }
      size[0] += buf.length();
      if (size[0] > maxFileBytes) {
        close.get();
        refuse(req, refused, fail, new AppException(ErrorCode.PAYLOAD_TOO_LARGE, "a file is larger than "
            + maxFileBytes + " bytes"), cleanup);
        done.tryFail("too large");
        return;
      }
      out.write(buf);
      if (out.writeQueueFull()) {
        part.pause();
        out.drainHandler(v -> part.resume());
      }
    });
    part.endHandler(v -> close.get().onComplete(c -> done.tryComplete()));
    part.exceptionHandler(err -> {
      close.get();
      done.tryFail(err);
    });
    part.resume();
  }

  private static void refuse(HttpServerRequest req, boolean[] refused, Fail fail, AppException e, Runnable cleanup) {
    if (refused[0]) {
      return;
    }
    refused[0] = true;
    cleanup.run();
    // Answer, then close: the client may still be sending a body nobody will read.
    req.response().putHeader("Connection", "close");
    fail.accept(req.response(), e);
  }

  /** A client's file name as data: no path, no control characters, bounded. */
  static String safeName(String name) {
    String n = name == null ? "" : name;
    n = n.substring(Math.max(n.lastIndexOf('/'), n.lastIndexOf('\\')) + 1);
    n = n.replaceAll("\\p{Cntrl}", "").replace("\uFFFD", "");
    if (n.length() > 255) {
      int dot = n.lastIndexOf('.');
      String ext = dot > 0 && n.length() - dot <= 10 ? n.substring(dot) : "";
      n = n.substring(0, 255 - ext.length()) + ext;
    }
    return n.isBlank() || n.equals(".") || n.equals("..") ? "file" : n;
  }

  // ---------------------------------------------------------------- download and delete

  /** {@code GET} or {@code HEAD /api/files/{id}} as {@code who}. */
  public void download(HttpServerRequest req, String fileId, Principal who, Fail fail) {
    vertx.eventBus().<JsonObject>request(Addresses.UPLOADS_FILE, new JsonObject().put("fileId", fileId), Requests.as(who))
        .onFailure(err -> fail.accept(req.response(), AppException.from(err)))
        .onSuccess(m -> send(req, m.body(), fail));
  }

  private void send(HttpServerRequest req, JsonObject f, Fail fail) {
    long size = f.getLong("size");
    HttpServerResponse resp = req.response();
    resp.putHeader("Content-Type", f.getString("contentType"))
        .putHeader("Content-Disposition", "attachment; filename*=UTF-8''" + encode(f.getString("originalName")))
        .putHeader("X-Content-Type-Options", "nosniff").putHeader("Content-Security-Policy", "sandbox")
        .putHeader("Accept-Ranges", "bytes").putHeader("ETag", "\"" + f.getString("sha256") + "\"");
    long from = 0;
    long to = size - 1;
    String range = req.getHeader("Range");
    if (range != null) {
      Matcher m = RANGE.matcher(range.trim());
      long[] r = m.matches() ? range(m.group(1), m.group(2), size) : null;
      if (r == null) {
        resp.setStatusCode(416).putHeader("Content-Range", "bytes */" + size).end();
        return;
      }
      from = r[0];
      to = r[1];
      resp.setStatusCode(206).putHeader("Content-Range", "bytes " + from + "-" + to + "/" + size);
    }
    resp.putHeader("Content-Length", String.valueOf(Math.max(0, to - from + 1)));
    if (req.method() == HttpMethod.HEAD || size == 0) {
      resp.end();
      return;
    }
    store.read(f.getString("fileId"), from, to, resp).onComplete(ar -> {
      if (ar.succeeded()) {
        resp.end();
      } else {
        req.connection().close(); // headers are gone already: a cut connection is the honest answer
      }
    });
  }

  /** A single byte range, or null when it does not fit the file. */
  static long[] range(String a, String b, long size) {
    if (a.isEmpty() && b.isEmpty()) {
      return null;
    }
    long from;
    long to;
    if (a.isEmpty()) { // the last b bytes
      long n = Long.parseLong(b);
      if (n == 0) {
        return null;
      }
      from = Math.max(0, size - n);
      to = size - 1;
    } else {
      from = Long.parseLong(a);
      to = b.isEmpty() ? size - 1 : Math.min(Long.parseLong(b), size - 1);
    }
    return from > to || from >= size ? null : new long[] {from, to};
  }

  private static String encode(String name) {
    return URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20");
  }

  /** {@code DELETE /api/files/{id}} as {@code who}. */
  public void delete(HttpServerRequest req, String fileId, Principal who, Fail fail) {
    vertx.eventBus().<JsonObject>request(Addresses.UPLOADS_DELETE, new JsonObject().put("fileId", fileId), Requests.as(who))
        .onFailure(err -> fail.accept(req.response(), AppException.from(err)))
        .onSuccess(m -> req.response().putHeader("Content-Type", "application/json").end(m.body().encode()));
  }
}
