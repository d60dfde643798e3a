package io.ssekit.bench;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;

/**
 * The figures of one {@code storm} run: how long the reconnected streams took to have every
 * event they missed, what was lost, repeated or reset, what the server spent, what the probe
 * stream saw meanwhile, and with Redis the commands the storm cost.
 *
 * @param server the server's name
 * @param streams storm streams
 * @param events events published while they were away
 * @param complete streams that had every one of them
 * @param p50Millis the median time from the start of the reconnects to a stream's last event
 * @param p99Millis its 99th percentile
 * @param maxMillis the slowest complete stream
 * @param lost events the streams never got
 * @param duplicates events a stream got twice
 * @param resets {@code sse-reset} events the streams got
 * @param refusals answers that refused a reconnect ({@code sse-busy}, {@code 503}, ...)
 * @param retries connections beyond each stream's first reconnect
 * @param failures connections that failed
 * @param serverCpuSeconds the server's CPU time from the start of the reconnects to the end
 * @param probeEvents probe events received during the storm
 * @param probeP50Millis the probe's delivery latency, median
 * @param probeP99Millis its 99th percentile
 * @param redisCommands with Redis: the calls of each command during the storm; else empty
 */
record StormReport(String server, int streams, int events, int complete, double p50Millis,
    double p99Millis, double maxMillis, long lost, long duplicates, long resets, long refusals,
    long retries, long failures, double serverCpuSeconds, long probeEvents,
    double probeP50Millis, double probeP99Millis, Map<String, Long> redisCommands) {

  /**
   * The report of {@code completionNanos} (a stream's time to its last event, -1 for one that
   * never got them all) and the probe's {@code probeMicros}.
   */
  static StormReport of(String server, int events, long[] completionNanos, long lost,
      long duplicates, long resets, long refusals, long retries, long failures,
      long serverCpuNanos, Histogram probeMicros, Map<String, Long> redisCommands) {
    long[] done = Arrays.stream(completionNanos).filter(t -> t >= 0).sorted().toArray();
    return new StormReport(server, completionNanos.length, events, done.length,
        percentileMillis(done, 50), percentileMillis(done, 99),
        done.length == 0 ? Double.NaN : done[done.length - 1] / 1e6, lost, duplicates, resets,
        refusals, retries, failures, serverCpuNanos / 1e9, probeMicros.getTotalCount(),
        probeMillis(probeMicros, 50), probeMillis(probeMicros, 99), redisCommands);
  }

  /** The nearest-rank percentile of sorted {@code nanos}, in milliseconds; NaN when empty. */
  static double percentileMillis(long[] sortedNanos, double percentile) {
    if (sortedNanos.length == 0) {
      return Double.NaN;
    }
    int rank = (int) Math.ceil(percentile / 100 * sortedNanos.length);
    return sortedNanos[Math.max(0, rank - 1)] / 1e6;
  }

  private static double probeMillis(Histogram micros, double percentile) {
    return micros.getTotalCount() == 0 ? Double.NaN
        : micros.getValueAtPercentile(percentile) / 1000.0;
  }

  /**
   * The calls per command of a Redis {@code INFO commandstats} answer: {@code
   * cmdstat_xadd:calls=5,usec=...} gives {@code xadd=5}.
   */
  static Map<String, Long> commandCalls(String info) {
    Map<String, Long> calls = new TreeMap<>();
    for (String line : info.split("\r?\n")) {
      if (!line.startsWith("cmdstat_")) {
        continue;
      }
      int colon = line.indexOf(':');
      int at = line.indexOf("calls=", colon);
      if (colon < 0 || at < 0) {
        continue;
      }
      int end = line.indexOf(',', at);
      calls.put(line.substring("cmdstat_".length(), colon),
          Long.parseLong(line.substring(at + "calls=".length(), end < 0 ? line.length() : end)));
    }
    return calls;
  }

  /** The calls made between two {@link #commandCalls} answers, the commands that were made. */
  static Map<String, Long> difference(Map<String, Long> before, Map<String, Long> after) {
    Map<String, Long> made = new TreeMap<>();
    after.forEach((command, calls) -> {
      long more = calls - before.getOrDefault(command, 0L);
      if (more > 0) {
        made.put(command, more);
      }
    });
    return made;
  }

  /** The Redis commands in all. */
  long redisCalls() {
    return redisCommands.values().stream().mapToLong(Long::longValue).sum();
  }

  /** Whether the storm lost something: a stream without every event. */
  boolean broken() {
    return complete < streams || lost > 0;
  }

  /** One line for the console. */
  String line() {
    return String.format(Locale.ROOT, "%s: storm %d x %d: %d complete, lost %d, duplicates %d,"
        + " resets %d; every event after p50 %s ms, p99 %s ms, max %s ms; refusals %d, retries"
        + " %d, failed connects %d; server CPU %.2f s; probe p50 %s ms, p99 %s ms (%d events)%s",
        server, streams, events, complete, lost, duplicates, resets, fixed(p50Millis),
        fixed(p99Millis), fixed(maxMillis), refusals, retries, failures, serverCpuSeconds,
        fixed(probeP50Millis), fixed(probeP99Millis), probeEvents,
        redisCommands.isEmpty() ? "" : "; Redis commands " + redisCalls() + " " + redisCommands);
  }

  /** The report as a JSON object. */
  String json() {
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("server", server);
    fields.put("streams", streams);
    fields.put("events", events);
    fields.put("complete", complete);
    fields.put("p50_ms", p50Millis);
    fields.put("p99_ms", p99Millis);
    fields.put("max_ms", maxMillis);
    fields.put("lost", lost);
    fields.put("duplicates", duplicates);
    fields.put("resets", resets);
    fields.put("refusals", refusals);
    fields.put("retries", retries);
    fields.put("failed_connects", failures);
    fields.put("server_cpu_s", serverCpuSeconds);
    fields.put("probe_events", probeEvents);
    fields.put("probe_p50_ms", probeP50Millis);
    fields.put("probe_p99_ms", probeP99Millis);
    fields.put("redis_calls", redisCalls());
    StringBuilder json = new StringBuilder("{");
    fields.forEach((name, value) -> json.append('"').append(name).append("\":")
        .append(value instanceof String text ? "\"" + text + "\"" : number(value)).append(','));
    json.append("\"redis_commands\":{");
    String separator = "";
    for (Map.Entry<String, Long> command : redisCommands.entrySet()) {
      json.append(separator).append('"').append(command.getKey()).append("\":")
          .append(command.getValue());
      separator = ",";
    }
    return json.append("}}").toString();
  }

  /** The header of the Markdown table that {@link #markdownRow} fills. */
  static String markdownHeader() {
    return "| server | streams × events | complete | lost | dup | resets | p50 ms | p99 ms |"
        + " max ms | refusals | retries | server CPU s | probe p50 ms | probe p99 ms |"
        + " Redis calls |\n| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
        + " ---: | ---: | ---: | ---: | ---: |\n";
  }

  /** This report as a row of that table. */
  String markdownRow() {
    return String.format(Locale.ROOT, "| %s | %d × %d | %d | %d | %d | %d | %s | %s | %s | %d |"
        + " %d | %.2f | %s | %s | %s |%n", server, streams, events, complete, lost, duplicates,
        resets, fixed(p50Millis), fixed(p99Millis), fixed(maxMillis), refusals, retries,
        serverCpuSeconds, fixed(probeP50Millis), fixed(probeP99Millis),
        redisCommands.isEmpty() ? "-" : Long.toString(redisCalls()));
  }

  private static String number(Object value) {
    if (value instanceof Double d) {
      return d.isNaN() ? "null" : String.format(Locale.ROOT, "%.2f", d);
    }
    return value.toString();
  }

  private static String fixed(double value) {
    return Double.isNaN(value) ? "-" : String.format(Locale.ROOT, "%.1f", value);
  }
}
