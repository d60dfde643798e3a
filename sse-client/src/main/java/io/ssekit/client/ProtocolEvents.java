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

  private ProtocolEvents() {}
}
