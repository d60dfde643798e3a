package io.ssekit.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;

/**
 * The {@code topics} scenario, per-user notification topics: N streams on one ssekit instance,
 * stream {@code i} of its own topic {@code user-<i>} and of the shared topic {@code broadcast};
 * publishes at RATE a second to random user topics and one a second to {@code broadcast}
 * ({@link TopicPublisher}), for the warm-up and then SECONDS. Every stream must get every event
 * of its own topic and every broadcast. It reports the latencies of both kinds of event, the
 * publishes accepted a second, the events lost, the server's CPU per publish, and what the
 * server keeps per topic once the topics are idle: its live heap after a full GC ({@code jcmd
 * GC.class_histogram}) before the streams opened (after N streams of one topic came and went,
 * so that what any N connections leave behind is in both) and after they all closed, divided by
 * N, with the classes that grew most. On the console and in {@code topics.json} and {@code
 * topics.md} in {@code --out}. Jetty's {@code EventSourceServlet} has no topics: there is no baseline row.
 */
final class Topics {
  /** Keep-alive connections the publisher pipelines its requests on. */
  static final int PUBLISH_CONNECTIONS = 4;
  /** The classes listed in the report of what grew. */
  private static final int GROWN_CLASSES = 12;

  private Topics() {}

  /** The scenario for each ssekit build among the servers; {@code true} when one lost events. */
  static boolean run(Options options) throws Exception {
    List<Bench.Server> builds = ScenarioFiles.ssekitBuilds(options, "topics");
    if (options.serverNames.contains(Options.JETTY)) {
      System.out.println("jetty: skipped, EventSourceServlet has no topics");
    }
    String load = Files.readString(Path.of("/proc/loadavg")).trim();
    List<TopicsReport> reports = new ArrayList<>();
    for (Bench.Server ssekit : builds) {
      TopicsReport report = run(options, ssekit);
      System.out.println(report.line());
      reports.add(report);
    }
    StringBuilder md = new StringBuilder("`java -jar sse-bench.jar " + options.describe() + "`"
        + (options.ssekitEnv.isEmpty() ? "" : ", environment " + options.ssekitEnv)
        + ", warm-up " + options.warmup + " s, load average at the start " + load + "\n\n"
        + TopicsReport.markdownHeader());
    reports.forEach(report -> md.append(report.markdownRow()));
    reports.forEach(report -> md.append(report.growthMarkdown()));
    ScenarioFiles.write(options, "topics", reports.stream().map(TopicsReport::json).toList(), md);
    return reports.stream().anyMatch(TopicsReport::broken);
  }

