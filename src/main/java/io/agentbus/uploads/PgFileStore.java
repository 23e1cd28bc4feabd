package io.agentbus.uploads;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.AsyncFile;
import io.vertx.core.file.OpenOptions;
import io.vertx.core.streams.WriteStream;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.nio.file.Path;

/** The default {@link FileStore}: chunks in the {@code file_chunks} table, written and read one at a time. */
final class PgFileStore implements FileStore {

  private static final String INSERT = "INSERT INTO file_chunks (file_id, n, data) VALUES ($1, $2, $3)";
  private static final String CHUNK_OF = "SELECT data FROM file_chunks WHERE file_id = $1 AND n = $2";
  private static final String DELETE = "DELETE FROM file_chunks WHERE file_id = $1";

  private final Vertx vertx;
  private final Pool pool;

  PgFileStore(Vertx vertx, Pool pool) {
    this.vertx = vertx;
    this.pool = pool;
  }

  @Override
  public Future<Void> put(String fileId, Path source) {
    return vertx.fileSystem().open(source.toString(), new OpenOptions().setRead(true).setWrite(false))
        .compose(file -> putFrom(file, fileId, 0).eventually(file::close))
        .recover(err -> delete(fileId).transform(x -> Future.failedFuture(err)));
  }

  private Future<Void> putFrom(AsyncFile file, String fileId, int n) {
    return file.read(Buffer.buffer(CHUNK), 0, (long) n * CHUNK, CHUNK).compose(chunk -> chunk.length() == 0
        ? Future.succeededFuture()
        : pool.preparedQuery(INSERT).execute(Tuple.of(fileId, n, chunk))
            .compose(r -> chunk.length() < CHUNK ? Future.succeededFuture() : putFrom(file, fileId, n + 1)));
  }

  @Override
  public Future<Void> read(String fileId, long from, long to, WriteStream<Buffer> sink) {
    return readChunk(fileId, (int) (from / CHUNK), from, to, sink);
  }

  private Future<Void> readChunk(String fileId, int n, long from, long to, WriteStream<Buffer> sink) {
    long chunkStart = (long) n * CHUNK;
    if (chunkStart > to) {
      return Future.succeededFuture();
    }
    return pool.preparedQuery(CHUNK_OF).execute(Tuple.of(fileId, n)).compose(rows -> {
      if (rows.size() == 0) {
        return Future.failedFuture(new IllegalStateException("file " + fileId + " has no chunk " + n));
      }
      Buffer data = rows.iterator().next().getBuffer(0);
      int start = (int) Math.max(0, from - chunkStart);
      int end = (int) Math.min(data.length(), to - chunkStart + 1);
      Promise<Void> written = Promise.promise();
      sink.write(data.slice(start, end)).onFailure(written::tryFail);
      if (sink.writeQueueFull()) {
        sink.drainHandler(v -> written.tryComplete());
      } else {
        written.tryComplete();
      }
      return written.future().compose(v -> readChunk(fileId, n + 1, from, to, sink));
    });
  }

  @Override
  public Future<Void> delete(String fileId) {
    return pool.preparedQuery(DELETE).execute(Tuple.of(fileId)).mapEmpty();
  }
}
