package io.ssekit.micrometer;

import io.micrometer.core.instrument.Metrics;
import io.ssekit.spi.Settings;
import io.ssekit.spi.SseListener;
import io.ssekit.spi.SseListenerProvider;

/**
 * {@code micrometer}: the {@link SseMetrics} of Micrometer's global registry ({@link
 * Metrics#globalRegistry}), for servlets configured by init-params ({@code listener=micrometer});
 * no settings. Every servlet configured so reports to the same instance, so the meters add up
 * their streams.
 */
public final class SseMetricsProvider implements SseListenerProvider {
  private static SseMetrics global;

  @Override
  public String name() {
    return "micrometer";
  }

  @Override
  public SseListener create(Settings settings) {
    return global();
  }

  private static synchronized SseMetrics global() {
    if (global == null) {
      global = new SseMetrics();
      global.bindTo(Metrics.globalRegistry);
    }
    return global;
  }
}
