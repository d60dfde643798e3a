package io.ssekit.spring.boot;

import io.micrometer.core.instrument.MeterRegistry;
import io.ssekit.micrometer.SseMetrics;
import io.ssekit.spi.SseListener;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * {@link SseMetrics} as the hub's and the endpoint's listener when Micrometer and {@code
 * sse-micrometer} are on the class path: a {@code MeterBinder} bean, which Spring Boot binds to
 * its {@link MeterRegistry}. The application's own {@link SseListener} bean replaces it.
 */
@AutoConfiguration(before = SseAutoConfiguration.class,
    afterName = "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration")
@ConditionalOnClass({MeterRegistry.class, SseMetrics.class})
@ConditionalOnBooleanProperty(name = "ssekit.enabled", matchIfMissing = true)
public class SseMetricsAutoConfiguration {
  @Bean
  @ConditionalOnMissingBean(SseListener.class)
  public SseMetrics sseMetrics() {
    return new SseMetrics();
  }
}
