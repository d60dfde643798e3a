package io.ssekit.redis;

import io.ssekit.spi.Settings;
import java.time.Duration;

/**
 * What every Redis module's builder is configured with: where Redis is ({@code uri}), the key
 * prefix ({@code keyPrefix}) and how long a command may take ({@code commandTimeout}).
 *
 * @param <B> the builder itself, returned by each setter
 */
public abstract class RedisModuleBuilder<B extends RedisModuleBuilder<B>> {
  private RedisTarget target;
  private String keyPrefix = RedisKeys.DEFAULT_PREFIX;
  private Duration commandTimeout = Duration.ofSeconds(5);

  protected RedisModuleBuilder() {}

  /**
   * The Redis to use: {@code redis://[[user:]password@]host:port[/db]} ({@code rediss://} for
   * TLS), a Redis behind Sentinel {@code redis-sentinel://[password@]host1:port1,host2:port2[/db]
   * #masterName}, or a cluster {@code redis+cluster://host1:port1,host2:port2}; see {@link
   * RedisTarget}.
   */
  public B uri(String value) {
    try {
      this.target = RedisTarget.parse(value);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("uri: " + e.getMessage(), e);
    }
    return self();
  }

  /**
   * The prefix of every key and channel (default {@code ssekit:}): several applications can
   * share one Redis. The Redis history and fanout of one application must use the same: the
   * fanout refuses to start with a Redis history of another prefix.
   */
  public B keyPrefix(String value) {
    this.keyPrefix = new RedisKeys(value).prefix();
    return self();
  }

  /** How long a command may take before its stage fails (default 5 s). */
  public B commandTimeout(Duration value) {
    this.commandTimeout = requirePositive("commandTimeout", value);
    return self();
  }

  /**
   * Takes {@code uri} (required), {@code keyPrefix} and {@code commandTimeout} from provider
   * settings; a bad or missing value is named with its full setting name.
   */
  public B settings(Settings settings) {
    commandTimeout(settings.duration("commandTimeout", commandTimeout));
    settings.string("keyPrefix").ifPresent(this::keyPrefix);
    try {
      uri(settings.requireString("uri"));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(settings.fullName("uri") + ": " + e.getMessage(), e);
    }
    return self();
  }

  /** The Redis to connect to, once {@link #uri} was given. */
  protected RedisTarget target() {
    if (target == null) {
      throw new IllegalStateException("uri is required");
    }
    return target;
  }

  protected RedisKeys keys() {
    return new RedisKeys(keyPrefix);
  }

  protected Duration commandTimeout() {
    return commandTimeout;
  }

  /** {@code value}, when it is a positive duration. */
  protected static Duration requirePositive(String name, Duration value) {
    if (value == null || value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(name + " must be positive, was " + value);
    }
    return value;
  }

  @SuppressWarnings("unchecked")
  private B self() {
    return (B) this;
  }
}