  private static TopicsReport run(Options options, Bench.Server ssekit) throws Exception {
    int n = options.connections;
    Path log = options.out.resolve(ssekit.name() + ".log");
    try (ServerProcess process = start(ssekit, log)) {
      InetSocketAddress address = new InetSocketAddress("127.0.0.1", process.port);
      LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(1)); // let the server settle
      long filesBefore = process.openFiles();
      // N streams of one topic come and go first, so that what the server keeps of any N
      // connections (Jetty's buffer pool, its tables at their peak size) is in both histograms.
      try (LoadGenerator warm = new LoadGenerator(address, "/events?topic="
          + TopicPublisher.BROADCAST_TOPIC, 1)) {
        Bench.connect(ssekit.name() + " (one topic, before)", warm, n);
      }
      awaitClosed(process, filesBefore);
      ClassHistogram before = ClassHistogram.of(process.pid());
      Received received = new Received(n);
      TopicPublisher publisher = new TopicPublisher(address, n, PUBLISH_CONNECTIONS);
      long published;
      long broadcasts;
      long delivered;
      long cpu;
      double seconds;
      int open;
      int ended;
      try (LoadGenerator loader = new LoadGenerator(address, i -> "/events?topic="
          + TopicPublisher.userTopic(i) + "&topic=" + TopicPublisher.BROADCAST_TOPIC, 0,
          received)) {
        Bench.connect(ssekit.name(), loader, n);
        open = loader.open();
        if (options.warmup > 0) {
          publisher.publish(options.rate, options.warmup);
          drain(loader, publisher, n);
        }
        received.reset();
        long userBefore = publisher.acceptedUser();
        long broadcastsBefore = publisher.acceptedBroadcasts();
        long eventsBefore = loader.events();
        long cpuBefore = process.cpuNanos();
        long start = System.nanoTime();
        publisher.publish(options.rate, options.seconds);
        seconds = (System.nanoTime() - start) / 1e9;
        drain(loader, publisher, n);
        cpu = process.cpuNanos() - cpuBefore;
        published = publisher.acceptedUser() - userBefore;
        broadcasts = publisher.acceptedBroadcasts() - broadcastsBefore;
        delivered = loader.events() - eventsBefore;
        ended = loader.ended();
      }
      // The streams are closed; the topics stay in the history, idle.
      awaitClosed(process, filesBefore);
      ClassHistogram after = ClassHistogram.of(process.pid());
      long lost = 0;
      long extra = 0;
      for (int i = 0; i < n; i++) {
        long userMissing = publisher.acceptedFor(i) - received.user[i];
        long broadcastsMissing = publisher.acceptedBroadcasts() - received.broadcast[i];
        lost += Math.max(0, userMissing) + Math.max(0, broadcastsMissing);
        extra += Math.max(0, -userMissing) + Math.max(0, -broadcastsMissing);
      }
      Histogram[] latencies = received.reset();
      return new TopicsReport(ssekit.name(), n, open, ended, options.rate, published, broadcasts,
          seconds, publisher.refused(), lost, extra, latencies[0], latencies[1], delivered, cpu,
          before.bytes(), after.bytes(), publisher.acceptedUser() / (double) n,
          after.growthSince(before, GROWN_CLASSES));
    }
  }

  /**
   * Starts the server on a free port, and waits until it says it listens there: on a shared
   * machine another process may take the port in between, and answer the probe. Then it tries
   * another port, three times at most.
   */
  private static ServerProcess start(Bench.Server ssekit, Path log) throws Exception {
    for (int attempt = 1; ; attempt++) {
      int port = ServerProcess.freePort();
      System.out.printf("%s: starting on port %d (log %s)%n", ssekit.name(), port, log);
      ServerProcess process = null;
      try {
        process = ServerProcess.start(ssekit.name(), port, "0", ssekit.mainArgs(),
            ssekit.env(), log);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!Files.readString(log).contains("localhost:" + port + "/")) {
          if (!process.isAlive() || System.nanoTime() > deadline) {
            throw new IOException(ssekit.name() + " did not start on port " + port + "; see "
                + log);
          }
          LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
        }
        return process;
      } catch (IOException e) {
        if (process != null) {
          process.close();
        }
        if (attempt == 3 || !Files.readString(log).contains("BindException")) {
          throw e;
        }
      }
    }
  }

  /**
   * Waits up to two minutes until the server has let the closed streams go (its open files are
   * back near {@code filesBefore}), then two seconds more; says so when it has not.
   */
  private static void awaitClosed(ServerProcess process, long filesBefore) throws IOException {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
    while (process.openFiles() > filesBefore + 100 && System.nanoTime() < deadline) {
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
    }
    if (process.openFiles() > filesBefore + 100) {
      System.out.printf("%s: still holds %d more files than at its start: the heap counts"
          + " their connections%n", process.name, process.openFiles() - filesBefore);
    }
    LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(2));
  }

  /** Waits until the streams had every event accepted so far, or none came for 5 s. */
  private static void drain(LoadGenerator loader, TopicPublisher publisher, int streams) {
    long expected = publisher.acceptedUser() + publisher.acceptedBroadcasts() * streams;
    long seen = loader.events();
    long quietSince = System.nanoTime();
    while (seen < expected && System.nanoTime() - quietSince < TimeUnit.SECONDS.toNanos(5)) {
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
      long now = loader.events();
      if (now != seen) {
        seen = now;
        quietSince = System.nanoTime();
      }
    }
  }

  /**
   * What each stream got, and the latencies of both kinds of event. The counts are written on
   * the generator's thread and read once it has stopped; the histograms are swapped under a lock.
   */
  static final class Received implements LoadGenerator.Receiver {
    final int[] user;
    final int[] broadcast;
    private Histogram userMicros = newHistogram();
    private Histogram broadcastMicros = newHistogram();

    Received(int streams) {
      this.user = new int[streams];
      this.broadcast = new int[streams];
    }

    @Override
    public void onEvent(int stream, String event, long number, long nowNanos) {
      boolean isBroadcast = TopicPublisher.BROADCAST_EVENT.equals(event);
      if (isBroadcast) {
        broadcast[stream]++;
      } else if (TopicPublisher.USER_EVENT.equals(event)) {
        user[stream]++;
      } else {
        return;
      }
      if (number > 0) {
        synchronized (this) {
          Histogram micros = isBroadcast ? broadcastMicros : userMicros;
          micros.recordValue(Math.max(0, Math.min((nowNanos - number) / 1000,
              micros.getHighestTrackableValue())));
        }
      }
    }

    /** The user and broadcast latencies recorded since the last call, in µs. */
    synchronized Histogram[] reset() {
      Histogram[] taken = {userMicros, broadcastMicros};
      userMicros = newHistogram();
      broadcastMicros = newHistogram();
      return taken;
    }

    private static Histogram newHistogram() {
      return new Histogram(TimeUnit.MINUTES.toMicros(10), 3);
    }
  }
}
