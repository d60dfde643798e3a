package io.ssekit.history.redis;

import io.ssekit.spi.EventHistory;
import io.ssekit.spi.EventHistoryProvider;
import io.ssekit.spi.Settings;
import java.time.Duration;

/**
 * Provider {@code redis}: settings {@code uri} (required), {@code keyPrefix} ({@code ssekit:}),
 * {@code maxEventsPerTopic} (1000), {@code maxAge} (24h), {@code idleTopicExpiry} (24h) and
 * {@code commandTimeout} (5s).
 */
public final class RedisEventHistoryProvider implements EventHistoryProvider {
  /** The provider {@link java.util.ServiceLoader} instantiates. */
  public RedisEventHistoryProvider() {}

  @Override
  public String name() {
    return "redis";
  }

  @Override
  public EventHistory create(Settings settings) {
    return RedisEventHistory.builder()
        .maxEventsPerTopic(settings.positiveInt("maxEventsPerTopic", 1000))
        .maxAge(settings.duration("maxAge", Duration.ofHours(24)))
        .idleTopicExpiry(settings.duration("idleTopicExpiry", Duration.ofHours(24)))
        .settings(settings)
        .build();
  }
}
