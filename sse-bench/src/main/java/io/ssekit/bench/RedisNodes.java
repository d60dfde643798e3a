package io.ssekit.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;

/**
 * The Redis of a {@code cluster} run, on core 0 beside the instances: one {@code redis-server},
 * or a Redis Cluster of {@value #MASTERS} masters formed with {@code redis-cli --cluster create};
 * without persistence. Each node's CPU time is read from {@code /proc/PID}, as the servers' is.
 * A topic's keys and channel share its hash tag ({@code <prefix>{<topic>}:c}), so the slot of a
 * topic is the slot of its name, and {@link #topics} picks names that spread over the masters.
 */
final class RedisNodes implements AutoCloseable {
  /** The masters of a Redis Cluster run: as few as Redis Cluster allows. */
  static final int MASTERS = 3;
  static final int SLOTS = 16_384;
  /** A cluster node's bus port is its client port plus this. */
  private static final int BUS_PORT_OFFSET = 10_000;
  private static final long FORM_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(30);

  private final List<ServerProcess> nodes;
  private final String uri;
  /** Of each node, the slots it serves as {@code from, to} pairs; one node serves all. */
  private final List<List<int[]>> slots;

  RedisNodes(List<ServerProcess> nodes, String uri, List<List<int[]>> slots) {
    this.nodes = nodes;
    this.uri = uri;
    this.slots = slots;
  }

  /** One {@code redis-server} on a free port, its log {@code <prefix>redis.log} in {@code dir}. */
  static RedisNodes single(Path redisServer, Path dir, String prefix) throws IOException {
    Path log = dir.resolve(prefix + "redis.log");
    ServerProcess node = ServerProcess.startOnFreePort(() -> ServerProcess.freePort(10_000,
        32_000, InetAddress.getLoopbackAddress()), port -> {
      System.out.printf("redis: starting on port %d (log %s)%n", port, log);
      return ServerProcess.launch("redis", port, "0", command(redisServer, port), Map.of(), log);
    });
    return new RedisNodes(List.of(node), "redis://127.0.0.1:" + node.port,
        List.of(List.<int[]>of(new int[] {0, SLOTS - 1})));
  }

  /**
   * {@value #MASTERS} cluster nodes on free ports (their logs and cluster files {@code
   * <prefix>redis-N.*} in {@code dir}), joined as masters without replicas; returns once every
   * node says {@code cluster_state:ok}.
   */
  static RedisNodes cluster(Path redisServer, Path redisCli, Path dir, String prefix)
      throws IOException, InterruptedException {
    List<ServerProcess> nodes = new ArrayList<>();
    try {
      for (int i = 0; i < MASTERS; i++) {
        String name = "redis-" + i;
        Path log = dir.resolve(prefix + name + ".log");
        Path config = dir.resolve(prefix + name + ".nodes.conf");
        nodes.add(ServerProcess.startOnFreePort(RedisNodes::freePortWithBusPort, port -> {
          Files.deleteIfExists(config); // a node of an earlier cluster would rejoin it
          System.out.printf("%s: starting a cluster node on port %d (log %s)%n", name, port, log);
          List<String> command = new ArrayList<>(command(redisServer, port));
          command.addAll(List.of("--cluster-enabled", "yes", "--cluster-config-file",
              config.toString(), "--cluster-node-timeout", "5000"));
          return ServerProcess.launch(name, port, "0", command, Map.of(), log);
        }));
      }
      List<String> create = new ArrayList<>(List.of(redisCli.toString(), "--cluster", "create"));
      nodes.forEach(node -> create.add("127.0.0.1:" + node.port));
      create.addAll(List.of("--cluster-replicas", "0", "--cluster-yes"));
      run(create);
      long deadline = System.nanoTime() + FORM_TIMEOUT_NANOS;
      for (ServerProcess node : nodes) {
        while (!cli(redisCli, node, "CLUSTER", "INFO").contains("cluster_state:ok")) {
          if (System.nanoTime() > deadline) {
            throw new IOException("the Redis Cluster did not become ok: node " + node.port
                + " says " + cli(redisCli, node, "CLUSTER", "INFO").lines().findFirst()
                .orElse(""));
          }
          LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
        }
      }
      Map<Integer, List<int[]>> byPort = masterSlots(cli(redisCli, nodes.get(0), "CLUSTER",
          "NODES"));
      List<List<int[]>> slots = new ArrayList<>();
      for (ServerProcess node : nodes) {
        slots.add(byPort.getOrDefault(node.port, List.of()));
      }
      return new RedisNodes(List.copyOf(nodes), "redis+cluster://" + nodes.stream()
          .map(node -> "127.0.0.1:" + node.port).collect(Collectors.joining(",")), slots);
    } catch (IOException | InterruptedException | RuntimeException e) {
      for (ServerProcess node : nodes) {
        node.close();
      }
      throw e;
    }
  }

  private static List<String> command(Path redisServer, int port) {
    return List.of(redisServer.toString(), "--port", Integer.toString(port), "--bind",
        "127.0.0.1", "--save", "", "--appendonly", "no");
  }

  /** {@code SSE_REDIS_URI} for the sample app. */
  String uri() {
    return uri;
  }

  List<ServerProcess> nodes() {
    return nodes;
  }

