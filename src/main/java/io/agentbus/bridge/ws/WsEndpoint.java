package io.agentbus.bridge.ws;

import io.agentbus.bridge.BridgeContext;
import io.agentbus.stream.Frame;
import io.vertx.core.Future;
import io.vertx.core.http.ServerWebSocket;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The {@code /ws} endpoint of one bridge verticle: it accepts upgraded sockets and owns their
 * connections, so a shutdown can close them all (PROTOCOL §10) and an approvers' notice reaches
 * each. One per bridge verticle instance, used from its event loop only.
 */
public final class WsEndpoint {

  private final BridgeContext bc;
  private final boolean directWrites;
  private final Set<WsConnection> connections = new HashSet<>();

  /** @param directWrites give each socket direct writes ({@link DirectWrites}: one bridge instance serves everything) */
  public WsEndpoint(BridgeContext bc, boolean directWrites) {
    this.bc = bc;
    this.directWrites = directWrites;
  }

  /** A socket upgraded on {@code /ws} becomes a connection of this endpoint. */
  public void accept(ServerWebSocket ws) {
    io.netty.channel.ChannelHandlerContext raw = directWrites && DirectWrites.apply(ws) ? DirectWrites.rawContext(ws) : null;
    new WsConnection(bc, ws, raw, this);
  }

  void opened(WsConnection c) {
    connections.add(c);
  }

  void closed(WsConnection c) {
    connections.remove(c);
  }

  /** An approvers' notice: written to each connection whose caller is an approver or admin. */
  public void toApprovers(Frame frame) {
    new ArrayList<>(connections).forEach(c -> c.toApprovers(frame));
  }

  /** An ephemeral notice to the connections of {@code users} (null: every signed-in connection). */
  public void toUsers(java.util.Set<Object> users, io.vertx.core.json.JsonObject frame) {
    for (WsConnection c : new ArrayList<>(connections)) {
      if (c.principal != null && (users == null || users.contains(c.principal.userId()))) {
        c.send(frame.copy());
      }
    }
  }

  /** {@code userId} is no longer in the channel {@code stream}: their connections stop following it. */
  public void revoke(String stream, String userId) {
    for (WsConnection c : new ArrayList<>(connections)) {
      if (c.principal != null && c.principal.userId().equals(userId)) {
        c.streams.revoke(stream);
      }
    }
  }

  /** An identity was signed out ({@link io.agentbus.auth.BrowserSessions#covers}): its connections close with 4401. */
  public void signOut(io.vertx.core.json.JsonObject revocation) {
    for (WsConnection c : new ArrayList<>(connections)) {
      if (c.principal != null && io.agentbus.auth.BrowserSessions.covers(revocation, c.principal.userId(), c.token)) {
        c.sendError(null, io.agentbus.bus.ErrorCode.NOT_AUTHENTICATED, "signed out: sign in again");
        c.close(CloseCodes.NOT_AUTHENTICATED, "signed out");
      }
    }
  }

  /** Every connection answers what it accepted, then closes with 1012 ({@link WsConnection#shutdown}). */
  public Future<Void> shutdown(long waitMs) {
    List<Future<Void>> closing = new ArrayList<>();
    for (WsConnection c : new ArrayList<>(connections)) {
      closing.add(c.shutdown(waitMs));
    }
    return Future.join(closing).mapEmpty();
  }
}
