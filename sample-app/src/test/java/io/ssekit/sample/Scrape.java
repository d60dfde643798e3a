package io.ssekit.sample;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.Map;

/** One scrape of {@code /metrics}: each sample's value by its name and labels, as written. */
final class Scrape {
  final String text;
  private final Map<String, Double> samples = new LinkedHashMap<>();

  private Scrape(String text) {
    this.text = text;
    for (String line : text.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      int space = line.lastIndexOf(' ');
      samples.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
    }
  }

  static Scrape of(HttpClient http, URI metrics) {
    try {
      HttpResponse<String> response = http.send(HttpRequest.newBuilder(metrics).build(),
          HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        throw new AssertionError("GET " + metrics + " answered " + response.statusCode());
      }
      return new Scrape(response.body());
    } catch (IOException e) {
      throw new AssertionError("GET " + metrics + " failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  /**
   * The value of {@code sample}, written as Prometheus writes it: {@code name} or {@code
   * name{label="value"}}; 0 when absent.
   */
  double value(String sample) {
    return samples.getOrDefault(sample, 0.0);
  }

  /** Whether any sample's name starts with {@code prefix}. */
  boolean has(String prefix) {
    return samples.keySet().stream().anyMatch(name -> name.startsWith(prefix));
  }
}
