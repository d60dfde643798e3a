package io.ssekit.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import io.ssekit.SseHub;
import io.ssekit.fanout.redis.RedisFanout;
import io.ssekit.history.redis.RedisEventHistory;
import io.ssekit.spi.EventHistory;
import io.ssekit.spi.Fanout;
import io.ssekit.testkit.RedisExtension;
import io.ssekit.testkit.RedisServer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;

/** {@code ssekit.redis.uri} against a real {@code redis-server}. */
class SseRedisAutoConfigurationTest {
  @RegisterExtension
  static final RedisExtension<RedisServer> REDIS = RedisExtension.server();

  private final WebApplicationContextRunner web = new WebApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(SseAutoConfiguration.class,
          SseHealthAutoConfiguration.class));

  @Test
  void aRedisUriGivesRedisHistoryAndFanoutAndHealthReportsRedis() {
    web.withPropertyValues("ssekit.redis.uri=" + REDIS.uri(), "ssekit.redis.key-prefix=boot:")
        .run(context -> {
          assertThat(context).hasNotFailed();
          assertThat(context.getBean(EventHistory.class)).isInstanceOf(RedisEventHistory.class);
          assertThat(context.getBean(Fanout.class)).isInstanceOf(RedisFanout.class);
          String id = context.getBean(SseHub.class).publish("r", "x").toCompletableFuture()
              .get(5, TimeUnit.SECONDS);
          assertThat(id).isNotBlank();
          assertThat(REDIS.redis().command("KEYS", "boot:*")).contains("boot:");
          HealthIndicator health = context.getBean("ssekitHealthIndicator", HealthIndicator.class);
          assertThat(health.health().getStatus()).isEqualTo(Status.UP);
          assertThat(health.health().getDetails()).containsEntry("redis", "UP");
        });
  }

  @Test
  void healthIsDownOnceTheRedisIsGone() {
    try (RedisServer redis = RedisServer.start()) {
      web.withPropertyValues("ssekit.redis.uri=" + redis.uri(),
          "ssekit.redis.command-timeout=500ms").run(context -> {
            assertThat(context).hasNotFailed();
            HealthIndicator health = context.getBean("ssekitHealthIndicator",
                HealthIndicator.class);
            assertThat(health.health().getStatus()).isEqualTo(Status.UP);
            redis.kill();
            Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
              assertThat(health.health().getStatus()).isEqualTo(Status.DOWN);
              assertThat(health.health().getDetails()).containsEntry("redis", "DOWN");
            });
          });
    }
  }
}
