package io.ssekit.testkit;

import java.util.function.Supplier;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A {@link TestRedis} for a test class. Registered on a {@code static} field with
 * {@code @RegisterExtension}, one Redis serves the whole class and is emptied before each test;
 * on an instance field, each test gets a Redis of its own.
 *
 * <pre>{@code
 * @RegisterExtension static final RedisExtension<RedisServer> REDIS = RedisExtension.server();
 * ... RedisEventHistory.builder().uri(REDIS.uri()) ...
 * }</pre>
 *
 * @param <T> the kind of Redis
 */
public final class RedisExtension<T extends TestRedis>
    implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback {
  private final Supplier<T> starter;
  private T redis;
  private boolean perClass;

  private RedisExtension(Supplier<T> starter) {
    this.starter = starter;
  }

  /** One {@code redis-server}. */
  public static RedisExtension<RedisServer> server() {
    return new RedisExtension<>(RedisServer::start);
  }

  /** A Redis Cluster of three masters. */
  public static RedisExtension<RedisCluster> cluster() {
    return new RedisExtension<>(() -> RedisCluster.start(3));
  }

  /** A master, a replica and three Sentinels. */
  public static RedisExtension<RedisSentinel> sentinel() {
    return new RedisExtension<>(RedisSentinel::start);
  }

  /** The running Redis. */
  public T redis() {
    if (redis == null) {
      throw new IllegalStateException("Redis runs only while a test of the class runs");
    }
    return redis;
  }

  /** The running Redis's URI. */
  public String uri() {
    return redis().uri();
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    redis = starter.get();
    perClass = true;
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    if (perClass) {
      redis.flushAll();
    } else {
      redis = starter.get();
    }
  }

  @Override
  public void afterEach(ExtensionContext context) {
    if (!perClass) {
      close();
    }
  }

  @Override
  public void afterAll(ExtensionContext context) {
    close();
  }

  private void close() {
    if (redis != null) {
      redis.close();
      redis = null;
    }
  }
}
