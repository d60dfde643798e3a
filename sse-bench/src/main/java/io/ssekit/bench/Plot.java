package io.ssekit.bench;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Draws a sweep as an SVG of two charts side by side: deliveries per second against the number
 * of streams (with what the publisher asked for), and p99 publish-to-receive latency on a
 * logarithmic scale, one line per server.
 */
final class Plot {
  /** One measured point of one server. */
  record Point(int streams, double deliveredPerSecond, double p99Millis) {}

  private static final String[] COLOURS = {"#1f6fb4", "#e8731a", "#2ca02c", "#9467bd"};
  private static final int CHART_WIDTH = 420;
  private static final int CHART_HEIGHT = 280;
  private static final int LEFT = 70;
  private static final int TOP = 50;
  private static final int GAP = 110;

  private final StringBuilder svg = new StringBuilder();

  private Plot() {}

  /**
   * The SVG document.
   *
   * @param title the caption above both charts
   * @param rate events a second the publisher sent; the asked-for deliveries are streams × rate
   * @param series the points of each server, in legend order
   */
  static String svg(String title, int rate, Map<String, List<Point>> series) {
    return new Plot().draw(title, rate, series);
  }

  private String draw(String title, int rate, Map<String, List<Point>> series) {
    int width = LEFT + 2 * CHART_WIDTH + GAP + 30;
    int height = TOP + CHART_HEIGHT + 90;
    svg.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\""
        + " height=\"%d\" viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"12\">%n",
        width, height, width, height));
    svg.append(String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>%n",
        width, height));
    text(width / 2.0, 22, "middle", 15, escape(title));

    int maxStreams = 1;
    double maxDelivered = 1;
    double minP99 = Double.MAX_VALUE;
    double maxP99 = Double.MIN_VALUE;
    for (List<Point> points : series.values()) {
      for (Point p : points) {
        maxStreams = Math.max(maxStreams, p.streams());
        maxDelivered = Math.max(maxDelivered, p.deliveredPerSecond());
        if (p.p99Millis() > 0) { // NaN (nothing measured) never is
          minP99 = Math.min(minP99, p.p99Millis());
          maxP99 = Math.max(maxP99, p.p99Millis());
        }
      }
    }
    double xStep = niceStep(maxStreams);
    double xMax = Math.ceil(maxStreams / xStep) * xStep;
    // The asked line runs to the right edge, so the axis covers what is asked there.
    maxDelivered = Math.max(maxDelivered, xMax * rate);
    double yStep = niceStep(maxDelivered);
    double yMax = Math.ceil(maxDelivered / yStep) * yStep;
    boolean anyLatency = minP99 <= maxP99;
    int lowDecade = anyLatency ? (int) Math.floor(Math.log10(minP99)) : 0;
    int decades = anyLatency
        ? Math.max(1, (int) Math.ceil(Math.log10(maxP99)) - lowDecade) : 1;

    Axes left = new Axes(LEFT, xMax, xStep);
    left.frame("streams", "deliveries per second");
    for (double y = 0; y <= yMax + yStep / 2; y += yStep) {
      left.yTick(y / yMax, compact(y));
    }
    left.line(List.of(new double[] {0, 0}, new double[] {xMax, xMax * rate / yMax}),
        "#999999", "6 4");
    text(left.x(xMax) - 4, left.y(Math.min(1, xMax * rate / yMax)) - 6, "end", 11,
        "asked: streams \u00d7 " + rate + "/s");

    Axes right = new Axes(LEFT + CHART_WIDTH + GAP, xMax, xStep);
    right.frame("streams", "p99 latency, ms (log)");
    for (int d = 0; d <= decades; d++) {
      right.yTick(d / (double) decades, compact(Math.pow(10, lowDecade + d)));
    }

    int i = 0;
    for (Map.Entry<String, List<Point>> entry : series.entrySet()) {
      String colour = COLOURS[i % COLOURS.length];
      List<double[]> delivered = new ArrayList<>();
      List<double[]> latency = new ArrayList<>();
      for (Point p : entry.getValue()) {
        delivered.add(new double[] {p.streams(), p.deliveredPerSecond() / yMax});
        if (p.p99Millis() > 0) {
          latency.add(new double[] {p.streams(),
              (Math.log10(p.p99Millis()) - lowDecade) / decades});
        }
      }
      left.line(delivered, colour, null);
      right.line(latency, colour, null);
      double legendX = LEFT + i * 260;
      double legendY = TOP + CHART_HEIGHT + 70;
      svg.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%.1f\" width=\"14\" height=\"4\""
          + " fill=\"%s\"/>%n", legendX, legendY - 4, colour));
      text(legendX + 20, legendY, "start", 12, escape(entry.getKey()));
      i++;
    }
    svg.append("</svg>\n");
    return svg.toString();
  }

  /** One chart: x in streams, y as a fraction of its height. */
  private final class Axes {
    private final int left;
    private final double xMax;
    private final double xStep;

    Axes(int left, double xMax, double xStep) {
      this.left = left;
      this.xMax = xMax;
      this.xStep = xStep;
    }

    double x(double streams) {
      return left + streams / xMax * CHART_WIDTH;
    }

    double y(double fraction) {
      return TOP + CHART_HEIGHT - fraction * CHART_HEIGHT;
    }

    void frame(String xLabel, String yLabel) {
      svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\""
          + " fill=\"none\" stroke=\"#333333\"/>%n", left, TOP, CHART_WIDTH, CHART_HEIGHT));
      for (double s = 0; s <= xMax + xStep / 2; s += xStep) {
        svg.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\""
            + " stroke=\"#333333\"/>%n", x(s), TOP + CHART_HEIGHT, x(s), TOP + CHART_HEIGHT + 5));
        text(x(s), TOP + CHART_HEIGHT + 18, "middle", 11, compact(s));
      }
      text(left + CHART_WIDTH / 2.0, TOP + CHART_HEIGHT + 38, "middle", 12, xLabel);
      svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"middle\""
          + " font-size=\"12\" transform=\"rotate(-90 %d %.1f)\">%s</text>%n", left - 52,
          TOP + CHART_HEIGHT / 2.0, left - 52, TOP + CHART_HEIGHT / 2.0, yLabel));
    }

    void yTick(double fraction, String label) {
      svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\""
          + " stroke=\"#dddddd\"/>%n", left, y(fraction), left + CHART_WIDTH, y(fraction)));
      text(left - 6, y(fraction) + 4, "end", 11, label);
    }

    void line(List<double[]> points, String colour, String dashes) {
      StringBuilder path = new StringBuilder();
      for (double[] p : points) {
        path.append(String.format(Locale.ROOT, "%.1f,%.1f ", x(p[0]), y(Math.min(1, p[1]))));
      }
      svg.append(String.format(Locale.ROOT, "<polyline points=\"%s\" fill=\"none\" stroke=\"%s\""
          + " stroke-width=\"2\"%s/>%n", path.toString().trim(), colour,
          dashes == null ? "" : " stroke-dasharray=\"" + dashes + "\""));
      if (dashes == null) {
        for (double[] p : points) {
          svg.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\""
              + " fill=\"%s\"/>%n", x(p[0]), y(Math.min(1, p[1])), colour));
        }
      }
    }
  }

  private void text(double x, double y, String anchor, int size, String content) {
    svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\""
        + " font-size=\"%d\">%s</text>%n", x, y, anchor, size, content));
  }

  /** 1, 2 or 5 times a power of ten, so that {@code max} takes about five steps. */
  static double niceStep(double max) {
    double raw = max / 5;
    double power = Math.pow(10, Math.floor(Math.log10(raw)));
    for (double factor : new double[] {1, 2, 5}) {
      if (factor * power >= raw) {
        return factor * power;
      }
    }
    return 10 * power;
  }

  /** 1500 as 1.5k, 2000000 as 2M, 0.1 as 0.1. */
  static String compact(double value) {
    if (value >= 1e6) {
      return trim(value / 1e6) + "M";
    }
    if (value >= 1e3) {
      return trim(value / 1e3) + "k";
    }
    return trim(value);
  }

  private static String trim(double value) {
    if (value == Math.rint(value)) {
      return Long.toString((long) value);
    }
    return value < 1 ? BigDecimal.valueOf(value).stripTrailingZeros().toPlainString()
        : String.format(Locale.ROOT, "%.1f", value);
  }

  private static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }
}
