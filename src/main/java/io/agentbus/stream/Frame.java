package io.agentbus.stream;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;

/**
 * One outgoing text frame, encoded to UTF-8 once. Every subscriber is written a duplicate view of
 * the same bytes (own read index, shared content), so fan-out to N sockets costs one encoding.
 * The buffer is unpooled heap memory: Vert.x passes such buffers to Netty without copying, and
 * the garbage collector frees them.
 */
public final class Frame {

  private final String text;
  private final ByteBuf utf8;

  public Frame(String text) {
    this.text = text;
    this.utf8 = Unpooled.wrappedBuffer(text.getBytes(StandardCharsets.UTF_8));
  }

  /** The wire frame of a stored event: stream and seq first, then the stored payload's fields. */
  public static String text(String stream, long seq, String payload) {
    StringBuilder sb = new StringBuilder(payload.length() + stream.length() + 32);
    sb.append("{\"stream\":\"").append(stream).append("\",\"seq\":").append(seq).append(',');
    sb.append(payload, 1, payload.length());
    return sb.toString();
  }

  /** The seq of a stored event's frame (as {@link #text(String, long, String)} writes it), or -1 (an ephemeral one). */
  public static long seqOf(String text) {
    if (!text.startsWith("{\"stream\":\"")) {
      return -1;
    }
    int at = text.indexOf("\",\"seq\":", 11);
    if (at < 0) {
      return -1;
    }
    long seq = 0;
    int i = at + 8;
    boolean any = false;
    while (i < text.length() && Character.isDigit(text.charAt(i))) {
      seq = seq * 10 + (text.charAt(i++) - '0');
      any = true;
    }
    return any ? seq : -1;
  }
  public String text() {
    return text;
  }

  /** A fresh view of the encoded bytes for one write. */
  public ByteBuf bytes() {
    return utf8.duplicate();
  }

  public int size() {
    return utf8.readableBytes();
  }
}
