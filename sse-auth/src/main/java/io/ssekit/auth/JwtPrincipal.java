package io.ssekit.auth;

import io.ssekit.spi.SsePrincipal;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * The principal of a verified JWT: its {@code sub}, the topics its {@code sse} claim lets it
 * subscribe to and publish on, and its {@code exp}; or that of a redeemed stream ticket, which
 * carries the subject, subscribe patterns and expiry of the token it was issued for.
 *
 * @param name the token's subject
 * @param subscribe the topics it may stream
 * @param publish the topics it may publish on
 * @param expires when the token expires
 * @param fromTicket whether a stream ticket was redeemed for it
 */
public record JwtPrincipal(String name, TopicPatterns subscribe, TopicPatterns publish,
    Instant expires, boolean fromTicket) implements SsePrincipal {
  /** Checks every part is present. */
  public JwtPrincipal {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(subscribe, "subscribe");
    Objects.requireNonNull(publish, "publish");
    Objects.requireNonNull(expires, "expires");
  }

  /** The principal of a token (not of a ticket). */
  public JwtPrincipal(String name, TopicPatterns subscribe, TopicPatterns publish,
      Instant expires) {
    this(name, subscribe, publish, expires, false);
  }

  @Override
  public boolean maySubscribe(String topic) {
    return subscribe.allows(topic);
  }

  @Override
  public boolean mayPublish(String topic) {
    return publish.allows(topic);
  }

  @Override
  public Optional<Instant> expiresAt() {
    return Optional.of(expires);
  }
}
