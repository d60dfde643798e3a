package io.ssekit.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JvmOptionsTest {
  @TempDir
  Path dir;

  @Test
  void flagsOfOneServerComeBeforeItsMainArgumentsAndTheOthersKeepTheirs() throws IOException {
    Path jar = Files.writeString(dir.resolve("app.jar"), "");
    Options options = Options.parse(new String[] {"idle", "19000", "--ssekit-jar",
        jar.toString(), "--ssekit-jar", "small=" + jar, "--jvm",
        "small=-Xms64m  -XX:-UseG1GC -XX:+UseSerialGC", "--jvm", "jetty=-Xms64m"});

    List<Bench.Server> servers = options.servers();
    assertEquals(List.of("-Dorg.slf4j.simpleLogger.log.io.ssekit.sample.access=warn", "-jar",
        jar.toString()), servers.get(0).mainArgs());
    assertEquals(List.of("-Xms64m", "-XX:-UseG1GC", "-XX:+UseSerialGC",
        "-Dorg.slf4j.simpleLogger.log.io.ssekit.sample.access=warn", "-jar", jar.toString()),
        servers.get(1).mainArgs());
    assertEquals(List.of("-Xms64m", "-cp"), servers.get(2).mainArgs().subList(0, 2));
    assertEquals(servers.get(1).mainArgs(), options.fanoutOf(100).servers().get(1).mainArgs(),
        "a sweep's points keep the flags");
  }

  @Test
  void aTrainedServerStartsWithItsClassDataArchive() throws IOException {
    Path jar = Files.writeString(dir.resolve("app.jar"), "");
    Options options = Options.parse(new String[] {"idle", "19000", "--ssekit-jar",
        jar.toString(), "--cds", "on", "--jvm", "ssekit=-Xms64m"});
    options.cdsArchives.put("ssekit", dir.resolve("ssekit.jsa"));

    assertEquals(true, options.cds);
    assertEquals(List.of("-Xms64m", "-XX:SharedArchiveFile=" + dir.resolve("ssekit.jsa"),
        "-Dorg.slf4j.simpleLogger.log.io.ssekit.sample.access=warn", "-jar", jar.toString()),
        options.servers().get(0).mainArgs());
    assertEquals("-cp", options.servers().get(1).mainArgs().get(0), "jetty was not trained");
  }

  @Test
  void flagsThatAreNotFlagsOrNameNoServerAreRefused() {
    assertEquals("--jvm takes NAME=FLAGS, each flag starting with '-', was 'ssekit=Xms64m'",
        refused("idle", "10", "--jvm", "ssekit=Xms64m"));
    assertEquals("--jvm takes NAME=FLAGS, each flag starting with '-', was '-Xms64m'",
        refused("idle", "10", "--jvm", "-Xms64m"));
    assertEquals("--jvm names the server 'other', which is not one of ssekit, jetty",
        refused("idle", "10", "--jvm", "other=-Xms64m"));
  }

  private static String refused(String... args) {
    return assertThrows(IllegalArgumentException.class, () -> Options.parse(args)).getMessage();
  }
}
