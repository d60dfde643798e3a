package io.ssekit.spring.boot;

import io.ssekit.SseHub;
import io.ssekit.spi.Authenticator;
import io.ssekit.spi.EventHistory;
import io.ssekit.spi.Fanout;
import io.ssekit.spi.KeepAlivePolicy;
import io.ssekit.spi.SseListener;
import java.util.Optional;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;

/**
 * Auto-configuration of ssekit's {@link SseHub} and its SPIs. The application's own {@link
 * EventHistory}, {@link Fanout}, {@link Authenticator}, {@link KeepAlivePolicy} or {@link
 * SseListener} bean replaces the default of its kind:
 *
 * <ul>
 *   <li>history: in Redis with {@code sse-history-redis} on the class path and {@code
 *       ssekit.redis.uri} set, else in memory ({@code sse-history-memory});</li>
 *   <li>fanout: through Redis with {@code sse-fanout-redis} and {@code ssekit.redis.uri}, else
 *       local;</li>
 *   <li>authenticator: JWT with {@code sse-auth} and a key in {@code ssekit.auth.jwt.*}, else
 *       everyone may subscribe;</li>
 *   <li>keep-alive: the fixed policy of {@code ssekit.keep-alive}, {@code ssekit.retry} and
 *       {@code ssekit.max-lifetime};</li>
 *   <li>listener: {@code SseMetrics} when Micrometer and {@code sse-micrometer} are there.</li>
 * </ul>
 * Each kind takes one bean: several of a kind, none of them {@code @Primary}, fail the start.
 * In a servlet web application {@link SseServletConfiguration} maps the stream endpoint.
 */
@AutoConfiguration
@ConditionalOnClass(SseHub.class)
@ConditionalOnBooleanProperty(name = "ssekit.enabled", matchIfMissing = true)
@EnableConfigurationProperties(SseProperties.class)
@Import({SseHistoryConfiguration.RedisHistory.class, SseHistoryConfiguration.MemoryHistory.class,
    SseHistoryConfiguration.RedisFanoutConfiguration.class, SseJwtConfiguration.class,
    SseTicketConfiguration.class, SseServletConfiguration.class})
public class SseAutoConfiguration {
  /** The hub: publish to it from anywhere in the application; closed with the context. */
  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean
  public SseHub sseHub(SseProperties properties, ObjectProvider<EventHistory> history,
      ObjectProvider<Fanout> fanout, ObjectProvider<SseListener> listener) {
    SseHub.Builder builder = SseHub.builder()
        .maxEventSize((int) properties.getMaxEventSize().toBytes())
        .maxPendingEvents(properties.getMaxPendingEvents())
        .listener(listener.getIfAvailable(() -> SseListener.NONE));
    history.ifAvailable(builder::history);
    fanout.ifAvailable(builder::fanout);
    return builder.build();
  }

  /** Local fanout: events reach the streams of this instance only. */
  @Bean
  @ConditionalOnMissingBean
  public Fanout sseFanout() {
    return Fanout.local();
  }

  /** Everyone may subscribe, unless JWT authentication is configured. */
  @Bean
  @ConditionalOnMissingBean
  public Authenticator sseAuthenticator() {
    return Authenticator.allowAll();
  }

  /** The fixed keep-alive policy of {@code ssekit.keep-alive}, {@code retry}, {@code max-lifetime}. */
  @Bean
  @ConditionalOnMissingBean
  public KeepAlivePolicy sseKeepAlivePolicy(SseProperties properties) {
    return new KeepAlivePolicy.Fixed(properties.getKeepAlive(),
        Optional.ofNullable(properties.getRetry()),
        Optional.ofNullable(properties.getMaxLifetime()));
  }
}
