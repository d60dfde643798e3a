package io.ssekit.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ServerMetricsTest {
  private static ServerMetrics scrape(double delivered, double le1ms, double le10ms, double inf,
      double gaps) {
    return ServerMetrics.parse("""
        # HELP ssekit_events_delivered_total events queued to streams
        # TYPE ssekit_events_delivered_total counter
        ssekit_events_delivered_total %s
        ssekit_delivery_lag_seconds_bucket{le="0.001"} %s
        ssekit_delivery_lag_seconds_bucket{le="0.01"} %s
        ssekit_delivery_lag_seconds_bucket{le="+Inf"} %s
        ssekit_resumes_total{result="gap"} %s
        """.formatted(delivered, le1ms, le10ms, inf, gaps));
  }

  @Test
  void thePhaseIsTheDifferenceOfTwoScrapesAndP99TheBucketThatHoldsIt() {
    ServerMetrics before = scrape(100, 50, 100, 100, 1);
    ServerMetrics after = scrape(1100, 60, 1090, 1100, 3);

    // Of the phase's 1000 samples, 10 are under 1 ms and 990 under 10 ms: p99 is in (1, 10] ms.
    assertEquals(10.0, after.lagPercentileMillis(before, 99), 1e-9);
    assertEquals(1.0, after.lagPercentileMillis(before, 1), 1e-9);
    String line = after.compare(before, "ssekit", 1000, 7.25);
    assertTrue(line.startsWith("ssekit: the server's /metrics: delivered 1000 (its clients"
        + " received 1000), delivery lag p99 <= 10.0 ms (its clients: 7.3 ms), resumes exact 0"
        + " gap 2"), line);
  }

  @Test
  void aPhaseWithoutSamplesHasNoPercentile() {
    ServerMetrics same = scrape(5, 1, 1, 1, 0);
    assertTrue(Double.isNaN(same.lagPercentileMillis(same, 99)));
  }
}
