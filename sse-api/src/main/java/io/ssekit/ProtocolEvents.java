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

  /**
   * This stream was ended because the same principal or client address opened one stream more
   * than its cap allows, and this was its oldest; data {@code
   * {"cap":"principal","limit":n,"retry":millis}} ({@link #CAP_PRINCIPAL} or {@link
   * #CAP_ADDRESS}), after a long jittered {@code retry:} hint. The stream then ends.
   */
  public static final String SUPERSEDED = "sse-superseded";

  /**
   * A new stream refused because its principal or client address holds as many streams as its
   * cap allows (under the refuse-new policy); data {@code
   * {"cap":"address","limit":n,"retry":millis}}, after a jittered {@code retry:} hint. The stream
   * then ends.
   */
  public static final String LIMIT = "sse-limit";

  /** The {@link #SUPERSEDED} and {@link #LIMIT} cap of streams per authenticated principal. */
  public static final String CAP_PRINCIPAL = "principal";

  /** The {@link #SUPERSEDED} and {@link #LIMIT} cap of streams per client address. */
  public static final String CAP_ADDRESS = "address";

  private ProtocolEvents() {}
}
