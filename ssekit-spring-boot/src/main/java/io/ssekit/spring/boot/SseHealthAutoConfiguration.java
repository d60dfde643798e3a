package io.ssekit.spring.boot;

import io.ssekit.SseHub;
import io.ssekit.history.redis.RedisEventHistory;
import io.ssekit.servlet.SseServlet;
import io.ssekit.spi.EventHistory;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.util.ClassUtils;

/**
 * The {@code ssekit} health contributor ({@link SseHealthIndicator}) when Spring Boot's health
 * support is on the class path; {@code management.health.ssekit.enabled=false} turns it off.
 */
@AutoConfiguration(after = SseAutoConfiguration.class)
@ConditionalOnClass({HealthIndicator.class, ConditionalOnEnabledHealthIndicator.class})
@ConditionalOnBean(SseHub.class)
@ConditionalOnEnabledHealthIndicator("ssekit")
public class SseHealthAutoConfiguration {
  private static final boolean REDIS_HISTORY_PRESENT = ClassUtils.isPresent(
      "io.ssekit.history.redis.RedisEventHistory", SseHealthAutoConfiguration.class.getClassLoader());

  @Bean
  @ConditionalOnMissingBean(name = "ssekitHealthIndicator")
  public SseHealthIndicator ssekitHealthIndicator(SseHub hub, ObjectProvider<SseServlet> servlet,
      ObjectProvider<EventHistory> history) {
    EventHistory own = history.getIfUnique();
    Optional<BooleanSupplier> redisUp = REDIS_HISTORY_PRESENT && own != null
        ? RedisProbe.of(own) : Optional.empty();
    return new SseHealthIndicator(hub, servlet.getIfAvailable(), redisUp);
  }

  /** Loaded only where {@code sse-history-redis} is on the class path. */
  private static final class RedisProbe {
    static Optional<BooleanSupplier> of(EventHistory history) {
      return history instanceof RedisEventHistory redis
          ? Optional.of(redis::isConnected) : Optional.empty();
    }
  }
}
