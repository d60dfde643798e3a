package io.ssekit.fanout.redis;

import io.ssekit.spi.Fanout;
import io.ssekit.spi.FanoutProvider;
import io.ssekit.spi.Settings;

/**
 * Provider {@code redis}: settings {@code uri} (required), {@code keyPrefix} ({@code ssekit:}, the
 * same as the Redis history's) and {@code commandTimeout} (5s).
 */
public final class RedisFanoutProvider implements FanoutProvider {
  /** The provider {@link java.util.ServiceLoader} instantiates. */
  public RedisFanoutProvider() {}

  @Override
  public String name() {
    return "redis";
  }

  @Override
  public Fanout create(Settings settings) {
    return RedisFanout.builder().settings(settings).build();
  }
}
