/**
 * Server-sent events (PROTOCOL §12): {@code GET /api/streams/{stream}/events} with {@code Accept:
 * text/event-stream} follows a stream the caller may read, from the node's hub like a {@code /ws}
 * subscription — the replay after {@code Last-Event-ID} (or {@code ?after=}) then live, in seq
 * order, {@code id:} = seq — with keep-alive comments, and the same bound on a slow reader as a
 * socket's send queue (past it the response ends; the client resumes with its last id).
 */
package io.agentbus.bridge.sse;
