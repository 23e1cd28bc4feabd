package io.agentbus.stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameEncoder;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** A shared frame's wire bytes are exactly what Netty's own encoder makes of the text. */
class FrameTest {

  @Test
  void wireBytesMatchNettysEncoderAtEveryLengthClass() {
    for (int n : new int[] {0, 1, 125, 126, 200, 65535, 65536, 200_000}) {
      String text = "é".repeat(n / 2) + "x".repeat(n % 2);
      Frame f = Frame.shared(text);
      ByteBuf wire = f.wire();
      assertArrayEquals(nettyEncoded(text), bytes(wire.duplicate()), "length " + n);
      assertEquals(text, f.text());
      f.release();
      assertEquals(0, wire.refCnt(), "released after the last write");
    }
  }

  @Test
  void aWriteHoldsItsOwnReference() {
    Frame f = Frame.shared("{\"seq\":1}");
    ByteBuf inFlight = f.wire().retainedDuplicate();
    f.release();
    assertEquals("{\"seq\":1}", new String(bytes(inFlight.skipBytes(2)), StandardCharsets.UTF_8));
    inFlight.release();
    assertEquals(0, f.wire().refCnt());
  }

  @Test
  void anOrdinaryFrameHasNoWireBytes() {
    assertNull(new Frame("{}").wire());
    new Frame("{}").release(); // nothing to give back, and no failure
  }

  private static byte[] nettyEncoded(String text) {
    EmbeddedChannel ch = new EmbeddedChannel(new WebSocket13FrameEncoder(false));
    ch.writeOutbound(new TextWebSocketFrame(Unpooled.copiedBuffer(text, StandardCharsets.UTF_8)));
    ByteBuf all = Unpooled.buffer();
    for (ByteBuf b; (b = ch.readOutbound()) != null; ) {
      all.writeBytes(b);
      b.release();
    }
    return bytes(all);
  }

  private static byte[] bytes(ByteBuf b) {
    byte[] out = new byte[b.readableBytes()];
    b.readBytes(out);
    return out;
  }
}
