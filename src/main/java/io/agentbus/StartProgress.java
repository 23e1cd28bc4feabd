package io.agentbus;

import java.util.Timer;
import java.util.TimerTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Says what a slow start is waiting for: every {@link #EVERY_MS} until the node is ready, one line
 * naming the step under way (the cluster join, the database, the migrations, the verticles), so an
 * operator whose node seems to hang sees where — a member that cannot be reached, a database that
 * does not answer. A JDK timer, since Vert.x itself may be what is still starting.
 */
final class StartProgress {

  private static final Logger LOG = LoggerFactory.getLogger(StartProgress.class);
  static final long EVERY_MS = 5_000;

  private final long started = System.currentTimeMillis();
  private final Timer timer = new Timer("agentbus-start-progress", true);
  private volatile String phase = "starting";

  StartProgress() {
    timer.schedule(new TimerTask() {
      @Override
      public void run() {
        LOG.info("still starting after {} s: waiting for {}", (System.currentTimeMillis() - started) / 1000, phase);
      }
    }, EVERY_MS, EVERY_MS);
  }

  void phase(String what) {
    phase = what;
  }

  void done() {
    timer.cancel();
  }
}
