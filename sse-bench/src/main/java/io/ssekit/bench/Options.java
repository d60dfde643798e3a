package io.ssekit.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** The command line of {@link Bench}. */
final class Options {
  static final String USAGE = """
      usage: java -jar sse-bench.jar SCENARIO ARGS [options]
        idle N [HOLD_SECONDS]                N streams held (default 5 s): memory per stream, connect rate
        fanout N RATE SECONDS                N streams, RATE events/s for SECONDS: latency, loss
        burst N [SECONDS] [PUBLISHERS]       N streams, publishing flat out (10 s, 4 publishers): CPU per delivery
        sweep RATE SECONDS N1,N2,...         fanout at each N: sweep.csv and sweep.svg in --out
        cluster N RATE SECONDS               --instances ssekit instances sharing Redis, the N streams
                                             spread over them and over three topics, RATE events/s
                                             on each topic, published to every instance in turn:
                                             each instance's and the fleet's deliveries, latency,
                                             loss and CPU per delivery, Redis's CPU per event
        storm N EVENTS                       N streams cut at once, EVENTS published meanwhile, all
                                             back within 1 s with Last-Event-ID: time until each has
                                             everything, loss, server CPU, a probe stream's latency;
                                             storm.json and storm.md in --out (ssekit only)
        topics N RATE SECONDS                N streams, each of its own topic user-<i> and of
                                             broadcast; RATE publishes/s to random user topics,
                                             one a second to broadcast: latency, loss, server CPU
                                             per publish, live heap per idle topic; topics.json
                                             and topics.md in --out (ssekit only)
        floor N RATE SECONDS                 the write floor: one JVM thread writes 110-byte events
                                             to N streams, RATE/s each: CPU per write and per event
      options:
        --servers ssekit,jetty               servers to measure, in this order (default every
                                             ssekit build, then jetty)
        --ssekit-jar PATH                    the sample app (default sample-app/target/sample-app.jar)
        --ssekit-jar NAME=PATH               one more ssekit build, a server named NAME: measure
                                             two builds side by side (repeatable)
        --ssekit-env NAME=VAR=VALUE          an environment variable of the ssekit build NAME,
                                             e.g. off=SSE_METRICS=off (repeatable)
        --jvm NAME=FLAGS                     JVM flags of the server NAME (an ssekit build or
                                             jetty) after every server's, e.g.
                                             "ssekit=-Xms64m -XX:-UseG1GC -XX:+UseSerialGC"
        --cds on                             a training run of each server first writes its
                                             class-data archive; the measured runs start with it
        --warmup SECONDS                     publishing before the measured phase (default 3)
        --timeline on                        scrape each ssekit server's /metrics once a second:
                                             NAME-timeline.csv and NAME-timeline.svg in --out
        --redis on                           storm: history and fanout in a redis-server of its
                                             own, and the Redis commands the storm cost
        --redis cluster                      cluster: a Redis Cluster of three masters (needs
                                             redis-cli) instead of one redis-server (--redis on)
        --instances K                        cluster: 1, 2 or 3 ssekit instances (default 2)
        --probe-rate N                       storm: probe events per second (default 20)
        --floor on                           fanout: measure the floor too, and print each
                                             server's CPU per delivery as a multiple of it
        --batch 1,4,16                       floor: events per write, one phase each (default 1,4,16)
        --out DIR                            server logs (default target/bench)""";

  /** The server name of the sample app that {@code --ssekit-jar PATH} names. */
  static final String SSEKIT = "ssekit";
  /** The server name of the baseline, Jetty's {@code EventSourceServlet}. */
  static final String JETTY = "jetty";

  private static final Path DEFAULT_SSEKIT_JAR = Path.of("sample-app/target/sample-app.jar");
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

