/**
 * Micrometer metrics for ssekit: {@code SseMetrics}, a {@code MeterBinder} that is also the
 * {@code SseListener} a hub and its servlets report to; provider {@code micrometer} (the global
 * registry).
 */
module io.ssekit.micrometer {
  requires transitive io.ssekit.api;
  requires transitive micrometer.core;

  exports io.ssekit.micrometer;

  provides io.ssekit.spi.SseListenerProvider with io.ssekit.micrometer.SseMetricsProvider;
}
