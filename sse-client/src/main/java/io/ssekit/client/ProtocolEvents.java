package io.ssekit.client;

/**
 * The names of the events an ssekit server sends on its own, beside the application's events,
 * and the reasons of {@link #RESET}. {@code docs/protocol.md} describes each. The client handles
 * them as that document says; a server that is not ssekit never sends them.
 */
public final class ProtocolEvents {
  /**
   * The client cannot get everything it missed; data {@code {"reason":"...","topics":[...]}}.
   * Delivered as a {@link StreamReset}.
   */
  public static final String RESET = "sse-reset";

  /** The {@link #RESET} reason for a {@code Last-Event-ID} that is not an ssekit cursor. */
  public static final String RESET_MALFORMED_ID = "malformed-id";

  /** The {@link #RESET} reason for a cursor of a history that has since been lost. */
  public static final String RESET_UNKNOWN_EPOCH = "unknown-epoch";

  /** The {@link #RESET} reason for missed events the history no longer holds. */
  public static final String RESET_GAP = "gap";

  /**
   * The server is over its connection cap; data {@code {"retry":millis}}. The client comes back
   * after that long.
   */
  public static final String BUSY = "sse-busy";

  /** The server is stopping; data {@code {"retry":millis}}. The client comes back after that. */
  public static final String SHUTDOWN = "server-shutdown";

  /**
   * The stream's credentials expire soon; data {@code {"expiresAt":"...","expiresIn":seconds}}.
   * The client reconnects before then, with the headers its header supplier gives at that time.
   */
  public static final String TOKEN_EXPIRING = "sse-token-expiring";

  /**
   * The stream's credentials have expired; data {@code {"retry":millis}}. The client comes back
   * after that long.
   */
  public static final String TOKEN_EXPIRED = "sse-token-expired";

  /**
   * This stream was ended because the same principal or client address opened one stream more
   * than its cap allows, and this was its oldest; data {@code
   * {"cap":"principal","limit":n,"retry":millis}}. The client comes back after that long (a long,
   * jittered time, so that two clients of one user do not take turns ending each other).
   */
  public static final String SUPERSEDED = "sse-superseded";

  /**
   * A new stream refused because its principal or client address holds as many streams as its
   * cap allows; data {@code {"cap":"address","limit":n,"retry":millis}}. The client comes back
   * after that long.
   */
  public static final String LIMIT = "sse-limit";

  /** The {@link #SUPERSEDED} and {@link #LIMIT} cap of streams per authenticated principal. */
  public static final String CAP_PRINCIPAL = "principal";

  /** The {@link #SUPERSEDED} and {@link #LIMIT} cap of streams per client address. */
  public static final String CAP_ADDRESS = "address";

  private ProtocolEvents() {}
}
