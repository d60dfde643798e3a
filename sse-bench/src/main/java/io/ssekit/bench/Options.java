package io.ssekit.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The command line of {@link Bench}. */
final class Options {
  static final String USAGE = """
      usage: java -jar sse-bench.jar SCENARIO ARGS [options]
        idle N [HOLD_SECONDS]                N streams held (default 5 s): memory per stream, connect rate
        fanout N RATE SECONDS                N streams, RATE events/s for SECONDS: latency, loss
        burst N [SECONDS] [PUBLISHERS]       N streams, publishing flat out (10 s, 4 publishers): CPU per delivery
        sweep RATE SECONDS N1,N2,...         fanout at each N: sweep.csv and sweep.svg in --out
        cluster N RATE SECONDS               two ssekit instances sharing a redis-server, N/2 streams
                                             each, publishing to the first: latency and loss across
      options:
        --servers ssekit,jetty               servers to measure, in this order (default both)
        --ssekit-jar PATH                    the sample app (default sample-app/target/sample-app.jar)
        --warmup SECONDS                     publishing before the measured phase (default 3)
        --out DIR                            server logs (default target/bench)""";

  String scenario;
  int connections;
  int rate;
  int seconds;
  int publishers = 4;
  List<Integer> sweep = List.of();
  int warmup = 3;
  List<String> serverNames = List.of("ssekit", "jetty");
  Path ssekitJar = Path.of("sample-app/target/sample-app.jar");
  Path out = Path.of("target/bench");

  static Options parse(String[] args) {
    Options o = new Options();
    List<String> positional = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (arg.startsWith("--")) {
        if (i + 1 >= args.length) {
          throw new IllegalArgumentException(arg + " needs a value");
        }
        String value = args[++i];
        switch (arg) {
          case "--servers" -> o.serverNames = List.of(value.split(","));
          case "--ssekit-jar" -> o.ssekitJar = Path.of(value);
          case "--warmup" -> o.warmup = number(arg, value, 0);
          case "--out" -> o.out = Path.of(value);
          default -> throw new IllegalArgumentException("unknown option " + arg);
        }
      } else {
        positional.add(arg);
      }
    }
    if (positional.isEmpty()) {
      throw new IllegalArgumentException("a scenario is required");
    }
    o.scenario = positional.get(0);
    List<String> rest = positional.subList(1, positional.size());
    switch (o.scenario) {
      case "idle" -> {
        require(rest, 1, 2);
        o.connections = number("N", rest.get(0), 1);
        o.seconds = rest.size() > 1 ? number("HOLD_SECONDS", rest.get(1), 0) : 5;
      }
      case "fanout" -> {
        require(rest, 3, 3);
        o.connections = number("N", rest.get(0), 1);
        o.rate = number("RATE", rest.get(1), 1);
        o.seconds = number("SECONDS", rest.get(2), 1);
      }
      case "burst" -> {
        require(rest, 1, 3);
        o.connections = number("N", rest.get(0), 1);
        o.seconds = rest.size() > 1 ? number("SECONDS", rest.get(1), 1) : 10;
        o.publishers = rest.size() > 2 ? number("PUBLISHERS", rest.get(2), 1) : 4;
      }
      case "sweep" -> {
        require(rest, 3, 3);
        o.rate = number("RATE", rest.get(0), 1);
        o.seconds = number("SECONDS", rest.get(1), 1);
        List<Integer> counts = new ArrayList<>();
        for (String n : rest.get(2).split(",")) {
          counts.add(streams(number("N", n, 1)));
        }
        o.sweep = List.copyOf(counts);
        o.connections = counts.get(0);
      }
      case "cluster" -> {
        require(rest, 3, 3);
        o.connections = number("N", rest.get(0), 2);
        o.rate = number("RATE", rest.get(1), 1);
        o.seconds = number("SECONDS", rest.get(2), 1);
      }
      default -> throw new IllegalArgumentException("unknown scenario " + o.scenario);
    }
    streams(o.connections);
    for (String name : o.serverNames) {
      if (!name.equals("ssekit") && !name.equals("jetty")) {
        throw new IllegalArgumentException("--servers takes ssekit and jetty, not " + name);
      }
    }
    return o;
  }

  /** The servers to measure, with the same JVM flags; ssekit's request log is off. */
  List<Bench.Server> servers() {
    List<Bench.Server> servers = new ArrayList<>();
    for (String name : serverNames) {
      if (name.equals("ssekit")) {
        if (!ssekitJar.toFile().isFile()) {
          throw new IllegalArgumentException(ssekitJar + " is missing: build it with"
              + " mvn -q -pl sample-app -am package -DskipTests, or name it with --ssekit-jar");
        }
        servers.add(new Bench.Server("ssekit", List.of(
            "-Dorg.slf4j.simpleLogger.log.io.ssekit.sample.access=warn", "-jar",
            ssekitJar.toString()), Map.of()));
      } else {
        String classPath = System.getProperty("java.class.path");
        servers.add(new Bench.Server("jetty", List.of("-cp", classPath,
            BaselineServer.class.getName()), Map.of()));
      }
    }
    return servers;
  }

  String describe() {
    return switch (scenario) {
      case "idle" -> "idle " + connections;
      case "fanout" -> "fanout " + connections + " " + rate + " " + seconds;
      case "cluster" -> "cluster " + connections + " " + rate + " " + seconds;
      default -> "burst " + connections + " " + seconds + " " + publishers;
    };
  }

  /** The same options for a fanout of {@code n} streams: one point of a sweep. */
  Options fanoutOf(int n) {
    Options o = new Options();
    o.scenario = "fanout";
    o.connections = n;
    o.rate = rate;
    o.seconds = seconds;
    o.warmup = warmup;
    o.serverNames = serverNames;
    o.ssekitJar = ssekitJar;
    o.out = out;
    return o;
  }

  private static int streams(int n) {
    if (n > 19_000) {
      throw new IllegalArgumentException("N is at most 19000 (20000 open files per process)");
    }
    return n;
  }

  private static void require(List<String> args, int min, int max) {
    if (args.size() < min || args.size() > max) {
      throw new IllegalArgumentException("wrong number of arguments: " + args);
    }
  }

  private static int number(String name, String value, int min) {
    try {
      int parsed = Integer.parseInt(value);
      if (parsed >= min) {
        return parsed;
      }
    } catch (NumberFormatException e) {
      // Named below.
    }
    throw new IllegalArgumentException(name + " must be a whole number of at least " + min
        + ", was '" + value + "'");
  }
}
