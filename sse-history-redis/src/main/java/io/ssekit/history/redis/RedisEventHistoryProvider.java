package io.ssekit.history.redis;

import io.ssekit.spi.EventHistory;
import io.ssekit.spi.EventHistoryProvider;
import io.ssekit.spi.Settings;
import java.time.Duration;

/**
 * Provider {@code redis}: settings {@code uri} (required), {@code keyPrefix} ({@code ssekit:}),
 * {@code maxEventsPerTopic} (1000), {@code maxAge} (24h), {@code idleTopicExpiry} (24h),
 * {@code commandTimeout} (5s), {@code replicas} (0) and {@code replicaTimeout} (100ms).
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
        .replicas(replicas(settings))
        .replicaTimeout(settings.duration("replicaTimeout", Duration.ofMillis(100)))
        .settings(settings)
        .build();
  }

  /** {@code replicas}: 0 (the default) or more. */
  private static int replicas(Settings settings) {
    String value = settings.string("replicas").orElse("0").trim();
    try {
      int parsed = Integer.parseInt(value);
      if (parsed >= 0) {
        return parsed;
      }
    } catch (NumberFormatException e) {
      // Named below.
    }
    throw new IllegalArgumentException(settings.fullName("replicas")
        + " must be a whole number, 0 or more, was '" + value + "'");
  }
}
