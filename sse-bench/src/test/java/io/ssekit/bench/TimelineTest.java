package io.ssekit.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class TimelineTest {
  private static Timeline.Sample sample(double seconds, double open, double delivered,
      double under10ms, double all) {
    return new Timeline.Sample(seconds, ServerMetrics.parse("""
        ssekit_streams_open %s
        ssekit_events_delivered_total %s
        ssekit_delivery_lag_seconds_bucket{le="0.01"} %s
        ssekit_delivery_lag_seconds_bucket{le="+Inf"} %s
        """.formatted(open, delivered, under10ms, all)));
  }

  @Test
  void eachSecondIsTheDifferenceOfTwoScrapes() {
    List<Timeline.Row> rows = Timeline.rows(List.of(
        sample(0, 0, 0, 0, 0),
        sample(1, 100, 5000, 50, 50),
        sample(2, 100, 15000, 50, 150)));

    assertEquals(2, rows.size());
    assertEquals(new Timeline.Row(1, 100, 5000, 10), rows.get(0));
    assertEquals(10000, rows.get(1).deliveredPerSecond(), 1e-9);
    assertEquals(Double.POSITIVE_INFINITY, rows.get(1).p99Millis(), "all above the last bound");
    assertEquals("seconds,streams_open,delivered_per_s,lag_p99_ms\n1.0,100,5000,10.0\n"
        + "2.0,100,10000,Infinity\n", Timeline.csv(rows));
    String svg = Timeline.svg("fanout", rows);
    assertTrue(svg.startsWith("<svg") && svg.contains("deliveries per second")
        && svg.contains("<polyline"), svg);
  }

  @Test
  void theTimelineIsAskedForWithOnAndIsOffByDefault() {
    assertTrue(Options.parse(new String[] {"fanout", "10", "5", "1", "--timeline", "on"}).timeline);
    assertFalse(Options.parse(new String[] {"fanout", "10", "5", "1"}).timeline);
    assertEquals("--timeline takes on or off, was 'yes'", assertThrows(
        IllegalArgumentException.class,
        () -> Options.parse(new String[] {"burst", "10", "--timeline", "yes"})).getMessage());
  }
}
