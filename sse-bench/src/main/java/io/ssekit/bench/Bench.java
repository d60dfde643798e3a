package io.ssekit.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;

/**
 * The benchmark tool: starts each server under test in a JVM of its own on core 0, drives it from
 * this JVM on core 1, and prints one result per server with the ratio to the baseline.
 *
 * <pre>
 * java -jar sse-bench.jar idle N [HOLD_S]                  memory per stream, connect rate
 * java -jar sse-bench.jar fanout N RATE SECONDS            latency percentiles and loss
 * java -jar sse-bench.jar burst N [SECONDS] [PUBLISHERS]   saturation: server CPU per delivery
 * java -jar sse-bench.jar sweep RATE SECONDS N1,N2,...     fanout at each N, plotted as SVG
 * java -jar sse-bench.jar cluster N RATE SECONDS           K instances and Redis: scale-out
 * java -jar sse-bench.jar storm N EVENTS                   a reconnect storm: time to catch up, loss
 * java -jar sse-bench.jar topics N RATE SECONDS            per-user topics: latency, loss, heap
 * java -jar sse-bench.jar floor N RATE SECONDS             the write floor: CPU per write and event
 *   options: --servers ssekit,jetty   --ssekit-jar sample-app/target/sample-app.jar
 *            --ssekit-jar NAME=PATH (another build, measured as server NAME)
 *            --warmup SECONDS (3)     --out DIR (target/bench)
 *            --jvm NAME=FLAGS (more JVM flags for server NAME)   --cds on (class-data archives)
 *            --floor on (fanout: the floor too, and each server's CPU as a multiple of it)
 *            --batch 1,4,16 (floor: events per write)
 * </pre>
 */
public final class Bench {
  private Bench() {}

  /** Publishing for a while, as a scenario does it. */
  @FunctionalInterface
  interface Phase {
    void run(Duration duration) throws InterruptedException;
  }

  /** A server to measure: its name and how to start it. */
  record Server(String name, List<String> mainArgs, Map<String, String> env) {}

  public static void main(String[] args) throws Exception {
    Options options;
    try {
      options = Options.parse(args);
      options.servers(); // every jar is there
      options.redisPrograms(System.getenv("PATH")); // and every Redis program
    } catch (IllegalArgumentException e) {
      System.err.println("sse-bench: " + e.getMessage());
      System.err.println(Options.USAGE);
      System.exit(2);
      return;
    }
    pinSelf("1");
    Files.createDirectories(options.out);
    if (options.cds) {
      Cds.train(options);
    }
    boolean broken = switch (options.scenario) {
      case "sweep" -> sweep(options);
      case "cluster" -> Cluster.run(options);
      case "storm" -> Storm.run(options);
      case "topics" -> Topics.run(options);
      case "floor" -> Floor.run(options);
      default -> {
        List<Result> results = new ArrayList<>();
        for (Server server : options.servers()) {
          results.addAll(run(options, server));
        }
        boolean failed = report(results, options.connections, options.scenario.equals("fanout"));
        yield options.floor ? Floor.versus(options, results) || failed : failed;
      }
    };
    System.exit(broken ? 1 : 0);
  }

  /**
   * Prints the results, each with its ratio to the baseline among them; {@code true} when a
   * stream never opened, or when {@code lossCounts} and an event was lost.
   */
  static boolean report(List<Result> results, int streamsEach, boolean lossCounts) {
    int width = results.stream().mapToInt(r -> r.server().length()).max().orElse(0);
    System.out.println();
    System.out.println(Result.header(width));
    for (Result result : results) {
      Result baseline = results.stream().filter(r -> r.server().equals(Options.JETTY)
          && r.scenario().equals(result.scenario())).findFirst().orElse(null);
      System.out.println(result.row(baseline, width));
    }
    return results.stream().anyMatch(r -> r.open() < streamsEach || lossCounts && r.lost() > 0);
  }

