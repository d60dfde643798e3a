package io.ssekit.fanout.redis;

import io.ssekit.spi.Fanout;
import io.ssekit.spi.FanoutProvider;
import io.ssekit.spi.Settings;
import java.time.Duration;

/**
 * Provider {@code redis}: settings {@code uri} (required), {@code keyPrefix} ({@code ssekit:}, the
 * same as the Redis history's) and {@code commandTimeout} (5s).
 */
public final class RedisFanoutProvider implements FanoutProvider {
  @Override
  public String name() {
    return "redis";
  }

  @Override
  public Fanout create(Settings settings) {
    RedisFanout.Builder builder = RedisFanout.builder()
        .commandTimeout(settings.duration("commandTimeout", Duration.ofSeconds(5)));
    settings.string("keyPrefix").ifPresent(builder::keyPrefix);
    try {
      builder.uri(settings.requireString("uri"));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(settings.fullName("uri") + ": " + e.getMessage(), e);
    }
    return builder.build();
  }
}
