package io.agentbus.support;

import io.agentbus.stream.StreamName;
/**
 * A channel with many messages, written straight into its tables (events, the stream's last seq
 * and the message projection) as the append statement would have left them: 100 000 posts through
 * the service would take minutes; reading them back is what the UI test measures.
 */
public final class LongChannel {

  private LongChannel() {}

  /** Creates channel {@code name} holding {@code n} messages, ten seconds apart, ending now. */
  public static void create(TestCluster c, String name, int n) {
    String stream = StreamName.channel(name);
    c.db().query("INSERT INTO channels (name, description, created_by) VALUES ('" + name + "', 'A very long channel', 'test')")
        .execute().await();
    String frame = "jsonb_build_object('type', 'message', 'messageId', 'long-' || g, 'channel', '" + name + "', "
        + "'authorId', 'user' || (g % 7), 'authorType', 'user', 'content', 'message number ' || g, "
        + "'timestamp', to_char((now() - (" + n + " - g) * interval '10 seconds') AT TIME ZONE 'UTC', "
        + "'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"'), 'mentions', '[]'::jsonb, 'attachments', '[]'::jsonb)";
    c.db().query("INSERT INTO events (stream, seq, type, payload) SELECT '" + stream + "', g, 'message', (" + frame
        + ")::text FROM generate_series(1, " + n + ") g").execute().await();
    c.db().query("INSERT INTO messages (message_id, channel, seq, author_id, content, frame, created_at) "
        + "SELECT 'long-' || g, '" + name + "', g, 'user' || (g % 7), 'message number ' || g, " + frame + ", "
        + "now() - (" + n + " - g) * interval '10 seconds' FROM generate_series(1, " + n + ") g").execute().await();
    c.db().query("INSERT INTO streams (stream, last_seq) VALUES ('" + stream + "', " + n + ") "
        + "ON CONFLICT (stream) DO UPDATE SET last_seq = EXCLUDED.last_seq").execute().await();
    c.db().query("ANALYZE messages").execute().await();
  }
}
