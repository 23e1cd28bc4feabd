package io.agentbus.support;

import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import java.util.List;

/**
 * A balancer in front of several nodes, as nginx is in production: each new TCP connection goes
 * to the first backend that accepts it, so when a node stops, its clients' reconnects land on the
 * next one. 127.0.0.1 only.
 */
public final class TcpProxy implements AutoCloseable {

  private final NetServer server;
  private final NetClient client;
  private final List<Integer> backends;
  private final java.util.Set<NetSocket> open = java.util.concurrent.ConcurrentHashMap.newKeySet();
  private final java.util.concurrent.atomic.AtomicInteger accepted = new java.util.concurrent.atomic.AtomicInteger();
  private volatile boolean down;

  private TcpProxy(Vertx vertx, List<Integer> backends) {
    this.backends = backends;
    this.client = vertx.createNetClient();
    this.server = vertx.createNetServer().connectHandler(this::accept);
  }

  public static TcpProxy start(Vertx vertx, Integer... backends) {
    TcpProxy p = new TcpProxy(vertx, List.of(backends));
    p.server.listen(0, "127.0.0.1").await();
    return p;
  }

  public int port() {
    return server.actualPort();
  }

  private void accept(NetSocket in) {
    accepted.incrementAndGet();
    if (down) {
      in.close(); // the network is out: connections are refused at once
      return;
    }
    in.pause();
    open.add(in);
    in.closeHandler(v -> open.remove(in));
    connect(in, 0);
  }

  /** Cuts every client off (their connections close) and refuses new ones until {@link #up}: a network outage. */
  public void down() {
    down = true;
    open.forEach(NetSocket::close);
  }

  public void up() {
    down = false;
  }

  /** Connections clients have tried so far (refused ones included). */
  public int attempts() {
    return accepted.get();
  }

  private void connect(NetSocket in, int i) {
    if (i >= backends.size()) {
      in.close();
      return;
    }
    client.connect(backends.get(i), "127.0.0.1").onSuccess(out -> {
      out.pipeTo(in);
      in.pipeTo(out);
    }).onFailure(e -> connect(in, i + 1));
  }

  @Override
  public void close() {
    server.close().await();
    client.close().await();
  }
}