  /** Fanout at each stream count, every server; writes sweep.csv and sweep.svg. */
  private static boolean sweep(Options options) throws Exception {
    Map<String, List<Plot.Point>> series = new LinkedHashMap<>();
    Map<Integer, List<Result>> byStreams = new LinkedHashMap<>();
    StringBuilder csv = new StringBuilder(
        "server,streams,rate,delivered_per_s,lost,p50_ms,p99_ms,server_us_per_event\n");
    for (int n : options.sweep) {
      Options point = options.fanoutOf(n);
      for (Server server : point.servers()) {
        Result result = run(point, server).get(0);
        byStreams.computeIfAbsent(n, k -> new ArrayList<>()).add(result);
        String label = server.name().equals(Options.JETTY) ? "Jetty EventSourceServlet (baseline)"
            : server.name();
        series.computeIfAbsent(label, name -> new ArrayList<>()).add(
            new Plot.Point(n, result.deliveredPerSecond(), result.percentileMillis(99)));
        csv.append(String.format(Locale.ROOT, "%s,%d,%d,%.0f,%d,%.2f,%.2f,%.3f%n",
            server.name(), n, options.rate, result.deliveredPerSecond(), result.lost(),
            result.percentileMillis(50), result.percentileMillis(99),
            result.serverMicrosPerEvent()));
      }
    }
    Files.writeString(options.out.resolve("sweep.csv"), csv);
    Files.writeString(options.out.resolve("sweep.svg"), Plot.svg(String.format(Locale.ROOT,
        "fanout at %d events/s, server on one core: ssekit and Jetty EventSourceServlet",
        options.rate), options.rate, series));
    System.out.printf("%nwrote %s and %s%n", options.out.resolve("sweep.csv"),
        options.out.resolve("sweep.svg"));
    boolean broken = false;
    for (Map.Entry<Integer, List<Result>> point : byStreams.entrySet()) {
      broken |= report(point.getValue(), point.getKey(), true);
    }
    return broken;
  }

