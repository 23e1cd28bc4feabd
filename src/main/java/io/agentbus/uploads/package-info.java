/**
 * Uploads (PROTOCOL §8). So far the part that needs no storage or transport: whether a file is
 * what its name claims, from its bytes ({@link io.agentbus.uploads.ContentCheck}, Tika's core
 * detector), and what agents are told about it ({@link io.agentbus.uploads.Processor}: text, code,
 * CSV, JSON, PDF pages and text with PDFBox, image format and size with ImageIO, bounded against
 * bombs). The uploads verticle — streaming multipart into chunked PostgreSQL storage, downloads,
 * attachments, quotas — is not built yet; it will own the files tables.
 */
package io.agentbus.uploads;
