package io.ssekit.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;

/**
 * The {@code storm} scenario: N streams connected to one ssekit instance (memory history, or
 * Redis history and fanout with {@code --redis on}), all cut at once, EVENTS published while they
 * are away, then all N back within one second, each with its {@code Last-Event-ID}, while a probe
 * stream that stays connected measures the delivery latency of events published at {@code
 * --probe-rate} meanwhile. It reports how long the streams took to have every event they missed,
 * what was lost, repeated or reset, the server's CPU time, the probe's latency, and with Redis
 * the calls per command the storm cost ({@code INFO commandstats} before and after), on the
 * console and in {@code storm.json} and {@code storm.md} in {@code --out}. Jetty's {@code
 * EventSourceServlet} cannot resume, so there is no baseline row.
 */
final class Storm {
  /** The reconnects of every stream are spread over this. */
  static final Duration RECONNECT_SPREAD = Duration.ofSeconds(1);
  /** The run ends this long after its last progress, once no stream waits to come back. */
  private static final long QUIET_NANOS = TimeUnit.SECONDS.toNanos(30);
  /** The longest a run may take after the reconnects start. */
  private static final long LIMIT_NANOS = TimeUnit.MINUTES.toNanos(10);
  /** The probe's publishes go over this many keep-alive connections. */
  static final int PROBE_CONNECTIONS = 4;
  /** How long the scenario waits for the server to let cut streams go. */
  private static final int GONE_SECONDS = 60;
  /** The stream count in the sample app's {@code GET /health}. */
  private static final Pattern CONNECTIONS = Pattern.compile("\"connections\"\\s*:\\s*(\\d+)");
  /** The streams of a warm-up storm, at most. */
  static final int WARMUP_STREAMS = 2000;
  /** The topic of the warm-up storms. */
  static final String WARMUP_TOPIC = "storm-warmup";

  private Storm() {}

  /** The scenario for each ssekit build among the servers; {@code true} when one lost events. */
  static boolean run(Options options) throws Exception {
    List<Bench.Server> builds = ScenarioFiles.ssekitBuilds(options, "storm");
    List<StormReport> reports = new ArrayList<>();
    for (Bench.Server ssekit : builds) {
      StormReport report = run(options, ssekit);
      System.out.println(report.line());
      reports.add(report);
    }
    StringBuilder md = new StringBuilder("`java -jar sse-bench.jar " + options.describe()
        + "`" + (options.redis ? " with Redis" : "") + (options.ssekitEnv.isEmpty() ? ""
            : ", environment " + options.ssekitEnv) + "\n\n" + StormReport.markdownHeader());
    reports.forEach(report -> md.append(report.markdownRow()));
    ScenarioFiles.write(options, "storm", reports.stream().map(StormReport::json).toList(), md);
    return reports.stream().anyMatch(StormReport::broken);
  }

