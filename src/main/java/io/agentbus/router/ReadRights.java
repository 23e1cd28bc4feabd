package io.agentbus.router;

import io.agentbus.bus.Addresses;
import io.agentbus.bus.AppException;
import io.agentbus.bus.Principal;
import io.agentbus.bus.Requests;
import io.agentbus.bus.Services;
import io.agentbus.stream.StreamName;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;

/**
 * Who may read a stream — follow it live ({@code /ws}, the bridge, SSE) or page through it: a
 * public channel anyone signed in (it must exist), a private channel or DM its members, a session its owner or an admin, a user stream that
 * user, a workflow whoever the orchestrator says (it owns workflows and that rule).
 */
final class ReadRights {

  private final Vertx vertx;
  private final Pool pool;
  private final Channels channels;
  private final boolean runsOrchestrator;

  ReadRights(Vertx vertx, Pool pool, Channels channels, boolean runsOrchestrator) {
    this.vertx = vertx;
    this.pool = pool;
    this.channels = channels;
    this.runsOrchestrator = runsOrchestrator;
  }

  /** Succeeds when {@code who} may read {@code stream}; fails INVALID_MESSAGE, NOT_FOUND or FORBIDDEN. */
  Future<Void> mayRead(Principal who, String stream) {
    StreamName name = StreamName.parse(stream);
    if (name == null) {
      return Future.failedFuture(AppException.invalid("'" + stream + "' is no stream name"));
    }
    return switch (name.kind()) {
      case CHANNEL -> channels.visible(name.id(), who).mapEmpty();
      case SESSION -> sessionOwner(name.id()).compose(owner -> who.isOwnerOr(owner, "admin") ? Future.succeededFuture()
          : Future.failedFuture(AppException.forbidden("session '" + name.id() + "' belongs to another user")));
      case USER -> name.id().equals(who.userId()) ? Future.succeededFuture()
          : Future.failedFuture(AppException.forbidden("only " + name.id() + " may listen to their own user stream"));
      // Asked on this node when it runs an orchestrator: right after a member's kill -9 the cluster
      // may still route to its dead consumer.
      case WORKFLOW -> vertx.eventBus().request(Addresses.WORKFLOW_READ_CHECK,
              new JsonObject().put("workflowId", name.id()), Requests.as(who).setLocalOnly(runsOrchestrator))
          .recover(err -> Future.failedFuture(Services.noHandlers(err)
              ? AppException.notFound("no workflow '" + name.id() + "'") : err))
          .mapEmpty();
    };
  }

  /** The user a session belongs to; NOT_FOUND when nobody claimed it. */
  Future<String> sessionOwner(String id) {
    return pool.preparedQuery(RouterQueries.SESSION_OWNER).execute(Tuple.of(id)).compose(rows -> rows.size() == 0
        ? Future.failedFuture(AppException.notFound("no session '" + id + "'"))
        : Future.succeededFuture(rows.iterator().next().getString(0)));
  }
}
