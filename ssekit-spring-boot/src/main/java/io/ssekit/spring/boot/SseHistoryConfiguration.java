package io.ssekit.spring.boot;

import io.ssekit.fanout.redis.RedisFanout;
import io.ssekit.history.memory.MemoryEventHistory;
import io.ssekit.history.redis.RedisEventHistory;
import io.ssekit.spi.EventHistory;
import io.ssekit.spi.Fanout;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The history and fanout {@link SseAutoConfiguration} imports, in this order: Redis where its
 * module is on the class path and {@code ssekit.redis.uri} is set, else memory.
 */
final class SseHistoryConfiguration {
  private SseHistoryConfiguration() {}

  /** History in Redis Streams, shared by every instance. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(RedisEventHistory.class)
  @ConditionalOnProperty("ssekit.redis.uri")
  static class RedisHistory {
    @Bean
    @ConditionalOnMissingBean(EventHistory.class)
    RedisEventHistory sseRedisHistory(SseProperties properties) {
      SseProperties.Redis redis = properties.getRedis();
      SseProperties.History history = properties.getHistory();
      RedisEventHistory.Builder builder = RedisEventHistory.builder();
      Named.check("ssekit.redis.uri", () -> builder.uri(redis.getUri()));
      Named.check("ssekit.redis.key-prefix", () -> builder.keyPrefix(redis.getKeyPrefix()));
      return builder
          .commandTimeout(redis.getCommandTimeout())
          .maxEventsPerTopic(history.getMaxEventsPerTopic())
          .maxAge(history.getMaxAge())
          .idleTopicExpiry(history.getIdleTopicExpiry())
          .build();
    }
  }

  /** History in memory: one instance, lost on restart (clients are told with sse-reset). */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(MemoryEventHistory.class)
  static class MemoryHistory {
    @Bean
    @ConditionalOnMissingBean(EventHistory.class)
    MemoryEventHistory sseMemoryHistory(SseProperties properties) {
      SseProperties.History history = properties.getHistory();
      return MemoryEventHistory.builder()
          .maxEventsPerTopic(history.getMaxEventsPerTopic())
          .maxAge(history.getMaxAge())
          .idleTopicExpiry(history.getIdleTopicExpiry())
          .maxTotalSize(history.getMaxTotalSize().toBytes())
          .build();
    }
  }

  /** Fanout through Redis pub/sub, to every instance. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(RedisFanout.class)
  @ConditionalOnProperty("ssekit.redis.uri")
  static class RedisFanoutConfiguration {
    @Bean
    @ConditionalOnMissingBean(Fanout.class)
    RedisFanout sseRedisFanout(SseProperties properties) {
      SseProperties.Redis redis = properties.getRedis();
      RedisFanout.Builder builder = RedisFanout.builder();
      Named.check("ssekit.redis.uri", () -> builder.uri(redis.getUri()));
      Named.check("ssekit.redis.key-prefix", () -> builder.keyPrefix(redis.getKeyPrefix()));
      return builder.commandTimeout(redis.getCommandTimeout()).build();
    }
  }
}
