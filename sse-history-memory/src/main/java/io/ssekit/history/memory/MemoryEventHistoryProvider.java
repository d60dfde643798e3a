package io.ssekit.history.memory;

import io.ssekit.spi.EventHistory;
import io.ssekit.spi.EventHistoryProvider;
import io.ssekit.spi.Settings;
import java.time.Duration;

/**
 * Provider {@code memory}. Settings: {@code maxEventsPerTopic} (default 1000), {@code maxAge}
 * (24h), {@code idleTopicExpiry} (24h), {@code maxTotalSize} (64MB), {@code maxIdempotencyKeys} (100000).
 */
public final class MemoryEventHistoryProvider implements EventHistoryProvider {
  /** The provider {@link java.util.ServiceLoader} instantiates. */
  public MemoryEventHistoryProvider() {}

  @Override
  public String name() {
    return "memory";
  }

  @Override
  public EventHistory create(Settings settings) {
    MemoryEventHistory.Builder builder = MemoryEventHistory.builder()
        .maxEventsPerTopic(settings.positiveInt("maxEventsPerTopic", 1000))
        .maxAge(settings.duration("maxAge", Duration.ofHours(24)))
        .idleTopicExpiry(settings.duration("idleTopicExpiry", Duration.ofHours(24)))
        .maxTotalSize(settings.size("maxTotalSize", 64L << 20))
        .maxIdempotencyKeys(settings.positiveInt("maxIdempotencyKeys", 100_000));
    return builder.build();
  }
}