  /** User plus system CPU time of each node so far, in nanoseconds. */
  long[] cpuNanos() throws IOException {
    long[] cpu = new long[nodes.size()];
    for (int i = 0; i < cpu.length; i++) {
      cpu[i] = nodes.get(i).cpuNanos();
    }
    return cpu;
  }

  /** Each node's {@code INFO commandstats} answer now. */
  List<String> commandStats() throws IOException {
    List<String> stats = new ArrayList<>();
    for (ServerProcess node : nodes) {
      stats.add(Storm.commandStats(node.port));
    }
    return stats;
  }

  /**
   * The microseconds spent in each command of an {@code INFO commandstats} answer: {@code
   * cmdstat_evalsha:calls=5,usec=120,...} gives {@code evalsha=120}. A script's time includes
   * the commands it runs, which are counted on their own too.
   */
  static Map<String, Long> commandMicros(String info) {
    Map<String, Long> micros = new LinkedHashMap<>();
    for (String line : info.split("\r?\n")) {
      int colon = line.indexOf(':');
      int at = line.indexOf(",usec=", colon);
      if (!line.startsWith("cmdstat_") || colon < 0 || at < 0) {
        continue;
      }
      int end = line.indexOf(',', at + 1);
      micros.put(line.substring("cmdstat_".length(), colon), Long.parseLong(
          line.substring(at + ",usec=".length(), end < 0 ? line.length() : end)));
    }
    return micros;
  }

  /**
   * {@code count} topic names {@code bench-I}: the first on the first node, the next on the
   * second, and so on round the nodes, each the lowest-numbered name that node serves.
   */
  List<String> topics(int count) {
    List<String> topics = new ArrayList<>();
    for (int j = 0; j < count; j++) {
      List<int[]> ranges = slots.get(j % slots.size());
      for (int i = 0; ; i++) {
        String name = "bench-" + i;
        if (!topics.contains(name) && serves(ranges, slot(name))) {
          topics.add(name);
          break;
        }
      }
    }
    return List.copyOf(topics);
  }

  /** The index of the node that serves {@code topic}. */
  int nodeOf(String topic) {
    for (int i = 0; i < slots.size(); i++) {
      if (serves(slots.get(i), slot(topic))) {
        return i;
      }
    }
    throw new IllegalStateException("no node serves " + topic);
  }

  private static boolean serves(List<int[]> ranges, int slot) {
    return ranges.stream().anyMatch(range -> slot >= range[0] && slot <= range[1]);
  }

  /** The hash slot of {@code key} without a hash tag (or of a hash tag's content). */
  static int slot(String key) {
    return crc16(key.getBytes(StandardCharsets.UTF_8)) % SLOTS;
  }

  /** CRC16-CCITT (XModem), as Redis Cluster hashes keys. */
  static int crc16(byte[] bytes) {
    int crc = 0;
    for (byte b : bytes) {
      crc ^= (b & 0xff) << 8;
      for (int bit = 0; bit < 8; bit++) {
        crc = (crc & 0x8000) != 0 ? (crc << 1) ^ 0x1021 : crc << 1;
      }
      crc &= 0xffff;
    }
    return crc;
  }

  /**
   * The slot ranges of each master of a {@code CLUSTER NODES} answer, by its client port; slots
   * being imported or migrated ({@code [...]}) are left out.
   */
  static Map<Integer, List<int[]>> masterSlots(String clusterNodes) {
    Map<Integer, List<int[]>> byPort = new LinkedHashMap<>();
    for (String line : clusterNodes.split("\n")) {
      String[] fields = line.trim().split(" ");
      if (fields.length < 8 || !List.of(fields[2].split(",")).contains("master")) {
        continue;
      }
      String address = fields[1].split("@")[0];
      int port = Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
      List<int[]> ranges = new ArrayList<>();
      for (int i = 8; i < fields.length; i++) {
        if (fields[i].startsWith("[")) {
          continue;
        }
        String[] range = fields[i].split("-");
        ranges.add(new int[] {Integer.parseInt(range[0]),
            Integer.parseInt(range[range.length - 1])});
      }
      byPort.put(port, ranges);
    }
    return byPort;
  }

  private static String cli(Path redisCli, ServerProcess node, String... args)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(redisCli.toString(), "-h", "127.0.0.1", "-p",
        Integer.toString(node.port)));
    command.addAll(List.of(args));
    return run(command);
  }

  /** Runs {@code command}; its output, or an {@link IOException} with it when it fails. */
  private static String run(List<String> command) throws IOException, InterruptedException {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
      process.destroyForcibly();
      throw new IOException(String.join(" ", command) + " failed: " + output);
    }
    return output;
  }

  /**
   * A free loopback port whose bus port (plus 10,000) is free too, both below the ephemeral
   * range.
   */
  private static int freePortWithBusPort() throws IOException {
    InetAddress loopback = InetAddress.getLoopbackAddress();
    for (int attempt = 0; attempt < 100; attempt++) {
      int port = ServerProcess.freePort(10_000, 22_000, loopback);
      try (ServerSocket bus = new ServerSocket(port + BUS_PORT_OFFSET, 1, loopback)) {
        return port;
      } catch (IOException taken) {
        // Try another.
      }
    }
    throw new IOException("no free port with a free cluster bus port");
  }

  @Override
  public void close() throws InterruptedException {
    for (ServerProcess node : nodes) {
      node.close();
    }
  }
}
