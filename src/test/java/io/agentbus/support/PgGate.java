package io.agentbus.support;

import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * PostgreSQL as the nodes in {@link Netns} namespaces reach it: a TCP forwarder on the test host's
 * bridge address to the server on 127.0.0.1:5432 (which listens on loopback only). {@link #cut}
 * is a database outage as a node sees it — every connection closed, new ones refused — without
 * stopping the machine's PostgreSQL, which other tests and the test process itself go on using.
 */
public final class PgGate implements AutoCloseable {

  private final Vertx vertx;
  private final String host;
  private final NetClient client;
  private final Set<NetSocket> open = ConcurrentHashMap.newKeySet();
  private NetServer server;
  private int port;

  private PgGate(Vertx vertx, String host) {
    this.vertx = vertx;
    this.host = host;
    this.client = vertx.createNetClient();
  }

  /** Listens on {@code host} (a free port) and forwards to 127.0.0.1:5432. */
  public static PgGate open(Vertx vertx, String host) {
    PgGate g = new PgGate(vertx, host);
    g.listen(0);
    return g;
  }

  public int port() {
    return port;
  }

  private void listen(int on) {
    server = vertx.createNetServer().connectHandler(this::accept);
    server.listen(on, host).await();
    port = server.actualPort();
  }

  private void accept(NetSocket in) {
    in.pause();
    client.connect(5432, "127.0.0.1").onSuccess(out -> {
      open.add(in);
      open.add(out);
      in.closeHandler(v -> {
        open.remove(in);
        out.close();
      });
      out.closeHandler(v -> {
        open.remove(out);
        in.close();
      });
      out.pipeTo(in);
      in.pipeTo(out);
    }).onFailure(e -> in.close());
  }

  /** The outage begins: no new connection is accepted and every open one is closed. */
  public void cut() {
    server.close().await();
    for (NetSocket s : open) {
      s.close();
    }
    open.clear();
  }

  /** The outage ends: the same address and port accept again. */
  public void restore() {
    listen(port);
  }

  @Override
  public void close() {
    try {
      server.close().await();
    } finally {
      client.close().await();
    }
  }
}
