package io.ssekit.bench;

import io.ssekit.bench.Bench.Measure;
import io.ssekit.bench.Bench.Result;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * The {@code cluster} scenario: K ssekit instances ({@code --instances}, 1 to 3) that share Redis
 * for history and fanout, one {@code redis-server} or a Redis Cluster of three masters ({@code
 * --redis cluster}), all on core 0 while the tool runs on core 1. The N streams are spread evenly
 * over the instances and, on each, over {@value #TOPICS} topics, which on a Redis Cluster live one
 * on each master; each topic gets RATE events a second (so each stream too), published to every
 * instance in turn. Every instance has streams of every topic, so it receives every event through
 * Redis pub/sub, whichever instance it was published on.
 *
 * <p>It prints a row per instance ({@code NAME-a}, {@code NAME-b}, ...) and one for the fleet
 * ({@code NAME-fleet}: the sums, and the latencies of the events delivered by an instance other
 * than the one they were published on), and Redis's CPU time per published event. With one
 * instance this is the baseline the fleet compares with. Jetty's {@code EventSourceServlet} has no
 * cluster mode, so there is no baseline row; each ssekit build among the servers is measured in
 * turn.
 */
final class Cluster {
  /** Topics: one on each master of a Redis Cluster. */
  static final int TOPICS = RedisNodes.MASTERS;

  private Cluster() {}

  /** A fleet's rows and what is said under them. */
  private record Fleet(List<Result> rows, List<String> notes, boolean shortOfStreams) {}

  /**
   * The scenario for each ssekit build among the servers, one after the other; {@code true} when
   * an event was lost or a stream did not open.
   */
  static boolean run(Options options) throws Exception {
    List<Bench.Server> builds = options.servers().stream()
        .filter(server -> !server.name().equals(Options.JETTY)).toList();
    if (builds.isEmpty()) {
      throw new IllegalArgumentException("cluster measures ssekit only");
    }
    List<Path> programs = options.redisPrograms(System.getenv("PATH"));
    List<Result> rows = new ArrayList<>();
    List<String> notes = new ArrayList<>();
    boolean shortOfStreams = false;
    for (Bench.Server ssekit : builds) {
      Fleet fleet = run(options, ssekit, programs);
      rows.addAll(fleet.rows());
      notes.addAll(fleet.notes());
      shortOfStreams |= fleet.shortOfStreams();
    }
    boolean broken = Bench.report(rows, options.connections / options.instances, true);
    System.out.println();
    notes.forEach(System.out::println);
    return broken || shortOfStreams;
  }

  /** The streams of instance {@code i} of {@code instances}: N spread as evenly as they go. */
  static int share(int streams, int instances, int i) {
    return streams / instances + (i < streams % instances ? 1 : 0);
  }

  /**
   * The {@code n}th publish of a round over {@code instances} and {@code topics}: its instance
   * changes with every publish, its topic every {@code instances} publishes, so that a round of
   * {@code instances * topics} publishes covers each pair once.
   */
  static int[] instanceAndTopic(int n, int instances, int topics) {
    return new int[] {n % instances, n / instances % topics};
  }

  private static Fleet run(Options options, Bench.Server ssekit, List<Path> programs)
      throws Exception {
    String prefix = ssekit.name().equals(Options.SSEKIT) ? "" : ssekit.name() + "-";
    int k = options.instances;
    List<AutoCloseable> resources = new ArrayList<>();
    try {
      RedisNodes redis = options.redisCluster
          ? RedisNodes.cluster(programs.get(0), programs.get(1), options.out, prefix)
          : RedisNodes.single(programs.get(0), options.out, prefix);
      resources.add(redis);
      List<String> topics = redis.topics(TOPICS);
      List<String> paths = topics.stream().map(topic -> "/events?topic=" + topic).toList();
      Map<String, String> env = Map.of("SSE_REDIS_URI", redis.uri());
      List<ServerProcess> instances = new ArrayList<>();
      List<LoadGenerator> loaders = new ArrayList<>();
      List<Double> connectRates = new ArrayList<>();
      for (int i = 0; i < k; i++) {
        String name = ssekit.name() + "-" + (char) ('a' + i);
        Path log = options.out.resolve(name + ".log");
        ServerProcess process = ServerProcess.startOnFreePort(() -> ServerProcess.freePort(
            10_000, 32_000, null), port -> {
          System.out.printf("%s: starting on port %d (log %s)%n", name, port, log);
          return ServerProcess.start(name, port, "0", ssekit.mainArgs(), env, log);
        });
        resources.add(0, process);
        instances.add(process);
        LoadGenerator loader = new LoadGenerator(new InetSocketAddress("127.0.0.1", process.port),
            paths, i, i);
        resources.add(0, loader);
        loaders.add(loader);
        connectRates.add(Bench.connect(name, loader, share(options.connections, k, i)));
      }
      List<Publisher.Target> targets = new ArrayList<>();
      for (int n = 0; n < k * TOPICS; n++) {
        int[] pair = instanceAndTopic(n, k, TOPICS);
        targets.add(new Publisher.Target(URI.create("http://127.0.0.1:"
            + instances.get(pair[0]).port + "/publish"), topics.get(pair[1]), pair[0]));
      }
      Publisher publisher = new Publisher(targets);
      int rate = options.rate * TOPICS;
      List<Measure> measures = new ArrayList<>();
      for (int i = 0; i < k; i++) {
        measures.add(new Measure(instances.get(i), loaders.get(i)));
      }
      if (options.warmup > 0) {
        publisher.fixedRate(rate, Duration.ofSeconds(options.warmup));
        long[] published = publishedByTopic(publisher, targets, topics, new long[targets.size()]);
        for (int i = 0; i < k; i++) {
          // Every warm-up event arrives before the measured phase starts counting.
          measures.get(i).drain(expected(published, openByTopic(loaders.get(i))));
        }
      }
      long[] acceptedAtStart = new long[targets.size()];
      for (int t = 0; t < targets.size(); t++) {
        acceptedAtStart[t] = publisher.accepted(t);
      }
      List<int[]> openAtStart = new ArrayList<>();
      for (int i = 0; i < k; i++) {
        measures.get(i).start(publisher);
        openAtStart.add(openByTopic(loaders.get(i)));
        loaders.get(i).snapshotCrossing();
      }
      long[] redisCpuAtStart = redis.cpuNanos();
      List<String> statsAtStart = redis.commandStats();
      long startNanos = System.nanoTime();
      publisher.fixedRate(rate, Duration.ofSeconds(options.seconds));
      long[] published = publishedByTopic(publisher, targets, topics, acceptedAtStart);
      List<Result> rows = new ArrayList<>();
      Histogram crossing = new Histogram(3);
      boolean shortOfStreams = false;
      for (int i = 0; i < k; i++) {
        Measure measure = measures.get(i);
        measure.drain(expected(published, openAtStart.get(i)));
        crossing.add(loaders.get(i).snapshotCrossing());
        ServerProcess process = instances.get(i);
        LoadGenerator loader = loaders.get(i);
        rows.add(measure.result(process.name, options.describe(), loader.open(), loader.failed(),
            connectRates.get(i), 0, process.rssBytes()));
        shortOfStreams |= loader.open() < share(options.connections, k, i);
      }
      long[] redisCpu = redis.cpuNanos();
      List<String> statsAtEnd = redis.commandStats();
      double wallSeconds = (System.nanoTime() - startNanos) / 1e9;
      rows.add(fleetRow(ssekit.name() + "-fleet", options.describe(), rows,
          k > 1 ? crossing : null));
      List<String> notes = new ArrayList<>();
      notes.add(String.format(Locale.ROOT, "%s: %d instance%s and %s, all on core 0 (the tool on"
          + " core 1); %d streams, spread over the instances and on each over %d topics;"
          + " %d events/s on each topic,"
          + " published to the instances in turn", ssekit.name(), k, k == 1 ? "" : "s",
          options.redisCluster ? "a Redis Cluster of " + redis.nodes().size() + " masters"
              : "one redis-server", options.connections, TOPICS, options.rate));
      if (k > 1) {
        notes.add(String.format(Locale.ROOT, "%s-fleet: the latencies are those of the %d"
            + " deliveries (of %d) by an instance other than the one the event was published on",
            ssekit.name(), crossing.getTotalCount(), rows.get(rows.size() - 1).delivered()));
      }
      List<String> commands = new ArrayList<>();
      for (int n = 0; n < statsAtEnd.size(); n++) {
        commands.add(commands(statsAtStart.get(n), statsAtEnd.get(n)));
      }
      notes.addAll(redisNotes(ssekit.name(), redis, topics, published, redisCpuAtStart, redisCpu,
          commands, wallSeconds));
      return new Fleet(rows, notes, shortOfStreams);
    } finally {
      closeAll(resources);
    }
  }

  /** The events accepted on each topic since {@code acceptedAtStart}, by target. */
  private static long[] publishedByTopic(Publisher publisher, List<Publisher.Target> targets,
      List<String> topics, long[] acceptedAtStart) {
    long[] published = new long[topics.size()];
    for (int t = 0; t < targets.size(); t++) {
      published[topics.indexOf(targets.get(t).topic())] += publisher.accepted(t)
          - acceptedAtStart[t];
    }
    return published;
  }

  private static int[] openByTopic(LoadGenerator loader) {
    int[] open = new int[TOPICS];
    for (int t = 0; t < TOPICS; t++) {
      open[t] = loader.open(t);
    }
    return open;
  }

  /** The deliveries that {@code published} events on each topic owe {@code open} streams. */
  static long expected(long[] published, int[] open) {
    long expected = 0;
    for (int t = 0; t < published.length; t++) {
      expected += published[t] * open[t];
    }
    return expected;
  }

  /**
   * The whole fleet: the instances' sums, the slowest drain, the tool's CPU (one JVM for every
   * instance's streams) and {@code latencies}, or with one instance its own.
   */
  static Result fleetRow(String name, String scenario, List<Result> instances,
      Histogram latencies) {
    int open = 0;
    int failed = 0;
    long rss = 0;
    long delivered = 0;
    long expected = 0;
    long serverCpu = 0;
    long loaderCpu = 0;
    double seconds = 0;
    double connectSeconds = 0;
    for (Result row : instances) {
      open += row.open();
      failed += row.failed();
      rss += row.rss();
      delivered += row.delivered();
      expected += row.expected();
      serverCpu += row.serverCpuNanos();
      loaderCpu = Math.max(loaderCpu, row.loaderCpuNanos());
      seconds = Math.max(seconds, row.seconds());
      connectSeconds += row.open() / Math.max(1e-9, row.connectRate());
    }
    return new Result(name, scenario, open, failed, open / Math.max(1e-9, connectSeconds), 0,
        rss, delivered, seconds, latencies != null ? latencies : instances.get(0).latencies(),
        serverCpu, loaderCpu, expected);
  }

  /**
   * Redis's CPU time over the phase: in all, per published event, and per node with the calls
   * of each command made on it ({@code INFO commandstats}, which counts the commands a script
   * runs too).
   */
  private static List<String> redisNotes(String name, RedisNodes redis, List<String> topics,
      long[] published, long[] cpuAtStart, long[] cpuAtEnd, List<String> commands,
      double wallSeconds) {
    long events = 0;
    for (long count : published) {
      events += count;
    }
    long cpu = 0;
    for (int n = 0; n < cpuAtEnd.length; n++) {
      cpu += cpuAtEnd[n] - cpuAtStart[n];
    }
    List<String> notes = new ArrayList<>();
    notes.add(String.format(Locale.ROOT, "%s redis: %.2f s CPU over %.1f s (%.0f %% of a core),"
        + " %s us per published event (%d events)", name, cpu / 1e9, wallSeconds,
        100 * cpu / 1e9 / wallSeconds, perEvent(cpu, events), events));
    if (redis.nodes().size() == 1) {
      notes.add(String.format(Locale.ROOT, "%s redis: commands %s", name, commands.get(0)));
    } else {
      for (int n = 0; n < cpuAtEnd.length; n++) {
        long nodeEvents = 0;
        List<String> served = new ArrayList<>();
        for (int t = 0; t < topics.size(); t++) {
          if (redis.nodeOf(topics.get(t)) == n) {
            nodeEvents += published[t];
            served.add(topics.get(t));
          }
        }
        long nodeCpu = cpuAtEnd[n] - cpuAtStart[n];
        notes.add(String.format(Locale.ROOT, "%s redis-%d (port %d, topics %s): %.2f s CPU, %s us"
            + " per event of its topics (%d events); commands %s", name, n,
            redis.nodes().get(n).port, String.join(",", served), nodeCpu / 1e9,
            perEvent(nodeCpu, nodeEvents), nodeEvents, commands.get(n)));
      }
    }
    return notes;
  }

  /**
   * The commands made between two {@code INFO commandstats} answers, with the calls of each, and
   * the time inside Redis of each call of the append script ({@code evalsha}).
   */
  static String commands(String before, String after) {
    Map<String, Long> calls = StormReport.difference(StormReport.commandCalls(before),
        StormReport.commandCalls(after));
    long scripts = calls.getOrDefault("evalsha", 0L);
    if (scripts == 0) {
      return calls.toString();
    }
    long micros = RedisNodes.commandMicros(after).getOrDefault("evalsha", 0L)
        - RedisNodes.commandMicros(before).getOrDefault("evalsha", 0L);
    return String.format(Locale.ROOT, "%s, evalsha %.1f us each inside Redis", calls,
        micros / (double) scripts);
  }

  private static String perEvent(long cpuNanos, long events) {
    return events == 0 ? "-" : String.format(Locale.ROOT, "%.1f", cpuNanos / 1000.0 / events);
  }

  /** Closes each of {@code resources}, the later ones even when an earlier one fails. */
  private static void closeAll(List<AutoCloseable> resources) throws Exception {
    Exception first = null;
    for (AutoCloseable resource : resources) {
      try {
        resource.close();
      } catch (Exception e) {
        if (first == null) {
          first = e;
        } else {
          first.addSuppressed(e);
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }

  /** The {@code redis-server} on the PATH, for {@code storm --redis on}. */
  static String redisServer() {
    return Options.program("redis-server", "redis-server", System.getenv("PATH"), "storm --redis"
        + " on").toString();
  }
}
