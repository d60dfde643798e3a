package io.ssekit.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;

/**
 * A Redis Cluster of the test's own: masters, with or without replicas, each node a {@link
 * RedisServer} in cluster mode on a free loopback port, joined with {@code redis-cli --cluster create} (the
 * binary beside {@code REDIS_SERVER} when that is set, else {@code redis-cli} on the PATH).
 */
public final class RedisCluster implements TestRedis {
  private static final Duration FORM_TIMEOUT = Duration.ofSeconds(30);

  private final List<RedisServer> nodes;

  private RedisCluster(List<RedisServer> nodes) {
    this.nodes = nodes;
  }

  /** Starts {@code masters} nodes (at least 3, as Redis requires) and forms the cluster. */
  public static RedisCluster start(int masters) {
    return start(masters, 0);
  }

  /**
   * Starts {@code masters} masters (at least 3) with {@code replicas} replicas each and forms
   * the cluster. A master killed with {@link RedisServer#kill} is replaced by its replica after
   * the cluster's node timeout (2 s) and a vote.
   */
  public static RedisCluster start(int masters, int replicas) {
    if (masters < 3) {
      throw new IllegalArgumentException("a Redis Cluster needs 3 masters at least, not " + masters);
    }
    List<RedisServer> nodes = new ArrayList<>();
    try {
      for (int i = 0; i < masters * (1 + replicas); i++) {
        nodes.add(RedisServer.startClusterNode());
      }
      RedisCluster cluster = new RedisCluster(List.copyOf(nodes));
      cluster.form(replicas);
      return cluster;
    } catch (RuntimeException e) {
      nodes.forEach(RedisServer::close);
      throw e;
    }
  }

  /** {@code redis+cluster://127.0.0.1:p1,127.0.0.1:p2,...}: every node as a seed. */
  @Override
  public String uri() {
    return "redis+cluster://" + nodes.stream().map(node -> "127.0.0.1:" + node.port())
        .collect(Collectors.joining(","));
  }

  public List<RedisServer> nodes() {
    return nodes;
  }

  /** The master that serves {@code key} (or a shard channel of that name) now. */
  public RedisServer nodeOf(String key) {
    int slot = Integer.parseInt(running().get(0).command("CLUSTER", "KEYSLOT", key).substring(1));
    for (RedisServer node : running()) {
      for (String line : node.command("CLUSTER", "NODES").split("\n")) {
        String[] fields = line.trim().split(" ");
        if (fields.length > 2 && fields[2].contains("myself") && servesSlot(fields, slot)) {
          return node;
        }
      }
    }
    throw new IllegalStateException("no node serves slot " + slot + " of " + key);
  }

  /**
   * Moves the hash slot of {@code key} to {@code target} as resharding does: marks it importing
   * and migrating, moves its keys with {@code MIGRATE}, then assigns it on every node. Clients
   * subscribed to its shard channels on the old node are unsubscribed by Redis.
   */
  public void moveSlotOf(String key, RedisServer target) {
    RedisServer source = nodeOf(key);
    if (source.equals(target)) {
      throw new IllegalArgumentException(key + " is on " + target + " already");
    }
    String slot = nodes.get(0).command("CLUSTER", "KEYSLOT", key).substring(1);
    String sourceId = source.command("CLUSTER", "MYID");
    String targetId = target.command("CLUSTER", "MYID");
    expectOk(target.command("CLUSTER", "SETSLOT", slot, "IMPORTING", sourceId));
    expectOk(source.command("CLUSTER", "SETSLOT", slot, "MIGRATING", targetId));
    while (true) {
      String keys = source.command("CLUSTER", "GETKEYSINSLOT", slot, "100");
      if (keys.isEmpty()) {
        break;
      }
      List<String> migrate = new ArrayList<>(List.of("MIGRATE", "127.0.0.1",
          Integer.toString(target.port()), "", "0", "5000", "KEYS"));
      migrate.addAll(List.of(keys.split("\n")));
      expectOk(source.command(migrate.toArray(String[]::new)));
    }
    for (RedisServer node : List.of(target, source)) {
      expectOk(node.command("CLUSTER", "SETSLOT", slot, "NODE", targetId));
    }
    for (RedisServer node : nodes) {
      if (!node.equals(target) && !node.equals(source)) {
        expectOk(node.command("CLUSTER", "SETSLOT", slot, "NODE", targetId));
      }
    }
  }

  private static void expectOk(String reply) {
    if (!reply.equals("+OK")) {
      throw new IllegalStateException("Redis answered " + reply);
    }
  }

  @Override
  public void flushAll() {
    running().stream().filter(node -> node.command("ROLE").startsWith("master"))
        .forEach(RedisServer::flushAll);
  }

  @Override
  public void killPubSubClients() {
    running().forEach(RedisServer::killPubSubClients);
  }

  /** The nodes whose process runs. */
  private List<RedisServer> running() {
    return nodes.stream().filter(RedisServer::isRunning).toList();
  }

  /**
   * Waits until every running node says the cluster is ok again (after a node restarted, or a
   * replica took over a killed master).
   */
  public void awaitHealthy() {
    long deadline = System.nanoTime() + FORM_TIMEOUT.toNanos();
    while (!running().stream().allMatch(RedisCluster::healthy)) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the cluster did not become healthy: " + running()
            .stream().map(node -> node.port() + ": " + node.command("CLUSTER", "INFO").lines()
                .filter(line -> line.startsWith("cluster_state")).findFirst().orElse("?"))
            .collect(Collectors.joining("; ")));
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
    }
  }

  @Override
  public void close() {
    nodes.forEach(RedisServer::close);
  }

  private void form(int replicas) {
    List<String> command = new ArrayList<>(List.of(cliBinary(), "--cluster", "create"));
    nodes.forEach(node -> command.add("127.0.0.1:" + node.port()));
    command.addAll(List.of("--cluster-replicas", Integer.toString(replicas), "--cluster-yes"));
    try {
      Process cli = new ProcessBuilder(command).redirectErrorStream(true).start();
      String output = new String(cli.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!cli.waitFor(FORM_TIMEOUT.toSeconds(), TimeUnit.SECONDS) || cli.exitValue() != 0) {
        throw new IllegalStateException("redis-cli --cluster create failed: " + output);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + command.get(0) + " (Debian package "
          + "redis-tools)", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while forming the cluster", e);
    }
    awaitHealthy();
  }

  private static boolean healthy(RedisServer node) {
    String info = node.command("CLUSTER", "INFO");
    return info.contains("cluster_state:ok") && info.contains("cluster_slots_ok:16384");
  }

  private static boolean servesSlot(String[] fields, int slot) {
    for (int i = 8; i < fields.length; i++) {
      if (fields[i].startsWith("[")) {
        continue; // a slot being imported or migrated
      }
      String[] range = fields[i].split("-");
      int from = Integer.parseInt(range[0]);
      int to = range.length > 1 ? Integer.parseInt(range[1]) : from;
      if (slot >= from && slot <= to) {
        return true;
      }
    }
    return false;
  }

  private static String cliBinary() {
    String server = System.getenv("REDIS_SERVER");
    if (server != null) {
      Path sibling = Path.of(server).resolveSibling("redis-cli");
      if (sibling.toFile().canExecute()) {
        return sibling.toString();
      }
    }
    return "redis-cli";
  }

  @Override
  public String toString() {
    return "RedisCluster[" + uri() + "]";
  }
}
