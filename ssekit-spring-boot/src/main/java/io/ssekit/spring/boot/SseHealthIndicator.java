package io.ssekit.spring.boot;

import io.ssekit.SseHub;
import io.ssekit.servlet.SseServlet;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * ssekit's health: {@code DOWN} while a Redis history cannot be reached, else {@code UP}; the
 * details give the streams open on the hub ({@code streams}) and on the endpoint ({@code
 * connections}), the topics with local streams ({@code topics}), and the Redis state ({@code
 * redis}: {@code UP} or {@code DOWN}) when the history is in Redis.
 */
public class SseHealthIndicator extends AbstractHealthIndicator {
  private final SseHub hub;
  private final SseServlet servlet;
  private final Optional<BooleanSupplier> redisUp;

  /**
   * @param servlet the stream endpoint, or {@code null} outside a servlet web application
   * @param redisUp whether the Redis of the history is reachable, where the history is in Redis
   */
  public SseHealthIndicator(SseHub hub, SseServlet servlet, Optional<BooleanSupplier> redisUp) {
    super("ssekit health check failed");
    this.hub = hub;
    this.servlet = servlet;
    this.redisUp = redisUp;
  }

  @Override
  protected void doHealthCheck(Health.Builder builder) {
    builder.up().withDetail("streams", hub.streamCount()).withDetail("topics", hub.topicCount());
    if (servlet != null) {
      builder.withDetail("connections", servlet.connectionCount());
    }
    redisUp.ifPresent(up -> {
      boolean connected = up.getAsBoolean();
      builder.withDetail("redis", connected ? "UP" : "DOWN");
      if (!connected) {
        builder.down();
      }
    });
  }
}