  private static StormReport run(Options options, Bench.Server ssekit) throws Exception {
    List<AutoCloseable> resources = new ArrayList<>();
    try {
      Map<String, String> env = new HashMap<>(ssekit.env());
      env.putIfAbsent("SSE_HISTORY_SIZE", Integer.toString(Math.max(1000, options.events)));
      int redisPort = 0;
      if (options.redis) {
        redisPort = ServerProcess.freePort();
        Path redisLog = options.out.resolve(ssekit.name() + "-redis.log");
        System.out.printf("redis: starting on port %d (log %s)%n", redisPort, redisLog);
        resources.add(ServerProcess.launch("redis", redisPort, "0", List.of(Cluster.redisServer(),
            "--port", Integer.toString(redisPort), "--bind", "127.0.0.1", "--save", "",
            "--appendonly", "no"), Map.of(), redisLog));
        env.put("SSE_REDIS_URI", "redis://127.0.0.1:" + redisPort);
      }
      int port = ServerProcess.freePort();
      Path log = options.out.resolve(ssekit.name() + ".log");
      System.out.printf("%s: starting on port %d (log %s)%n", ssekit.name(), port, log);
      ServerProcess process = ServerProcess.start(ssekit.name(), port, "0", ssekit.mainArgs(),
          env, log);
      resources.add(process);
      LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(1)); // let the server settle
      InetSocketAddress address = new InetSocketAddress("127.0.0.1", port);
      URI publish = URI.create("http://127.0.0.1:" + port + "/publish");
      warmUp(address, publish, options);
      StormClient clients = new StormClient(address, StormClient.STORM_TOPIC,
          options.connections, options.events, 0);
      resources.add(clients);

      clients.connectAll();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
      while ((clients.started() < options.connections || !clients.probeStarted())
          && System.nanoTime() < deadline) {
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
      }
      System.out.printf("%s: %d streams and the probe open%n", ssekit.name(), clients.started());

      clients.cut();
      publishStormEvents(publish, StormClient.STORM_TOPIC, options.events);
      awaitStreamsGone(publish, 1); // the probe stays
      Map<String, Long> redisBefore = options.redis ? commandCalls(redisPort) : Map.of();
      long cpuBefore = process.cpuNanos();
      ProbePublisher probe = new ProbePublisher(publish, StormClient.PROBE_TOPIC,
          PROBE_CONNECTIONS);
      resources.add(probe);
      long start = System.nanoTime();
      clients.reconnect(RECONNECT_SPREAD.toNanos());
      probe.start(options.probeRate);
      awaitStorm(clients, options.connections, start, true);
      long cpu = process.cpuNanos() - cpuBefore;
      Histogram probeMicros = clients.probeLatencies();
      probe.close();
      Map<String, Long> redisCommands = options.redis
          ? StormReport.difference(redisBefore, commandCalls(redisPort)) : Map.of();
      return StormReport.of(ssekit.name(), options.events, clients.completionNanos(),
          clients.lost(), clients.duplicates(), clients.resets(), clients.refusals(),
          clients.reconnects(), clients.failures(), cpu, probeMicros,
          redisCommands);
    } finally {
      Exception first = null;
      for (int i = resources.size() - 1; i >= 0; i--) {
        try {
          resources.get(i).close();
        } catch (Exception e) {
          if (first == null) {
            first = e;
          }
        }
      }
      if (first != null) {
        throw first;
      }
    }
  }

  /**
   * Smaller storms of their own topic before the measured one, for {@code --warmup} seconds (at
   * least one when that is not 0), so that the measured storm meets an instance that has served
   * reconnects before, as a long-running one has: its resume path compiled. Their streams are
   * cut, and the server has let them go, before the measured ones connect, so that both fit the
   * same limit of open files.
   */
  private static void warmUp(InetSocketAddress server, URI publish, Options options)
      throws Exception {
    if (options.warmup == 0) {
      return;
    }
    int n = Math.min(options.connections, WARMUP_STREAMS);
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(options.warmup);
    try (StormClient warm = new StormClient(server, WARMUP_TOPIC, n, options.events,
        StormClient.SOURCE_NETS)) {
      warm.connectAll();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (warm.started() < n && System.nanoTime() < deadline) {
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
      }
      int round = 0;
      do {
        warm.cut();
        publishStormEvents(publish, WARMUP_TOPIC, options.events);
        long start = System.nanoTime();
        warm.reconnect(RECONNECT_SPREAD.toNanos());
        awaitStorm(warm, n, start, false);
        round++;
        System.out.printf("  warm-up storm %d: %d streams, %d complete in %.1f s%n", round, n,
            warm.complete(), (System.nanoTime() - start) / 1e9);
      } while (System.nanoTime() < end);
      warm.cut();
      // The server learns of a cut stream when it writes to it next.
      publishStormEvents(publish, WARMUP_TOPIC, 1);
      awaitStreamsGone(publish, 1); // the warm-up's own probe stream, closed with the client
    }
  }

  /**
   * Waits up to {@value #GONE_SECONDS} s until the server at {@code publish} holds at most {@code
   * streams} streams (its {@code GET /health} counts them): a cut stream holds a file on the
   * server until a write to it fails, and a storm that came back before the cut ones were let go
   * would need twice the files.
   */
  private static void awaitStreamsGone(URI publish, int streams) throws Exception {
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5)).build();
    HttpRequest health = HttpRequest.newBuilder(publish.resolve("/health")).build();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(GONE_SECONDS);
    long held = Long.MAX_VALUE;
    while (System.nanoTime() < deadline) {
      String body = http.send(health, HttpResponse.BodyHandlers.ofString()).body();
      Matcher connections = CONNECTIONS.matcher(body);
      held = connections.find() ? Long.parseLong(connections.group(1)) : Long.MAX_VALUE;
      if (held <= streams) {
        return;
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
    }
    System.out.printf("  the server still holds %d streams after %d s%n", held, GONE_SECONDS);
  }

  /** Waits until every stream is complete, or the run stalls, or its time is over. */
  private static void awaitStorm(StormClient clients, int streams, long start, boolean progress) {
    long lastReport = start;
    while (clients.complete() < streams) {
      long now = System.nanoTime();
      boolean stalled = clients.waitingToRetry() == 0 && clients.unanswered() == 0
          && now - clients.lastProgressNanos() > QUIET_NANOS;
      if (stalled || now - start > LIMIT_NANOS) {
        break;
      }
      if (progress && now - lastReport > TimeUnit.SECONDS.toNanos(5)) {
        lastReport = now;
        System.out.printf("  %.0f s: %d of %d complete, %d waiting to come back, %d for an"
            + " answer%n", (now - start) / 1e9, clients.complete(), streams,
            clients.waitingToRetry(), clients.unanswered());
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
    }
  }

  /**
   * Publishes events named {@code storm} to {@code topic} with the data 1 to {@code count}, one
   * after another.
   */
  private static void publishStormEvents(URI publish, String topic, int count) throws Exception {
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5)).build();
    for (int i = 1; i <= count; i++) {
      HttpResponse<String> answer = http.send(HttpRequest.newBuilder(publish)
          .header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString("{\"topic\":\"" + topic
              + "\",\"event\":\"" + StormClient.STORM_EVENT + "\",\"data\":" + i + "}"))
          .build(), HttpResponse.BodyHandlers.ofString());
      if (answer.statusCode() != 200) {
        throw new IOException("publishing storm event " + i + " failed: " + answer.statusCode()
            + " " + answer.body());
      }
    }
  }

  /** {@code INFO commandstats} of the Redis on {@code port}, as calls per command. */
  static Map<String, Long> commandCalls(int port) throws IOException {
    return StormReport.commandCalls(commandStats(port));
  }

  /** The {@code INFO commandstats} answer of the Redis on {@code port}. */
  static String commandStats(int port) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(5000);
      OutputStream out = socket.getOutputStream();
      out.write("*2\r\n$4\r\nINFO\r\n$12\r\ncommandstats\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      StringBuilder header = new StringBuilder();
      int b;
      while ((b = in.read()) != '\n') {
        if (b < 0) {
          throw new IOException("Redis closed the connection");
        }
        header.append((char) b);
      }
      if (header.charAt(0) != '$') {
        throw new IOException("INFO answered " + header.toString().trim());
      }
      int length = Integer.parseInt(header.substring(1).trim());
      return new String(in.readNBytes(length), StandardCharsets.UTF_8);
    }
  }
}
