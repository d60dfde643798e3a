package io.ssekit.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Class-data sharing for a cold start ({@code --cds on}): before the measured runs, each server
 * is started once with {@code -XX:ArchiveClassesAtExit}, given a few streams and events so that
 * its connect and publish paths load their classes, and stopped, which writes the archive of
 * every class it loaded; the measured servers then start with {@code -XX:SharedArchiveFile} and
 * map those classes instead of loading, parsing and verifying them again. A user does the same:
 * one training run of the same jar and JVM, then the archive on every start.
 */
final class Cds {
  /** Streams of a training run: enough for the connect path to be loaded and interpreted. */
  static final int TRAINING_STREAMS = 2000;
  /** How long a training run may take to stop and write its archive. */
  private static final int STOP_SECONDS = 120;
  /** The source network of a training run's streams, clear of the measured rounds'. */
  private static final int SOURCE_NET = 9;

  private Cds() {}

  /** Trains every server of {@code options} and names its archive in {@code options}. */
  static void train(Options options) throws Exception {
    for (Bench.Server server : options.servers()) {
      Path archive = options.out.resolve(server.name() + ".jsa").toAbsolutePath();
      Files.deleteIfExists(archive);
      int port = ServerProcess.freePort();
      List<String> args = new ArrayList<>();
      args.add("-XX:ArchiveClassesAtExit=" + archive);
      args.addAll(server.mainArgs());
      Path log = options.out.resolve(server.name() + "-cds-training.log");
      System.out.printf("%s: a training run for its class-data archive (log %s)%n", server.name(),
          log);
      try (ServerProcess process = ServerProcess.start(server.name(), port, "0", args,
          server.env(), log);
          LoadGenerator loader = new LoadGenerator(new InetSocketAddress("127.0.0.1", port),
              "/events", SOURCE_NET)) {
        Bench.connect(server.name() + " training", loader,
            Math.min(TRAINING_STREAMS, options.connections));
        new Publisher(URI.create("http://127.0.0.1:" + port + "/send"))
            .fixedRate(10, Duration.ofSeconds(2));
        loader.close();
        // Stopping writes the archive, which can take a while on a busy core.
        process.stop(STOP_SECONDS);
      }
      if (!Files.isRegularFile(archive)) {
        throw new IOException(server.name() + " wrote no class-data archive; see " + log);
      }
      options.cdsArchives.put(server.name(), archive);
    }
  }
}
