package io.ssekit.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A scrape of the sample app's {@code /metrics} (Prometheus text), and what the server says of a
 * measured phase between two scrapes: the events it delivered, its delivery-lag p99 and its
 * resumes, to print beside what the tool's clients measured.
 */
final class ServerMetrics {
  private static final String LAG_BUCKET = "ssekit_delivery_lag_seconds_bucket{le=\"";
  private static final String[] RESUMES = {"exact", "gap", "unknown-epoch", "malformed-id"};
  private static final HttpClient HTTP = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();

  private final Map<String, Double> samples;

  private ServerMetrics(Map<String, Double> samples) {
    this.samples = samples;
  }

  /** The samples of {@code uri}; empty when the server serves no metrics there. */
  static Optional<ServerMetrics> scrape(URI uri) {
    try {
      HttpResponse<String> response = HTTP.send(
          HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
          HttpResponse.BodyHandlers.ofString());
      return response.statusCode() == 200 ? Optional.of(parse(response.body())) : Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }

  static ServerMetrics parse(String text) {
    Map<String, Double> samples = new TreeMap<>();
    for (String line : text.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      int space = line.lastIndexOf(' ');
      try {
        samples.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
      } catch (NumberFormatException | StringIndexOutOfBoundsException ignored) {
        // Not a sample line.
      }
    }
    return new ServerMetrics(samples);
  }

  double value(String sample) {
    return samples.getOrDefault(sample, 0.0);
  }

  /**
   * The upper bound, in milliseconds, of the delivery-lag bucket holding the {@code percentile}
   * of the samples recorded since {@code before}; NaN when none were.
   */
  double lagPercentileMillis(ServerMetrics before, double percentile) {
    TreeMap<Double, Double> counts = new TreeMap<>();
    for (Map.Entry<String, Double> sample : samples.entrySet()) {
      String name = sample.getKey();
      if (name.startsWith(LAG_BUCKET)) {
        String le = name.substring(LAG_BUCKET.length(), name.indexOf('"', LAG_BUCKET.length()));
        double bound = le.equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(le);
        counts.put(bound, sample.getValue() - before.value(name));
      }
    }
    double total = counts.isEmpty() ? 0 : counts.lastEntry().getValue();
    if (total <= 0) {
      return Double.NaN;
    }
    for (Map.Entry<Double, Double> bucket : counts.entrySet()) {
      if (bucket.getValue() >= total * percentile / 100) {
        return bucket.getKey() * 1000;
      }
    }
    return Double.POSITIVE_INFINITY;
  }

  /** One line: the server's own count of a phase beside the clients'. */
  String compare(ServerMetrics before, String server, long clientsDelivered,
      double clientsP99Millis) {
    double delivered = value("ssekit_events_delivered_total")
        - before.value("ssekit_events_delivered_total");
    StringBuilder resumes = new StringBuilder();
    for (String result : RESUMES) {
      String sample = "ssekit_resumes_total{result=\"" + result + "\"}";
      resumes.append(' ').append(result).append(' ')
          .append(Math.round(value(sample) - before.value(sample)));
    }
    return String.format(Locale.ROOT, "%s: the server's /metrics: delivered %d (its clients"
        + " received %d), delivery lag p99 <= %.1f ms (its clients: %.1f ms), resumes%s",
        server, Math.round(delivered), clientsDelivered, lagPercentileMillis(before, 99),
        clientsP99Millis, resumes);
  }
}
