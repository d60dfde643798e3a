/**
 * Micrometer metrics for ssekit: {@link io.ssekit.micrometer.SseMetrics}, the meters, bound to any
 * registry (Prometheus, Datadog, OTLP...), fed by the hub and the servlets as their {@link
 * io.ssekit.spi.SseListener}.
 */
package io.ssekit.micrometer;
