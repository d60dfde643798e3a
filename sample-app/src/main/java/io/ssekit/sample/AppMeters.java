package io.ssekit.sample;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.jetty.JettyServerThreadPoolMetrics;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.ssekit.micrometer.SseMetrics;
import io.ssekit.spi.SseListener;
import java.util.Collections;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.eclipse.jetty.util.thread.ThreadPool;

/**
 * The sample app's meters ({@code SSE_METRICS}): ssekit's, the JVM's and Jetty's thread pool's in
 * one Prometheus registry, served by {@link MetricsServlet}; or, when off, none at all (the hub
 * and the servlet get {@link SseListener#NONE}).
 */
final class AppMeters implements AutoCloseable {
  private final PrometheusMeterRegistry registry;
  private final SseListener listener;
  private final JvmGcMetrics gc;

  private AppMeters(PrometheusMeterRegistry registry, SseListener listener, JvmGcMetrics gc) {
    this.registry = registry;
    this.listener = listener;
    this.gc = gc;
  }

  /** The meters, or none when {@code on} is false. */
  static AppMeters of(boolean on) {
    if (!on) {
      return new AppMeters(null, SseListener.NONE, null);
    }
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    SseMetrics ssekit = new SseMetrics();
    ssekit.bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new JvmMemoryMetrics().bindTo(registry);
    JvmGcMetrics gc = new JvmGcMetrics();
    gc.bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    return new AppMeters(registry, ssekit, gc);
  }

  /** What the hub, the servlet and the ticket endpoint report to. */
  SseListener listener() {
    return listener;
  }

  /** Meters of Jetty's thread pool. */
  void bindJetty(ThreadPool threads) {
    if (registry != null) {
      new JettyServerThreadPoolMetrics(threads, Collections.emptyList()).bindTo(registry);
    }
  }

  /** {@code ssekit.redis.reachable}: 1 while {@code up} says so, else 0. */
  void bindRedis(BooleanSupplier up) {
    if (registry != null) {
      Gauge.builder("ssekit.redis.reachable", () -> up.getAsBoolean() ? 1 : 0)
          .description("1 while the Redis of the history and fanout answers, else 0")
          .register(registry);
    }
  }

  /** The {@code /metrics} endpoint; empty when the meters are off. */
  Optional<MetricsServlet> servlet() {
    return Optional.ofNullable(registry).map(MetricsServlet::new);
  }

  @Override
  public void close() {
    if (gc != null) {
      gc.close();
    }
    if (registry != null) {
      registry.close();
    }
  }
}
