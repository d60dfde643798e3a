package io.ssekit.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** What the scenarios that measure ssekit alone share: their servers and their two files. */
final class ScenarioFiles {
  private ScenarioFiles() {}

  /** The ssekit builds among the servers, in order; the baseline cannot run {@code scenario}. */
  static List<Bench.Server> ssekitBuilds(Options options, String scenario) {
    List<Bench.Server> builds = options.servers().stream()
        .filter(server -> !server.name().equals(Options.JETTY)).toList();
    if (builds.isEmpty()) {
      throw new IllegalArgumentException(scenario + " measures ssekit only");
    }
    return builds;
  }

  /**
   * Writes {@code NAME.json}, an array of {@code objects}, and {@code NAME.md} in {@code --out},
   * and says so.
   */
  static void write(Options options, String name, List<String> objects, CharSequence markdown)
      throws IOException {
    Path json = options.out.resolve(name + ".json");
    Path md = options.out.resolve(name + ".md");
    Files.writeString(json, "[\n  " + String.join(",\n  ", objects) + "\n]\n");
    Files.writeString(md, markdown);
    System.out.printf("wrote %s and %s%n", json, md);
  }
}