  /** One scenario against one server; {@code idle} gives a cold and a warm row. */
  static List<Result> run(Options options, Server server) throws Exception {
    int port = ServerProcess.freePort();
    Path log = options.out.resolve(server.name() + ".log");
    System.out.printf("%s: starting on port %d (log %s)%n", server.name(), port, log);
    InetSocketAddress address = new InetSocketAddress("127.0.0.1", port);
    try (ServerProcess process = ServerProcess.start(server.name(), port, "0",
        server.mainArgs(), server.env(), log)) {
      LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(1)); // let the server settle
      if (options.scenario.equals("idle")) {
        return idle(options, process, address);
      }
      URI metrics = URI.create("http://127.0.0.1:" + port + "/metrics");
      Timeline timeline = options.timeline && !server.name().equals(Options.JETTY)
          ? new Timeline(metrics) : null;
      try (LoadGenerator loader = new LoadGenerator(address, "/events", 0)) {
        long rssBefore = process.rssBytes();
        double connectRate = connect(process.name, loader, options.connections);
        Measure measure = new Measure(process, loader, metrics);
        Publisher publisher = new Publisher(URI.create("http://127.0.0.1:" + port + "/send"));
        Phase publish = options.scenario.equals("fanout")
            ? duration -> publisher.fixedRate(options.rate, duration)
            : duration -> publisher.max(options.publishers, duration);
        if (options.warmup > 0) {
          publish.run(Duration.ofSeconds(options.warmup));
          measure.drain(publisher.accepted() * loader.open());
        }
        measure.start(publisher);
        publish.run(Duration.ofSeconds(options.seconds));
        measure.drain(measure.expected(publisher));
        Result result = measure.result(server.name(), options.describe(), loader.open(),
            loader.failed(), connectRate, rssBefore, process.rssBytes());
        measure.serverSays(result).ifPresent(System.out::println);
        if (timeline != null) {
          timeline.close();
          writeTimeline(options, server.name(), timeline.rows());
        }
        return List.of(result);
      } finally {
        if (timeline != null) {
          timeline.close();
        }
      }
    }
  }

  private static void writeTimeline(Options options, String server, List<Timeline.Row> rows)
      throws IOException {
    Path csv = options.out.resolve(server + "-timeline.csv");
    Path svg = options.out.resolve(server + "-timeline.svg");
    Files.writeString(csv, Timeline.csv(rows));
    Files.writeString(svg, Timeline.svg(server + ": " + options.describe()
        + ", the server's /metrics once a second", rows));
    System.out.printf("%s: wrote %s and %s%n", server, csv, svg);
  }

  /**
   * Two rounds of N streams held for the hold time. The cold round counts what a fresh JVM
   * touches for the first time, young-generation pages included; the warm round, after the first
   * streams closed, counts what the streams hold.
   */
  private static List<Result> idle(Options options, ServerProcess process,
      InetSocketAddress address) throws Exception {
    List<Result> rows = new ArrayList<>();
    long filesBefore = process.openFiles();
    for (String round : List.of("cold", "warm")) {
      // Each round from source addresses of its own, clear of the last round's TIME_WAIT.
      try (LoadGenerator loader = new LoadGenerator(address, "/events", rows.size())) {
        long rssBefore = process.rssBytes();
        double connectRate = connect(process.name + " " + round, loader, options.connections);
        LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(options.seconds));
        rows.add(new Measure(process, loader).result(process.name,
            options.describe() + " " + round, loader.open(), loader.failed(), connectRate,
            rssBefore, process.rssBytes()));
      }
      // The server lets the streams go: its open files fall back to what it had before.
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (process.openFiles() > filesBefore + 100 && System.nanoTime() < deadline) {
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
      }
    }
    return rows;
  }

  /** Opens {@code count} streams; answers how many opened per second. */
  static double connect(String name, LoadGenerator loader, int count) {
    long start = System.nanoTime();
    loader.connect(count);
    awaitConnected(loader, count);
    double seconds = Math.max(1e-3, (loader.lastOpenNanos() - start) / 1e9);
    System.out.printf("%s: %d streams open, %d failed, in %.2f s%n", name, loader.open(),
        loader.failed(), seconds);
    return loader.open() / seconds;
  }

  static void awaitConnected(LoadGenerator loader, int count) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (loader.open() + loader.failed() < count && System.nanoTime() < deadline) {
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
    }
  }

  /** Moves every thread of this JVM to {@code cpu}, when {@code taskset} is there. */
  private static void pinSelf(String cpu) {
    if (!Files.isExecutable(Path.of("/usr/bin/taskset"))) {
      System.out.println("taskset not found: load generator and server share the cores");
      return;
    }
    try {
      new ProcessBuilder("/usr/bin/taskset", "-a", "-p", "-c", cpu,
          Long.toString(ProcessHandle.current().pid())).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor();
    } catch (IOException | InterruptedException e) {
      System.out.println("could not pin the load generator: " + e);
    }
  }

  /** Counters of one measured phase. */
  static final class Measure {
    private final ServerProcess process;
    private final LoadGenerator loader;
    private long eventsAtStart;
    private long acceptedAtStart;
    private long serverCpuAtStart;
    private long loaderCpuAtStart;
    private long startNanos;
    private long lastEventNanos;
    private long serverCpuAtEnd;
    private long loaderCpuAtEnd;
    private Histogram latencies;
    private int openAtStart;
    private long expectedTotal;

    /** Where the server serves its meters; null: it does not. */
    private final URI metrics;
    private ServerMetrics metricsAtStart;
    private ServerMetrics metricsAtEnd;

    Measure(ServerProcess process, LoadGenerator loader) {
      this(process, loader, null);
    }

    Measure(ServerProcess process, LoadGenerator loader, URI metrics) {
      this.process = process;
      this.loader = loader;
      this.metrics = metrics;
    }

    /**
     * What the server's own meters say of the phase beside what the clients measured; empty when
     * it serves none. The scrapes are made outside the measured CPU time.
     */
    Optional<String> serverSays(Result result) {
      if (metricsAtStart == null || metricsAtEnd == null) {
        return Optional.empty();
      }
      return Optional.of(metricsAtEnd.compare(metricsAtStart, result.server(),
          result.delivered(), result.percentileMillis(99)));
    }

    void start(Publisher publisher) throws IOException {
      if (metrics != null) {
        metricsAtStart = ServerMetrics.scrape(metrics).orElse(null);
      }
      loader.snapshot();
      eventsAtStart = loader.events();
      acceptedAtStart = publisher.accepted();
      openAtStart = loader.open();
      serverCpuAtStart = process.cpuNanos();
      loaderCpuAtStart = ServerProcess.cpuNanos(ProcessHandle.current().pid());
      startNanos = System.nanoTime();
    }

    long expected(Publisher publisher) {
      return (publisher.accepted() - acceptedAtStart) * openAtStart;
    }

    /** Waits until {@code expected} events arrived, or until none came for 3 s. */
    void drain(long expected) throws IOException {
      expectedTotal = expected;
      long seen = loader.events() - eventsAtStart;
      long quietSince = System.nanoTime();
      while (seen < expected && System.nanoTime() - quietSince < TimeUnit.SECONDS.toNanos(3)) {
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
        long now = loader.events() - eventsAtStart;
        if (now != seen) {
          seen = now;
          quietSince = System.nanoTime();
        }
      }
      lastEventNanos = loader.lastEventNanos();
      serverCpuAtEnd = process.cpuNanos();
      loaderCpuAtEnd = ServerProcess.cpuNanos(ProcessHandle.current().pid());
      latencies = loader.snapshot();
      if (metrics != null && metricsAtStart != null) {
        metricsAtEnd = ServerMetrics.scrape(metrics).orElse(null);
      }
    }

    Result result(String server, String scenario, int open, int failed, double connectRate,
        long rssBefore, long rssAfter) {
      boolean measured = latencies != null;
      long delivered = measured ? loader.events() - eventsAtStart : 0;
      return new Result(server, scenario, open, failed, connectRate,
          (rssAfter - rssBefore) / Math.max(1, open), rssAfter, delivered,
          measured ? Math.max(0, lastEventNanos - startNanos) / 1e9 : 0, latencies,
          serverCpuAtEnd - serverCpuAtStart, loaderCpuAtEnd - loaderCpuAtStart,
          measured ? expectedTotal : 0);
    }
  }

  /** One server's figures in one scenario. */
  record Result(String server, String scenario, int open, int failed, double connectRate,
      long rssPerStream, long rss, long delivered, double seconds, Histogram latencies,
      long serverCpuNanos, long loaderCpuNanos, long expected) {

    long lost() {
      return Math.max(0, expected - delivered);
    }

    double deliveredPerSecond() {
      return seconds > 0 ? delivered / seconds : 0;
    }

    double serverMicrosPerEvent() {
      return delivered == 0 ? Double.NaN : serverCpuNanos / 1000.0 / delivered;
    }

    double percentileMillis(double percentile) {
      return latencies == null || latencies.getTotalCount() == 0 ? Double.NaN
          : latencies.getValueAtPercentile(percentile) / 1000.0;
    }

    /** The column names; {@code serverWidth} is the longest server name in the report. */
    static String header(int serverWidth) {
      return String.format(Locale.ROOT, "%-" + column(serverWidth) + "s %-18s %7s %6s %9s %9s"
          + " %9s %11s %8s %8s %8s %8s %8s %9s %9s", "server", "scenario", "streams", "failed",
          "conn/s", "KB/stream", "RSS MB", "delivered/s", "lost", "p50 ms", "p99 ms", "p99.9 ms",
          "max ms", "srv us/ev", "gen us/ev");
    }

    /** This result's row, with its ratio to {@code baseline} unless that is null or this. */
    String row(Result baseline, int serverWidth) {
      double perEvent = serverMicrosPerEvent();
      double loaderPerEvent = delivered == 0 ? Double.NaN : loaderCpuNanos / 1000.0 / delivered;
      String row = String.format(Locale.ROOT, "%-" + column(serverWidth) + "s %-18s %7d %6d"
          + " %9.0f %9s %9.0f %11.0f %8d %8s %8s %8s %8s %9s %9s", server, scenario, open, failed,
          connectRate, scenario.startsWith("idle") ? fixed(rssPerStream / 1024.0, 1) : "-",
          rss / 1048576.0, deliveredPerSecond(), lost(), millis(50), millis(99), millis(99.9),
          max(), fixed(perEvent, 2), fixed(loaderPerEvent, 2));
      if (baseline != null && baseline != this && baseline.delivered > 0 && delivered > 0) {
        row += String.format(Locale.ROOT, "   (server CPU per event x%.2f of jetty)",
            perEvent / baseline.serverMicrosPerEvent());
      } else if (baseline != null && baseline != this && scenario.startsWith("idle")) {
        row += String.format(Locale.ROOT, "   (memory per stream x%.2f of jetty)",
            rssPerStream / (double) Math.max(1, baseline.rssPerStream));
      }
      return row;
    }

    private static int column(int serverWidth) {
      return Math.max(8, serverWidth);
    }

    private static String fixed(double value, int decimals) {
      return Double.isNaN(value) ? "-" : String.format(Locale.ROOT, "%." + decimals + "f", value);
    }

    private String millis(double percentile) {
      return fixed(percentileMillis(percentile), 1);
    }

    private String max() {
      return latencies == null || latencies.getTotalCount() == 0 ? "-"
          : String.format(Locale.ROOT, "%.1f", latencies.getMaxValue() / 1000.0);
    }
  }
}
