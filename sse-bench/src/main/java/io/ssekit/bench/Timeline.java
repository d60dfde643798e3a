package io.ssekit.bench;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The server's {@code /metrics}, scraped every second during a run ({@code --timeline}), as a CSV
 * and an SVG of three charts over time: open streams, deliveries per second, and the delivery
 * lag's p99 in each second (the upper bound of its histogram bucket). The scrapes cost the server
 * a little CPU, which the run's figures then include.
 */
final class Timeline implements AutoCloseable {
  /** One scrape, {@code seconds} after the start. */
  record Sample(double seconds, ServerMetrics metrics) {}

  /** One second of the run: its end, streams open then, deliveries in it, the lag's p99 in it. */
  record Row(double seconds, double open, double deliveredPerSecond, double p99Millis) {}

  private static final int WIDTH = 300;
  private static final int HEIGHT = 200;
  private static final int LEFT = 70;
  private static final int TOP = 50;
  private static final int GAP = 100;

  private final List<Sample> samples = new ArrayList<>();
  private final ScheduledExecutorService scraper = Executors.newSingleThreadScheduledExecutor(
      runnable -> {
        Thread thread = new Thread(runnable, "sse-bench-timeline");
        thread.setDaemon(true);
        return thread;
      });
  private final long startNanos = System.nanoTime();

  /** Starts scraping {@code metrics} once a second. */
  Timeline(URI metrics) {
    scraper.scheduleWithFixedDelay(() -> ServerMetrics.scrape(metrics).ifPresent(scraped -> {
      double seconds = (System.nanoTime() - startNanos) / 1e9;
      synchronized (samples) {
        samples.add(new Sample(seconds, scraped));
      }
    }), 0, 1, TimeUnit.SECONDS);
  }

  /** Stops scraping; waits for a scrape in progress. */
  @Override
  public void close() throws InterruptedException {
    scraper.shutdownNow();
    scraper.awaitTermination(15, TimeUnit.SECONDS);
  }

  /** Each second between two scrapes. */
  List<Row> rows() {
    List<Sample> all;
    synchronized (samples) {
      all = List.copyOf(samples);
    }
    return rows(all);
  }

  static List<Row> rows(List<Sample> all) {
    List<Row> rows = new ArrayList<>();
    for (int i = 1; i < all.size(); i++) {
      Sample before = all.get(i - 1);
      Sample now = all.get(i);
      double seconds = Math.max(1e-3, now.seconds() - before.seconds());
      double delivered = now.metrics().value("ssekit_events_delivered_total")
          - before.metrics().value("ssekit_events_delivered_total");
      rows.add(new Row(now.seconds(), now.metrics().value("ssekit_streams_open"),
          delivered / seconds, now.metrics().lagPercentileMillis(before.metrics(), 99)));
    }
    return rows;
  }

  static String csv(List<Row> rows) {
    StringBuilder csv = new StringBuilder("seconds,streams_open,delivered_per_s,lag_p99_ms\n");
    for (Row row : rows) {
      csv.append(String.format(Locale.ROOT, "%.1f,%.0f,%.0f,%.1f%n", row.seconds(), row.open(),
          row.deliveredPerSecond(), row.p99Millis()));
    }
    return csv.toString();
  }

  /** The three charts side by side, under {@code title}. */
  static String svg(String title, List<Row> rows) {
    int width = LEFT + 3 * WIDTH + 2 * GAP + 30;
    int height = TOP + HEIGHT + 60;
    StringBuilder svg = new StringBuilder(String.format(Locale.ROOT,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\""
            + " font-family=\"sans-serif\" font-size=\"12\">%n<rect width=\"%d\" height=\"%d\""
            + " fill=\"white\"/>%n", width, height, width, height, width, height));
    text(svg, width / 2.0, 22, "middle", 15, title);
    double duration = rows.isEmpty() ? 1 : rows.get(rows.size() - 1).seconds();
    chart(svg, LEFT, "open streams", duration, rows, Row::open);
    chart(svg, LEFT + WIDTH + GAP, "deliveries per second", duration, rows,
        Row::deliveredPerSecond);
    chart(svg, LEFT + 2 * (WIDTH + GAP), "delivery lag p99, ms", duration, rows,
        row -> Double.isFinite(row.p99Millis()) ? row.p99Millis() : Double.NaN);
    return svg.append("</svg>\n").toString();
  }

  private static void chart(StringBuilder svg, int left, String label, double duration,
      List<Row> rows, java.util.function.ToDoubleFunction<Row> value) {
    double max = 1;
    for (Row row : rows) {
      double v = value.applyAsDouble(row);
      if (!Double.isNaN(v)) {
        max = Math.max(max, v);
      }
    }
    double yStep = Plot.niceStep(max);
    double yMax = Math.ceil(max / yStep) * yStep;
    double xStep = Plot.niceStep(duration);
    svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\""
        + " fill=\"none\" stroke=\"#333333\"/>%n", left, TOP, WIDTH, HEIGHT));
    for (double y = 0; y <= yMax + yStep / 2; y += yStep) {
      double at = TOP + HEIGHT - y / yMax * HEIGHT;
      svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\""
          + " stroke=\"#dddddd\"/>%n", left, at, left + WIDTH, at));
      text(svg, left - 6, at + 4, "end", 11, Plot.compact(y));
    }
    for (double x = 0; x <= duration + xStep / 2; x += xStep) {
      text(svg, left + x / duration * WIDTH, TOP + HEIGHT + 18, "middle", 11, Plot.compact(x));
    }
    text(svg, left + WIDTH / 2.0, TOP + HEIGHT + 38, "middle", 12, "seconds");
    text(svg, left + WIDTH / 2.0, TOP - 8, "middle", 12, label);
    StringBuilder points = new StringBuilder();
    for (Row row : rows) {
      double v = value.applyAsDouble(row);
      if (!Double.isNaN(v)) {
        points.append(String.format(Locale.ROOT, "%.1f,%.1f ",
            left + row.seconds() / duration * WIDTH, TOP + HEIGHT - v / yMax * HEIGHT));
      }
    }
    svg.append(String.format(Locale.ROOT, "<polyline points=\"%s\" fill=\"none\""
        + " stroke=\"#1f6fb4\" stroke-width=\"2\"/>%n", points.toString().trim()));
  }

  private static void text(StringBuilder svg, double x, double y, String anchor, int size,
      String content) {
    svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\""
        + " font-size=\"%d\">%s</text>%n", x, y, anchor, size,
        content.replace("&", "&amp;").replace("<", "&lt;")));
  }
}