  String scenario;
  int connections;
  int rate;
  int seconds;
  int publishers = 4;
  /** {@code storm}: the events published while the streams are away. */
  int events;
  /** {@code storm}: history and fanout in Redis. */
  boolean redis;
  /** {@code cluster}: a Redis Cluster of three masters instead of one {@code redis-server}. */
  boolean redisCluster;
  /** {@code cluster}: the ssekit instances. */
  int instances = 2;
  /** {@code storm}: the probe's events per second. */
  int probeRate = 20;
  List<Integer> sweep = List.of();
  /** {@code fanout}: measure the write floor too, and each server's CPU as a multiple of it. */
  boolean floor;
  /** {@code floor}: the events per write of each measured phase. */
  List<Integer> batches = List.of(1, 4, 16);
  int warmup = 3;
  /** Whether to scrape each ssekit server's {@code /metrics} once a second ({@link Timeline}). */
  boolean timeline;
  /** The servers to measure, in order; null until {@code --servers} or {@link #parse} sets them. */
  List<String> serverNames;
  /** Each ssekit build by its server name, {@link #SSEKIT} first. */
  Map<String, Path> ssekitJars = new LinkedHashMap<>(Map.of(SSEKIT, DEFAULT_SSEKIT_JAR));
  /** JVM flags of a server by its name, after {@link ServerProcess#JVM_FLAGS}. */
  Map<String, List<String>> jvmFlags = new LinkedHashMap<>();
  /** Whether each server starts with a class-data archive of its own ({@link Cds}). */
  boolean cds;
  /** The class-data archive of a server by its name, once {@link Cds#train} wrote it. */
  Map<String, Path> cdsArchives = new LinkedHashMap<>();
  /** Environment variables of each ssekit build by its server name. */
  Map<String, Map<String, String>> ssekitEnv = new LinkedHashMap<>();
  Path out = Path.of("target/bench");
  private boolean explicitSsekitJar;
  /** {@code --redis off} was given. */
  private boolean redisOff;
  private boolean instancesGiven;

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
          case "--servers" -> o.serverNames = List.of(value.split(",", -1));
          case "--ssekit-jar" -> o.ssekitJar(value);
          case "--ssekit-env" -> o.ssekitEnv(value);
          case "--jvm" -> o.jvm(value);
          case "--cds" -> o.cds = onOff(arg, value);
          case "--warmup" -> o.warmup = number(arg, value, 0);
          case "--timeline" -> o.timeline = onOff(arg, value);
          case "--redis" -> o.redis(value);
          case "--instances" -> {
            o.instances = instances(value);
            o.instancesGiven = true;
          }
          case "--probe-rate" -> o.probeRate = number(arg, value, 1);
          case "--floor" -> o.floor = onOff(arg, value);
          case "--batch" -> o.batches = Floor.batches(value);
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
      case "floor" -> {
        require(rest, 3, 3);
        o.connections = number("N", rest.get(0), 1);
        o.rate = number("RATE", rest.get(1), 1);
        o.seconds = number("SECONDS", rest.get(2), 1);
      }
      case "cluster" -> {
        require(rest, 3, 3);
        o.connections = number("N", rest.get(0), o.instances);
        o.rate = number("RATE", rest.get(1), 1);
        o.seconds = number("SECONDS", rest.get(2), 1);
        if (o.redisOff) {
          throw new IllegalArgumentException("cluster keeps history and fanout in Redis: --redis"
              + " on (one redis-server, the default) or --redis cluster (three masters)");
        }
        o.redis = true;
      }
      case "topics" -> {
        require(rest, 3, 3);
        o.connections = number("N", rest.get(0), 1);
        o.rate = number("RATE", rest.get(1), 1);
        o.seconds = number("SECONDS", rest.get(2), 1);
      }
      case "storm" -> {
        require(rest, 2, 2);
        o.connections = number("N", rest.get(0), 1);
        o.events = number("EVENTS", rest.get(1), 1);
      }
      default -> throw new IllegalArgumentException("unknown scenario " + o.scenario);
    }
    streams(o.connections);
    if (!o.scenario.equals("cluster") && (o.redisCluster || o.instancesGiven)) {
      throw new IllegalArgumentException((o.redisCluster ? "--redis cluster" : "--instances")
          + " is for the cluster scenario");
    }
    if (o.floor && !o.scenario.equals("fanout")) {
      throw new IllegalArgumentException("--floor is an option of fanout, not " + o.scenario);
    }
    if (o.serverNames == null) {
      List<String> all = new ArrayList<>(o.ssekitJars.keySet());
      all.add(JETTY);
      o.serverNames = List.copyOf(all);
    }
    for (String name : o.ssekitEnv.keySet()) {
      if (!o.ssekitJars.containsKey(name)) {
        throw new IllegalArgumentException("--ssekit-env names the build '" + name + "', which"
            + " is not one of " + String.join(", ", o.ssekitJars.keySet()));
      }
    }
    for (String name : o.jvmFlags.keySet()) {
      if (!name.equals(JETTY) && !o.ssekitJars.containsKey(name)) {
        throw new IllegalArgumentException("--jvm names the server '" + name + "', which is not"
            + " one of " + String.join(", ", o.ssekitJars.keySet()) + ", " + JETTY);
      }
    }
    for (String name : o.serverNames) {
      if (!name.equals(JETTY) && !o.ssekitJars.containsKey(name)) {
        throw new IllegalArgumentException("--servers takes " + JETTY + " and the ssekit builds "
            + String.join(", ", o.ssekitJars.keySet()) + " (more with --ssekit-jar NAME=PATH),"
            + " not '" + name + "'");
      }
    }
    return o;
  }

  /**
   * {@code PATH} replaces the jar of the server named {@link #SSEKIT}; {@code NAME=PATH} adds a
   * server of that name started from that jar, so that one run measures two builds side by side.
   */
  private void ssekitJar(String value) {
    int equals = value.indexOf('=');
    String name = equals > 0 ? value.substring(0, equals) : "";
    if (!NAME.matcher(name).matches()) {
      // A plain path (a '/' or nothing before any '='): the default build's jar.
      if (explicitSsekitJar) {
        throw new IllegalArgumentException("--ssekit-jar PATH is given twice; name the other"
            + " build with --ssekit-jar NAME=PATH");
      }
      explicitSsekitJar = true;
      ssekitJars.put(SSEKIT, Path.of(value));
      return;
    }
    String path = value.substring(equals + 1);
    if (path.isEmpty()) {
      throw new IllegalArgumentException("--ssekit-jar " + value + " needs a path after '='");
    }
    if (name.equals(JETTY)) {
      throw new IllegalArgumentException("--ssekit-jar cannot name a build '" + JETTY
          + "': that is the baseline");
    }
    if (name.equals(SSEKIT) ? explicitSsekitJar : ssekitJars.containsKey(name)) {
      throw new IllegalArgumentException("--ssekit-jar names '" + name + "' twice");
    }
    explicitSsekitJar |= name.equals(SSEKIT);
    ssekitJars.put(name, Path.of(path));
  }

  /** {@code --redis on}, {@code off} or {@code cluster}. */
  private void redis(String value) {
    redisCluster = value.equals("cluster");
    if (!redisCluster && !value.equals("on") && !value.equals("off")) {
      throw new IllegalArgumentException("--redis takes on, off or cluster, was '" + value + "'");
    }
    redisOff = value.equals("off");
    redis = !redisOff;
  }

  private static int instances(String value) {
    return switch (value) {
      case "1", "2", "3" -> Integer.parseInt(value);
      default -> throw new IllegalArgumentException("--instances takes 1, 2 or 3 (they share"
          + " core 0 with Redis), was '" + value + "'");
    };
  }

  /**
   * The Redis programs this run starts, looked up on {@code path} (a {@code PATH} value):
   * {@code redis-server} for {@code cluster} and for {@code storm --redis on}, and {@code
   * redis-cli} too for {@code --redis cluster}; empty when it starts none.
   *
   * @throws IllegalArgumentException naming the program that is missing and its package
   */
  List<Path> redisPrograms(String path) {
    if (!redis || !scenario.equals("cluster") && !scenario.equals("storm")) {
      return List.of();
    }
    String run = scenario + (redisCluster ? " --redis cluster"
        : scenario.equals("storm") ? " --redis on" : "");
    List<Path> programs = new ArrayList<>();
    programs.add(program("redis-server", "redis-server", path, run));
    if (redisCluster) {
      programs.add(program("redis-cli", "redis-tools", path, run));
    }
    return List.copyOf(programs);
  }

  /** The executable {@code name} in a directory of {@code path}, which {@code run} needs. */
  static Path program(String name, String debianPackage, String path, String run) {
    for (String dir : (path == null ? "" : path).split(":")) {
      Path candidate = Path.of(dir.isEmpty() ? "." : dir, name);
      if (candidate.toFile().isFile() && candidate.toFile().canExecute()) {
        return candidate;
      }
    }
    throw new IllegalArgumentException(run + " needs " + name
        + " on the PATH (Debian: apt-get install " + debianPackage + ")");
  }

  /** {@code NAME=VAR=VALUE}: {@code VAR} is {@code VALUE} in the environment of build NAME. */
  private void ssekitEnv(String value) {
    String[] parts = value.split("=", 3);
    if (parts.length < 3 || !NAME.matcher(parts[0]).matches() || parts[1].isEmpty()) {
      throw new IllegalArgumentException("--ssekit-env takes NAME=VAR=VALUE, was '" + value + "'");
    }
    ssekitEnv.computeIfAbsent(parts[0], k -> new LinkedHashMap<>()).put(parts[1], parts[2]);
  }

  /**
   * {@code NAME=FLAGS}: the server NAME's JVM gets FLAGS (separated by spaces) after the flags
   * every server gets, and so in place of theirs ({@code -Xms64m}; for another collector,
   * {@code -XX:-UseG1GC -XX:+UseSerialGC}).
   */
  private void jvm(String value) {
    int equals = value.indexOf('=');
    String name = equals > 0 ? value.substring(0, equals) : "";
    List<String> flags = equals > 0 ? List.of(value.substring(equals + 1).trim().split(" +"))
        : List.of();
    if (!NAME.matcher(name).matches() || flags.stream().anyMatch(f -> !f.startsWith("-"))) {
      throw new IllegalArgumentException("--jvm takes NAME=FLAGS, each flag starting with '-',"
          + " was '" + value + "'");
    }
    jvmFlags.put(name, flags);
  }

  /**
   * The servers to measure, with the same JVM flags unless {@code --jvm} adds to a server's;
   * ssekit's request log is off.
   */
  List<Bench.Server> servers() {
    List<Bench.Server> servers = new ArrayList<>();
    for (String name : serverNames) {
      if (name.equals(JETTY)) {
        String classPath = System.getProperty("java.class.path");
        servers.add(new Bench.Server(JETTY, withFlags(JETTY, List.of("-cp", classPath,
            BaselineServer.class.getName())), Map.of()));
        continue;
      }
      Path jar = ssekitJars.get(name);
      if (!jar.toFile().isFile()) {
        throw new IllegalArgumentException(jar.equals(DEFAULT_SSEKIT_JAR)
            ? jar + " is missing: build it with mvn -q -pl sample-app -am package -DskipTests,"
                + " or name it with --ssekit-jar"
            : jar + " is missing (--ssekit-jar of " + name + ")");
      }
      servers.add(new Bench.Server(name, withFlags(name, List.of(
          "-Dorg.slf4j.simpleLogger.log.io.ssekit.sample.access=warn", "-jar", jar.toString())),
          Map.copyOf(ssekitEnv.getOrDefault(name, Map.of()))));
    }
    return servers;
  }

  private List<String> withFlags(String server, List<String> mainArgs) {
    List<String> args = new ArrayList<>(jvmFlags.getOrDefault(server, List.of()));
    Path archive = cdsArchives.get(server);
    if (archive != null) {
      args.add("-XX:SharedArchiveFile=" + archive);
    }
    args.addAll(mainArgs);
    return List.copyOf(args);
  }

  String describe() {
    return switch (scenario) {
      case "idle" -> "idle " + connections;
      case "fanout" -> "fanout " + connections + " " + rate + " " + seconds;
      case "cluster" -> "cluster " + connections + " " + rate + " " + seconds;
      case "storm" -> "storm " + connections + " " + events;
      case "topics" -> "topics " + connections + " " + rate + " " + seconds;
      case "floor" -> "floor " + connections + " " + rate + " " + seconds;
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
    o.timeline = timeline;
    o.serverNames = serverNames;
    o.ssekitJars = ssekitJars;
    o.ssekitEnv = ssekitEnv;
    o.jvmFlags = jvmFlags;
    o.cds = cds;
    o.cdsArchives = cdsArchives;
    o.out = out;
    return o;
  }

  private static int streams(int n) {
    if (n > 19_000) {
      throw new IllegalArgumentException("N is at most 19000 (20000 open files per process)");
    }
    return n;
  }

  private static boolean onOff(String option, String value) {
    return switch (value) {
      case "on" -> true;
      case "off" -> false;
      default -> throw new IllegalArgumentException(option + " takes on or off, was '" + value
          + "'");
    };
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
