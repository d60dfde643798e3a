package io.ssekit;

/**
 * The names of the events ssekit itself sends on a stream, beside the application's own; their
 * data is JSON. {@code docs/protocol.md} describes each, with its data and when it is sent.
 * Application events should not use these names.
 */
public final class ProtocolEvents {
  /**
   * The client cannot get everything it missed; data {@code {"reason":"...","topics":[...]}}
   * with a reason of {@link #RESET_MALFORMED_ID}, {@link #RESET_UNKNOWN_EPOCH} or {@link
   * #RESET_GAP}. What can still be sent follows it.
   */
  public static final String RESET = "sse-reset";

  /** The {@link #RESET} reason for a {@code Last-Event-ID} that is not an ssekit cursor. */
  public static final String RESET_MALFORMED_ID = "malformed-id";

  /** The {@link #RESET} reason for a cursor of a history that has since been lost. */
  public static final String RESET_UNKNOWN_EPOCH = "unknown-epoch";

  /** The {@link #RESET} reason for missed events the history no longer holds. */
  public static final String RESET_GAP = "gap";

  /**
   * The server cannot take this stream now (over its connection cap); data {@code
   * {"retry":millis}}, after a jittered {@code retry:} hint. The stream then ends.
   */
  public static final String BUSY = "sse-busy";

  /**
   * The server is stopping; data {@code {"retry":millis}}, after a jittered {@code retry:} hint.
   * The stream then ends.
   */
  public static final String SHUTDOWN = "server-shutdown";

  /**
   * The stream's credentials expire soon; data {@code {"expiresAt":"...","expiresIn":seconds}}.
   */
  public static final String TOKEN_EXPIRING = "sse-token-expiring";

  /**
   * The stream's credentials have expired; data {@code {"retry":millis}}, after a jittered
   * {@code retry:} hint. The stream then ends.
   */
  public static final String TOKEN_EXPIRED = "sse-token-expired";

  private ProtocolEvents() {}
}
