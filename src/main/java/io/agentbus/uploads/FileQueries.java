package io.agentbus.uploads;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.util.List;

/** Every statement on {@code files} and {@code file_links} (the chunks are {@link PgFileStore}'s). */
final class FileQueries {

  private static final String INSERT = "INSERT INTO files (id, owner_id, session_id, original_name, content_type, size, "
      + "sha256, processed, text) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)";
  private static final String GET = "SELECT f.id, f.owner_id, f.session_id, f.original_name, f.content_type, f.size, "
      + "f.sha256, f.processed, f.text, f.created_at, "
      + "COALESCE((SELECT json_agg(json_build_object('kind', l.kind, 'ref', l.ref)) FROM file_links l "
      + "WHERE l.file_id = f.id), '[]'::json)::text AS links FROM files f WHERE f.id = $1 AND f.deleted_at IS NULL";
  private static final String STORED_BYTES =
      "SELECT COALESCE(sum(size), 0)::bigint FROM files WHERE owner_id = $1 AND deleted_at IS NULL";
  private static final String LINK =
      "INSERT INTO file_links (file_id, kind, ref) SELECT unnest($1::text[]), $2, $3 ON CONFLICT DO NOTHING";
  private static final String REMOVED = "SELECT u.id FROM unnest($1::text[]) AS u(id) WHERE NOT EXISTS "
      + "(SELECT 1 FROM files f WHERE f.id = u.id AND f.deleted_at IS NULL)";
  private static final String MARK_DELETED = "UPDATE files SET deleted_at = now(), text = NULL WHERE id = $1";
  /** Chunks of uploads that never got their row (a node died mid-store), once they are an hour old. */
  private static final String SWEEP_ORPHANS = "DELETE FROM file_chunks c WHERE c.created_at < now() - interval '1 hour' "
      + "AND NOT EXISTS (SELECT 1 FROM files f WHERE f.id = c.file_id AND f.deleted_at IS NULL)";

  /** A file's row as it is inserted. */
  record Row(String id, String originalName, String contentType, long size, String sha256, JsonObject processed,
      String text) {}

  private final Pool pool;

  FileQueries(Pool pool) {
    this.pool = pool;
  }

  /** The rows of one upload, all or none. */
  Future<Void> insert(String owner, String session, List<Row> rows) {
    return pool.withTransaction(conn -> {
      Future<Void> chain = Future.succeededFuture();
      for (Row r : rows) {
        chain = chain.compose(v -> conn.preparedQuery(INSERT).execute(Tuple.tuple().addValue(r.id()).addValue(owner)
            .addValue(session).addValue(r.originalName()).addValue(r.contentType()).addValue(r.size())
            .addValue(r.sha256()).addValue(r.processed()).addValue(r.text())).mapEmpty());
      }
      return chain;
    });
  }

  /** A file that is not deleted, with where it is attached ({@code links}), or null. */
  Future<JsonObject> get(String id) {
    return pool.preparedQuery(GET).execute(Tuple.of(id)).map(rows -> {
      if (rows.size() == 0) {
        return null;
      }
      var r = rows.iterator().next();
      return new JsonObject().put("fileId", r.getString("id")).put("ownerId", r.getString("owner_id"))
          .put("sessionId", r.getString("session_id")).put("originalName", r.getString("original_name"))
          .put("contentType", r.getString("content_type")).put("size", r.getLong("size"))
          .put("sha256", r.getString("sha256")).put("processedContent", r.getValue("processed"))
          .put("text", r.getString("text")).put("createdAt", r.getOffsetDateTime("created_at").toInstant().toString())
          .put("links", new JsonArray(r.getString("links")));
    });
  }

  Future<Long> storedBytes(String owner) {
    return pool.preparedQuery(STORED_BYTES).execute(Tuple.of(owner)).map(rows -> rows.iterator().next().getLong(0));
  }

  Future<Void> link(List<String> fileIds, String kind, String ref) {
    if (fileIds.isEmpty()) {
      return Future.succeededFuture();
    }
    return pool.preparedQuery(LINK).execute(Tuple.tuple().addValue(fileIds.toArray(new String[0])).addValue(kind)
        .addValue(ref)).mapEmpty();
  }

  /** Which of {@code ids} are not (or no longer) stored files. */
  Future<List<String>> removed(String[] ids) {
    return pool.preparedQuery(REMOVED).execute(Tuple.tuple().addValue(ids)).map(rows -> {
      List<String> out = new java.util.ArrayList<>();
      rows.forEach(r -> out.add(r.getString(0)));
      return out;
    });
  }

  Future<Void> markDeleted(String id) {
    return pool.preparedQuery(MARK_DELETED).execute(Tuple.of(id)).mapEmpty();
  }

  Future<Integer> sweepOrphanChunks() {
    return pool.query(SWEEP_ORPHANS).execute().map(r -> r.rowCount());
  }
}
