/**
 * Uploads (PROTOCOL §8): the uploads verticle ({@link io.agentbus.uploads.UploadsVerticle}) owns
 * the tables {@code files}, {@code file_chunks} and {@code file_links}; its HTTP edge
 * ({@link io.agentbus.uploads.UploadHttp}, mounted by the bridge) streams multipart bodies to a
 * spool and files back out of storage.
 *
 * <p>An upload: each part is spooled to a file of a generated name (never held in memory; one past
 * the size limit is refused at once), then this node's uploads verticle checks every file — size,
 * extension, the bytes against the extension ({@link io.agentbus.uploads.ContentCheck}, Tika's
 * core detector) and the owner's quota — and processes it on a bounded worker pool, with a time
 * limit ({@link io.agentbus.uploads.Processor}: text, code, CSV, JSON, PDF with PDFBox, image
 * headers with ImageIO). Only then are the bytes stored ({@link io.agentbus.uploads.FileStore},
 * chunks in PostgreSQL by default, at most four files at once) and the rows written in one
 * transaction; any failure deletes what was written, and the spool is always deleted. Files are
 * attached to messages and workflows ({@code internal.uploads.attach}); whoever may read there may
 * download them.
 */
package io.agentbus.uploads;
