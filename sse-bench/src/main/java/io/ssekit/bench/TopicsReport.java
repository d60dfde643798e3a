package io.ssekit.bench;

import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.HdrHistogram.Histogram;

/**
 * The figures of one {@code topics} run: N streams, each of its own topic {@code user-<i>} and the
 * shared topic {@code broadcast}; publishes to random user topics at a rate, and a broadcast once
 * a second.
 *
 * @param server the server's name
 * @param streams streams asked for, one per user topic
 * @param open streams that opened
 * @param ended streams the server ended while they were measured
 * @param rate user publishes a second asked for
 * @param published user publishes the server accepted in the measured phase
 * @param broadcasts broadcasts it accepted in the measured phase
 * @param publishSeconds the measured phase, from its first publish to its last answer
 * @param refused publishes refused or unanswered, warm-up included
 * @param lost events a stream never got, of its own topic or broadcast, warm-up included
 * @param extra events a stream got beyond those published to its topics
 * @param user the user events' publish-to-receive latencies in the measured phase, in µs
 * @param broadcast the broadcasts' latencies likewise
 * @param delivered events the streams got in the measured phase
 * @param serverCpuNanos the server's CPU time over the measured phase and its drain
 * @param heapBefore the server's live heap after a full GC before the streams opened, in bytes
 * @param heapAfter the same once every stream closed and the topics were idle
 * @param eventsPerTopic user events each topic was sent on average, warm-up included
 * @param grown the classes whose live bytes grew most between the two, bytes by class
 */
record TopicsReport(String server, int streams, int open, int ended, int rate, long published,
    long broadcasts, double publishSeconds, long refused, long lost, long extra, Histogram user,
    Histogram broadcast, long delivered, long serverCpuNanos, long heapBefore, long heapAfter,
    double eventsPerTopic, Map<String, Long> grown) {

  /** User publishes a second the server accepted. */
  double publishesPerSecond() {
    return publishSeconds <= 0 ? 0 : published / publishSeconds;
  }

  /** The server's CPU per accepted publish (user and broadcast), in µs. */
  double serverMicrosPerPublish() {
    long publishes = published + broadcasts;
    return publishes == 0 ? Double.NaN : serverCpuNanos / 1000.0 / publishes;
  }

  /** The server's CPU per event a stream got, in µs. */
  double serverMicrosPerDelivery() {
    return delivered == 0 ? Double.NaN : serverCpuNanos / 1000.0 / delivered;
  }

  /**
   * What the server kept per topic once the topics were idle: the growth of its live heap over
   * the streams and topics, divided by the topics (the broadcast topic is not counted).
   */
  long bytesPerTopic() {
    return (heapAfter - heapBefore) / Math.max(1, streams);
  }

  /** Whether a stream did not open, or an event was lost. */
  boolean broken() {
    return open < streams || lost > 0;
  }

  static double millis(Histogram micros, double percentile) {
    return micros.getTotalCount() == 0 ? Double.NaN
        : micros.getValueAtPercentile(percentile) / 1000.0;
  }

  /** One line for the console. */
  String line() {
    return String.format(Locale.ROOT, "%s: topics %d at %d/s: %d open, %d ended; %.0f user"
        + " publishes/s accepted, %d broadcasts, %d refused; lost %d, extra %d; user events p50"
        + " %s ms, p99 %s ms; broadcasts p50 %s ms, p99 %s ms; server CPU %s us per publish, %s us"
        + " per delivery; live heap %.1f MB before, %.1f MB after: %d bytes per idle topic (%.1f"
        + " events each)", server, streams, rate, open, ended, publishesPerSecond(), broadcasts,
        refused, lost, extra, fixed(millis(user, 50)), fixed(millis(user, 99)),
        fixed(millis(broadcast, 50)), fixed(millis(broadcast, 99)),
        fixed(serverMicrosPerPublish()), fixed(serverMicrosPerDelivery()), heapBefore / 1e6,
        heapAfter / 1e6, bytesPerTopic(), eventsPerTopic);
  }

  /** The report as a JSON object. */
  String json() {
    String classes = grown.entrySet().stream()
        .map(e -> "\"" + e.getKey().replace("\\", "\\\\").replace("\"", "\\\"") + "\":"
            + e.getValue())
        .collect(Collectors.joining(","));
    return String.format(Locale.ROOT, "{\"server\":\"%s\",\"streams\":%d,\"open\":%d,"
        + "\"ended\":%d,\"rate\":%d,\"published\":%d,\"broadcasts\":%d,"
        + "\"publishes_per_s\":%.1f,\"refused\":%d,\"lost\":%d,\"extra\":%d,"
        + "\"user_p50_ms\":%s,\"user_p99_ms\":%s,\"broadcast_p50_ms\":%s,"
        + "\"broadcast_p99_ms\":%s,\"delivered\":%d,\"server_us_per_publish\":%s,"
        + "\"server_us_per_delivery\":%s,\"heap_before_bytes\":%d,\"heap_after_bytes\":%d,"
        + "\"bytes_per_topic\":%d,\"events_per_topic\":%.2f,\"grown_bytes_by_class\":{%s}}",
        server, streams, open, ended, rate, published, broadcasts, publishesPerSecond(), refused,
        lost, extra, jsonNumber(millis(user, 50)), jsonNumber(millis(user, 99)),
        jsonNumber(millis(broadcast, 50)), jsonNumber(millis(broadcast, 99)), delivered,
        jsonNumber(serverMicrosPerPublish()), jsonNumber(serverMicrosPerDelivery()), heapBefore,
        heapAfter, bytesPerTopic(), eventsPerTopic, classes);
  }

  /** The header of the Markdown table that {@link #markdownRow} fills. */
  static String markdownHeader() {
    return "| server | streams | open | user publishes/s | broadcasts | refused | lost |"
        + " user p50 / p99 ms | broadcast p50 / p99 ms | server µs per publish |"
        + " server µs per delivery | bytes per idle topic | events per topic |\n"
        + "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
        + " ---: |\n";
  }

  /** This report as a row of that table. */
  String markdownRow() {
    return String.format(Locale.ROOT, "| %s | %d | %d | %.0f | %d | %d | %d | %s / %s | %s / %s"
        + " | %s | %s | %d | %.1f |%n", server, streams, open, publishesPerSecond(), broadcasts,
        refused, lost, fixed(millis(user, 50)), fixed(millis(user, 99)),
        fixed(millis(broadcast, 50)), fixed(millis(broadcast, 99)),
        fixed(serverMicrosPerPublish()), fixed(serverMicrosPerDelivery()), bytesPerTopic(),
        eventsPerTopic);
  }

  /** The classes that grew most, as a Markdown table with their bytes per topic. */
  String growthMarkdown() {
    StringBuilder md = new StringBuilder(String.format(Locale.ROOT,
        "%n%s: live heap after a full GC, %d bytes before the streams, %d bytes after (idle"
            + " topics); the classes that grew most:%n%n| class | bytes | bytes per topic |%n"
            + "| --- | ---: | ---: |%n", server, heapBefore, heapAfter));
    grown.forEach((name, bytes) -> md.append(String.format(Locale.ROOT, "| `%s` | %d | %.1f |%n",
        name, bytes, bytes / (double) Math.max(1, streams))));
    return md.toString();
  }

  private static String jsonNumber(double value) {
    return Double.isNaN(value) ? "null" : String.format(Locale.ROOT, "%.2f", value);
  }

  private static String fixed(double value) {
    return Double.isNaN(value) ? "-" : String.format(Locale.ROOT, "%.1f", value);
  }
}
