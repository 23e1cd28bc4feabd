package io.agentbus.uploads;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.WriteStream;
import java.nio.file.Path;

/**
 * Where uploaded bytes live, behind one small interface. The default ({@link PgFileStore}) keeps
 * them in PostgreSQL in {@link #CHUNK}-byte chunks, so every node serves every file and no shared
 * file system is needed; another store (an object store) would implement the same three calls.
 */
public interface FileStore {

  /** Bytes per stored chunk: what one read or write holds in memory. */
  int CHUNK = 256 * 1024;

  /** Stores the bytes of {@code source} as {@code fileId}; on failure nothing of it is left. */
  Future<Void> put(String fileId, Path source);

  /** Writes bytes {@code from}..{@code to} (inclusive) of the file to {@code sink}, chunk by chunk, minding its back-pressure. */
  Future<Void> read(String fileId, long from, long to, WriteStream<Buffer> sink);

  /** Deletes the file's bytes (none: nothing to do). */
  Future<Void> delete(String fileId);
}
