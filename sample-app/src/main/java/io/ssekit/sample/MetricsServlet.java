package io.ssekit.sample;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Set;

/** {@code GET /metrics}: every meter of the registry in the Prometheus text format. */
final class MetricsServlet extends JsonServlet {
  /** The Prometheus text exposition format, version 0.0.4. */
  static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private final PrometheusMeterRegistry registry;

  MetricsServlet(PrometheusMeterRegistry registry) {
    super(Set.of("GET"));
    this.registry = registry;
  }

  @Override
  void handle(HttpServletRequest request, HttpServletResponse response) throws IOException {
    byte[] body = registry.scrape(CONTENT_TYPE).getBytes(StandardCharsets.UTF_8);
    response.setStatus(200);
    response.setContentType(CONTENT_TYPE);
    response.setHeader("Cache-Control", "no-store");
    response.setContentLength(body.length);
    response.getOutputStream().write(body);
  }
}
