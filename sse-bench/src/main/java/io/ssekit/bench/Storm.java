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
import java.util.concurrent.atomic.AtomicBoolean;
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

  private Storm() {}

  /** The scenario for each ssekit build among the servers; {@code true} when one lost events. */
  static boolean run(Options options) throws Exception {
    List<Bench.Server> builds = options.servers().stream()
        .filter(server -> !server.name().equals(Options.JETTY)).toList();
    if (builds.isEmpty()) {
      throw new IllegalArgumentException("storm measures ssekit only");
    }
    List<StormReport> reports = new ArrayList<>();
    for (Bench.Server ssekit : builds) {
      StormReport report = run(options, ssekit);
      System.out.println(report.line());
      reports.add(report);
    }
    StringBuilder json = new StringBuilder("[\n");
    StringBuilder md = new StringBuilder("`java -jar sse-bench.jar " + options.describe()
        + "`" + (options.redis ? " with Redis" : "") + (options.ssekitEnv.isEmpty() ? ""
            : ", environment " + options.ssekitEnv) + "\n\n" + StormReport.markdownHeader());
    for (int i = 0; i < reports.size(); i++) {
      json.append("  ").append(reports.get(i).json()).append(i + 1 < reports.size() ? ",\n" : "\n");
      md.append(reports.get(i).markdownRow());
    }
    Files.writeString(options.out.resolve("storm.json"), json.append("]\n"));
    Files.writeString(options.out.resolve("storm.md"), md);
    System.out.printf("wrote %s and %s%n", options.out.resolve("storm.json"),
        options.out.resolve("storm.md"));
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
      StormClient clients = new StormClient(new InetSocketAddress("127.0.0.1", port),
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
      publishStormEvents(URI.create("http://127.0.0.1:" + port + "/publish"), options.events);
      Map<String, Long> redisBefore = options.redis ? commandCalls(redisPort) : Map.of();
      long cpuBefore = process.cpuNanos();
      Publisher probe = new Publisher(URI.create("http://127.0.0.1:" + port + "/publish"),
          StormClient.PROBE_TOPIC);
      AtomicBoolean stormOver = new AtomicBoolean();
      Thread probing = new Thread(() -> {
        try {
          while (!stormOver.get()) {
            probe.fixedRate(options.probeRate, Duration.ofMillis(200));
          }
        } catch (InterruptedException stopped) {
          // The storm is over.
        }
      }, "sse-bench-probe");
      probing.setDaemon(true);
      long start = System.nanoTime();
      clients.reconnect(RECONNECT_SPREAD.toNanos());
      probing.start();
      awaitStorm(clients, options.connections, start);
      long cpu = process.cpuNanos() - cpuBefore;
      Histogram probeMicros = clients.probeLatencies();
      stormOver.set(true);
      probing.join(TimeUnit.SECONDS.toMillis(15));
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

  /** Waits until every stream is complete, or the run stalls, or its time is over. */
  private static void awaitStorm(StormClient clients, int streams, long start) {
    long lastReport = start;
    while (clients.complete() < streams) {
      long now = System.nanoTime();
      boolean stalled = clients.waitingToRetry() == 0
          && now - clients.lastProgressNanos() > QUIET_NANOS;
      if (stalled || now - start > LIMIT_NANOS) {
        break;
      }
      if (now - lastReport > TimeUnit.SECONDS.toNanos(5)) {
        lastReport = now;
        System.out.printf("  %.0f s: %d of %d complete, %d waiting to come back%n",
            (now - start) / 1e9, clients.complete(), streams, clients.waitingToRetry());
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
    }
  }

  /** Publishes events named {@code storm} with the data 1 to {@code count}, one after another. */
  private static void publishStormEvents(URI publish, int count) throws Exception {
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5)).build();
    for (int i = 1; i <= count; i++) {
      HttpResponse<String> answer = http.send(HttpRequest.newBuilder(publish)
          .header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString("{\"topic\":\"" + StormClient.STORM_TOPIC
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
