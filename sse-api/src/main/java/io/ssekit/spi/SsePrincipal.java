package io.ssekit.spi;

import java.time.Instant;
import java.util.Optional;

/**
 * Who a request acts for and what it may do. Implementations are immutable and thread-safe.
 */
public interface SsePrincipal {
  /** A principal that may subscribe and publish to every topic and never expires. */
  SsePrincipal ANONYMOUS = new SsePrincipal() {
    @Override
    public String name() {
      return "anonymous";
    }

    @Override
    public boolean maySubscribe(String topic) {
      return true;
    }

    @Override
    public boolean mayPublish(String topic) {
      return true;
    }

    @Override
    public String toString() {
      return "SsePrincipal.ANONYMOUS";
    }
  };

  /** The principal's name (for example a JWT's {@code sub}); safe to log. */
  String name();

  /** Whether it may open a stream on {@code topic}. */
  boolean maySubscribe(String topic);

  /** Whether it may publish to {@code topic}. */
  boolean mayPublish(String topic);

  /**
   * When its credentials expire; a stream opened with them is warned shortly before and closed
   * at that instant. Empty for credentials that do not expire.
   */
  default Optional<Instant> expiresAt() {
    return Optional.empty();
  }

  /**
   * Whether the request was granted for a single-use stream ticket (which the authenticator
   * redeemed), rather than for credentials that can be used again. A servlet reports each stream
   * request granted for a ticket to its {@link SseListener#ticketRedeemed}. False by default.
   */
  default boolean fromTicket() {
    return false;
  }
}
