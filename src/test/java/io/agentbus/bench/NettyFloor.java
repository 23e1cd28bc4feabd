package io.agentbus.bench;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The JVM's own floor of WebSocket fan-out, for the benchmark's peers phase: bare Netty (the
 * transport under Vert.x), epoll, two event loops. A connection to {@code /sub} is a subscriber,
 * one to {@code /pub} a publisher; each text a publisher sends is encoded once as a WebSocket frame
 * and handed to each event loop as one task that writes it to every subscriber of that loop and
 * flushes each once — no copy, no allocation and no cross-thread hand-off per delivery. Nothing is
 * stored. Run as its own JVM: {@code java -cp … io.agentbus.bench.NettyFloor PORT}.
 */
public final class NettyFloor {

  private static final ByteBuf SUBSCRIBED = Unpooled.unreleasableBuffer(Unpooled.wrappedBuffer(
      frame("{\"type\":\"subscribed\"}".getBytes(StandardCharsets.UTF_8))));

  /** Subscribers by the event loop that serves them. */
  private final Map<EventLoop, List<Channel>> subscribers = new ConcurrentHashMap<>();

  public static void main(String[] args) throws Exception {
    new NettyFloor().run(Integer.parseInt(args[0]));
  }

  private void run(int port) throws Exception {
    MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(2, EpollIoHandler.newFactory());
    new ServerBootstrap().group(group).channel(EpollServerSocketChannel.class)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(65536),
                new WebSocketServerProtocolHandler("/", null, false, 65536, false, true), new Handler());
          }
        }).bind("127.0.0.1", port).sync();
    System.err.println("netty floor listening on 127.0.0.1:" + port);
    Thread.currentThread().join();
  }

  private final class Handler extends SimpleChannelInboundHandler<TextWebSocketFrame> {
    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
      if (evt instanceof WebSocketServerProtocolHandler.HandshakeComplete hc && hc.requestUri().startsWith("/sub")) {
        Channel ch = ctx.channel();
        List<Channel> mine = subscribers.computeIfAbsent(ch.eventLoop(), k -> new CopyOnWriteArrayList<>());
        mine.add(ch);
        ch.closeFuture().addListener(f -> mine.remove(ch));
        ch.writeAndFlush(SUBSCRIBED.duplicate());
      }
      super.userEventTriggered(ctx, evt);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, TextWebSocketFrame msg) {
      byte[] text = new byte[msg.content().readableBytes()];
      msg.content().readBytes(text);
      ByteBuf encoded = Unpooled.wrappedBuffer(frame(text));
      for (Map.Entry<EventLoop, List<Channel>> e : subscribers.entrySet()) {
        List<Channel> chans = e.getValue();
        ByteBuf shared = encoded.retainedDuplicate();
        e.getKey().execute(() -> {
          List<Channel> written = new ArrayList<>(chans.size());
          for (Channel ch : chans) {
            ch.write(shared.retainedDuplicate(), ch.voidPromise());
            written.add(ch);
          }
          for (Channel ch : written) {
            ch.flush();
          }
          shared.release();
        });
      }
      encoded.release();
    }
  }

  /** An unmasked server text frame around {@code text}. */
  static byte[] frame(byte[] text) {
    int n = text.length;
    int h = n < 126 ? 2 : n < 65536 ? 4 : 10;
    byte[] f = new byte[h + n];
    f[0] = (byte) 0x81;
    if (h == 2) {
      f[1] = (byte) n;
    } else if (h == 4) {
      f[1] = 126;
      f[2] = (byte) (n >> 8);
      f[3] = (byte) n;
    } else {
      f[1] = 127;
      for (int i = 0; i < 8; i++) {
        f[2 + i] = (byte) ((long) n >> (8 * (7 - i)));
      }
    }
    System.arraycopy(text, 0, f, h, n);
    return f;
  }
}
