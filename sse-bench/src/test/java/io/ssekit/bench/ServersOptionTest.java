package io.ssekit.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServersOptionTest {
  @TempDir
  Path dir;

  @Test
  void aPlainSsekitJarNamesTheSampleAppAndTheServersAreSsekitThenJetty() throws IOException {
    Path jar = jar("after.jar");
    Options options = Options.parse(new String[] {"burst", "1000", "--ssekit-jar",
        jar.toString()});

    assertEquals(List.of("ssekit", "jetty"), options.serverNames);
    List<Bench.Server> servers = options.servers();
    assertEquals(List.of("ssekit", "jetty"), names(servers));
    assertEquals(jar.toString(), last(servers.get(0)));
  }

  @Test
  void aNamedJarIsAnotherBuildMeasuredAsItsOwnServerInTheOrderAsked() throws IOException {
    Path after = jar("after.jar");
    Path before = jar("before.jar");
    String[] jars = {"--ssekit-jar", after.toString(), "--ssekit-jar", "ssekit-before=" + before};

    Options byDefault = Options.parse(concat(new String[] {"idle", "19000"}, jars));
    assertEquals(List.of("ssekit", "ssekit-before", "jetty"), byDefault.serverNames,
        "every build, then the baseline");

    Options asked = Options.parse(concat(new String[] {"fanout", "2000", "50", "10",
        "--servers", "ssekit-before,ssekit,jetty"}, jars));
    List<Bench.Server> servers = asked.servers();
    assertEquals(List.of("ssekit-before", "ssekit", "jetty"), names(servers));
    assertEquals(before.toString(), last(servers.get(0)));
    assertEquals(after.toString(), last(servers.get(1)));
    assertEquals(List.of("-Dorg.slf4j.simpleLogger.log.io.ssekit.sample.access=warn", "-jar",
        before.toString()), servers.get(0).mainArgs(), "the same flags as the sample app");

    Options point = Options.parse(concat(new String[] {"sweep", "50", "10", "500,1000",
        "--servers", "ssekit-before,jetty"}, jars)).fanoutOf(1000);
    assertEquals(List.of("ssekit-before", "jetty"), names(point.servers()),
        "every point of a sweep measures the same builds");
  }

  @Test
  void anEnvironmentVariableConfiguresOneBuildOnly() throws IOException {
    Path jar = jar("app.jar");
    Options options = Options.parse(new String[] {"burst", "1000", "--ssekit-jar",
        jar.toString(), "--ssekit-jar", "off=" + jar, "--ssekit-env", "off=SSE_METRICS=off",
        "--servers", "off,ssekit"});

    List<Bench.Server> servers = options.servers();
    assertEquals(java.util.Map.of("SSE_METRICS", "off"), servers.get(0).env());
    assertEquals(java.util.Map.of(), servers.get(1).env());
    assertEquals("--ssekit-env names the build 'other', which is not one of ssekit",
        assertThrows(IllegalArgumentException.class, () -> Options.parse(new String[] {
            "burst", "1000", "--ssekit-env", "other=SSE_METRICS=off"})).getMessage());
    assertEquals("--ssekit-env takes NAME=VAR=VALUE, was 'off=SSE_METRICS'",
        assertThrows(IllegalArgumentException.class, () -> Options.parse(new String[] {
            "burst", "1000", "--ssekit-env", "off=SSE_METRICS"})).getMessage());
  }

  @Test
  void aPathWithAnEqualsSignInADirectoryIsAPlainPath() throws IOException {
    Path jar = Files.createDirectories(dir.resolve("a=b")).resolve("app.jar");
    Files.writeString(jar, "");
    Options options = Options.parse(new String[] {"burst", "10", "--ssekit-jar",
        jar.toString()});

    assertEquals(List.of("ssekit", "jetty"), options.serverNames);
    assertEquals(jar.toString(), last(options.servers().get(0)));
  }

  @Test
  void serversAndBuildsThatDoNotFitAreRefusedWithTheirNames() throws IOException {
    Path jar = jar("before.jar");
    assertEquals("--servers takes jetty and the ssekit builds ssekit, before (more with"
        + " --ssekit-jar NAME=PATH), not 'after'", refused("burst", "10", "--ssekit-jar",
        "before=" + jar, "--servers", "before,after"));
    assertEquals("--servers takes jetty and the ssekit builds ssekit (more with"
        + " --ssekit-jar NAME=PATH), not ''", refused("burst", "10", "--servers", "ssekit,"));
    assertEquals("--ssekit-jar cannot name a build 'jetty': that is the baseline",
        refused("burst", "10", "--ssekit-jar", "jetty=" + jar));
    assertEquals("--ssekit-jar names 'before' twice", refused("burst", "10",
        "--ssekit-jar", "before=" + jar, "--ssekit-jar", "before=" + jar));
    assertEquals("--ssekit-jar names 'ssekit' twice", refused("burst", "10",
        "--ssekit-jar", jar.toString(), "--ssekit-jar", "ssekit=" + jar));
    assertEquals("--ssekit-jar PATH is given twice; name the other build with --ssekit-jar"
        + " NAME=PATH", refused("burst", "10", "--ssekit-jar", jar.toString(),
        "--ssekit-jar", jar.toString()));
    assertEquals("--ssekit-jar before= needs a path after '='",
        refused("burst", "10", "--ssekit-jar", "before="));

    Path missing = dir.resolve("missing.jar");
    Options options = Options.parse(new String[] {"burst", "10", "--ssekit-jar",
        "before=" + missing, "--servers", "before,jetty"});
    IllegalArgumentException noJar = assertThrows(IllegalArgumentException.class,
        options::servers);
    assertEquals(missing + " is missing (--ssekit-jar of before)", noJar.getMessage());
  }

  @Test
  void eachBuildsRowIsLabelledInFullAlignedAndComparedWithTheBaseline() {
    Bench.Result jetty = result("jetty", 20_000_000_000L);
    Bench.Result before = result("ssekit-before", 3_000_000_000L);
    Bench.Result after = result("ssekit", 2_000_000_000L);
    int width = "ssekit-before".length();

    String header = Bench.Result.header(width);
    String beforeRow = before.row(jetty, width);
    String afterRow = after.row(jetty, width);
    String jettyRow = jetty.row(jetty, width);

    assertTrue(beforeRow.startsWith("ssekit-before burst 1000 10 4"), beforeRow);
    assertTrue(afterRow.startsWith("ssekit        burst 1000 10 4"), afterRow);
    assertTrue(jettyRow.startsWith("jetty         burst 1000 10 4"), jettyRow);
    assertEquals(header.indexOf("scenario"), afterRow.indexOf("burst"));
    assertTrue(beforeRow.endsWith("(server CPU per event x0.15 of jetty)"), beforeRow);
    assertTrue(afterRow.endsWith("(server CPU per event x0.10 of jetty)"), afterRow);
    assertFalse(jettyRow.contains("of jetty"), "the baseline has no ratio: " + jettyRow);
    assertTrue(Bench.Result.header(0).startsWith("server   scenario"),
        "short names keep today's column");
  }

  /** One burst result: a million deliveries in 10 s, costing the server {@code cpuNanos}. */
  private static Bench.Result result(String server, long cpuNanos) {
    return new Bench.Result(server, "burst 1000 10 4", 1000, 0, 3000, 0, 600L << 20, 1_000_000,
        10, null, cpuNanos, 1_000_000_000L, 1_000_000);
  }

  private String refused(String... args) {
    return assertThrows(IllegalArgumentException.class, () -> Options.parse(args)).getMessage();
  }

  private Path jar(String name) throws IOException {
    return Files.writeString(dir.resolve(name), "");
  }

  private static List<String> names(List<Bench.Server> servers) {
    return servers.stream().map(Bench.Server::name).toList();
  }

  private static String last(Bench.Server server) {
    return server.mainArgs().get(server.mainArgs().size() - 1);
  }

  private static String[] concat(String[] first, String[] second) {
    String[] all = Arrays.copyOf(first, first.length + second.length);
    System.arraycopy(second, 0, all, first.length, second.length);
    return all;
  }
}
