package io.agentbus.stream;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;

/**
 * One outgoing text frame, encoded to UTF-8 once. Every subscriber is written a duplicate view of
 * the same bytes (own read index, shared content), so fan-out to N sockets costs one encoding.
 * The buffer is unpooled heap memory: Vert.x passes such buffers to Netty without copying, and
 * the garbage collector frees them.
 *
 * <p>A frame fanned out to many sockets ({@link #shared}) also carries its complete WebSocket
 * frame — header and text — in one pooled direct buffer: a socket that can take raw bytes writes a
 * reference to it, with no frame object, no encoder, no copy into a direct buffer and no
 * allocation per delivery. Its owner releases it ({@link #release}) once every sink was written.
 */
public final class Frame {

  private final String text;
  private final ByteBuf utf8;
  /** The whole WebSocket text frame (null unless {@link #shared}). */
  private final ByteBuf wire;

  public Frame(String text) {
    this.text = text;
    this.utf8 = Unpooled.wrappedBuffer(text.getBytes(StandardCharsets.UTF_8));
    this.wire = null;
  }

  private Frame(String text, byte[] bytes) {
    this.text = text;
    this.utf8 = Unpooled.wrappedBuffer(bytes);
    int n = bytes.length;
    int header = n < 126 ? 2 : n < 65536 ? 4 : 10;
    ByteBuf w = PooledByteBufAllocator.DEFAULT.directBuffer(header + n);
    w.writeByte(0x81); // FIN, text; unmasked (server to client), uncompressed (RSV1 clear)
    if (header == 2) {
      w.writeByte(n);
    } else if (header == 4) {
      w.writeByte(126).writeShort(n);
    } else {
      w.writeByte(127).writeLong(n);
    }
    this.wire = w.writeBytes(bytes);
  }

  /** A frame for many sockets, with its wire bytes ready; {@link #release} it after the last write. */
  public static Frame shared(String text) {
    return new Frame(text, text.getBytes(StandardCharsets.UTF_8));
  }

  /** The complete WebSocket frame of a {@link #shared} frame (null otherwise): write a retained duplicate. */
  public ByteBuf wire() {
    return wire;
  }

  /** Gives back the wire buffer of a {@link #shared} frame (writes in flight hold their own references). */
  public void release() {
    if (wire != null) {
      wire.release();
    }
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
