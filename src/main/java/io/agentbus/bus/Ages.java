package io.agentbus.bus;

import java.time.Duration;
import java.time.Instant;

/** How long ago something happened, as commands answer people ("40 s", "3 min", "2 h", "5 days"). */
public final class Ages {

  private Ages() {}

  /** The time from {@code iso} (an ISO-8601 instant) to {@code now}, in its largest whole unit. */
  public static String since(String iso, Instant now) {
    long s = Math.max(0, Duration.between(Instant.parse(iso), now).toSeconds());
    return s < 60 ? s + " s" : s < 3600 ? s / 60 + " min" : s < 86_400 ? s / 3600 + " h" : s / 86_400 + " days";
  }
}
