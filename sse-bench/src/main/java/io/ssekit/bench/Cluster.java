package io.ssekit.bench;

import io.ssekit.bench.Bench.Measure;
import io.ssekit.bench.Bench.Result;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The {@code cluster} scenario: a {@code redis-server} and two ssekit instances that share it for
 * history and fanout, all on core 0; half the streams on each instance; events published to the
 * first only. The second instance's row is what crossing instances costs in latency and loss.
 * Jetty's {@code EventSourceServlet} has no cluster mode, so there is no baseline row; each ssekit
 * build among the servers is measured in turn, its instances named {@code NAME-a} and
 * {@code NAME-b}.
 */
final class Cluster {
  private Cluster() {}

  /** The scenario for each ssekit build among the servers, one after the other. */
  static List<Result> run(Options options) throws Exception {
    List<Bench.Server> builds = options.servers().stream()
        .filter(server -> !server.name().equals(Options.JETTY)).toList();
    if (builds.isEmpty()) {
      throw new IllegalArgumentException("cluster measures ssekit only");
    }
    List<Result> results = new ArrayList<>();
    for (Bench.Server ssekit : builds) {
      results.addAll(run(options, ssekit));
    }
    return results;
  }

  private static List<Result> run(Options options, Bench.Server ssekit) throws Exception {
    String redisServer = redisServer();
    int redisPort = ServerProcess.freePort();
    Path redisLog = options.out.resolve(ssekit.name().equals(Options.SSEKIT) ? "redis.log"
        : ssekit.name() + "-redis.log");
    System.out.printf("redis: starting on port %d (log %s)%n", redisPort, redisLog);
    Map<String, String> env = Map.of("SSE_REDIS_URI", "redis://127.0.0.1:" + redisPort);
    List<ServerProcess> processes = new ArrayList<>();
    List<LoadGenerator> loaders = new ArrayList<>();
    try {
      processes.add(ServerProcess.launch("redis", redisPort, "0", List.of(redisServer,
          "--port", Integer.toString(redisPort), "--bind", "127.0.0.1", "--save", "",
          "--appendonly", "no"), Map.of(), redisLog));
      int each = options.connections / 2;
      List<Double> connectRates = new ArrayList<>();
      for (String name : List.of(ssekit.name() + "-a", ssekit.name() + "-b")) {
        int port = ServerProcess.freePort();
        Path log = options.out.resolve(name + ".log");
        System.out.printf("%s: starting on port %d (log %s)%n", name, port, log);
        ServerProcess process = ServerProcess.start(name, port, "0", ssekit.mainArgs(), env, log);
        processes.add(process);
        LoadGenerator loader = new LoadGenerator(new InetSocketAddress("127.0.0.1", port),
            "/events", loaders.size());
        loaders.add(loader);
        connectRates.add(Bench.connect(name, loader, each));
      }
      ServerProcess first = processes.get(1);
      Publisher publisher = new Publisher(URI.create("http://127.0.0.1:" + first.port + "/send"));
      List<Measure> measures = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        measures.add(new Measure(processes.get(i + 1), loaders.get(i)));
      }
      if (options.warmup > 0) {
        publisher.fixedRate(options.rate, Duration.ofSeconds(options.warmup));
        for (int i = 0; i < 2; i++) {
          // Every warm-up event arrives before the measured phase starts counting.
          measures.get(i).drain(publisher.accepted() * loaders.get(i).open());
        }
      }
      for (Measure measure : measures) {
        measure.start(publisher);
      }
      publisher.fixedRate(options.rate, Duration.ofSeconds(options.seconds));
      List<Result> results = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        Measure measure = measures.get(i);
        measure.drain(measure.expected(publisher));
        ServerProcess process = processes.get(i + 1);
        results.add(measure.result(process.name, options.describe(), loaders.get(i).open(),
            loaders.get(i).failed(), connectRates.get(i), 0, process.rssBytes()));
      }
      return results;
    } finally {
      List<AutoCloseable> all = new ArrayList<>(loaders);
      for (int i = processes.size() - 1; i >= 0; i--) {
        all.add(processes.get(i));
      }
      closeAll(all);
    }
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

  static String redisServer() throws IOException {
    for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
      Path candidate = Path.of(dir, "redis-server");
      if (candidate.toFile().canExecute()) {
        return candidate.toString();
      }
    }
    throw new IOException("this scenario needs redis-server on the PATH (Debian: apt-get install"
        + " redis-server)");
  }
}
