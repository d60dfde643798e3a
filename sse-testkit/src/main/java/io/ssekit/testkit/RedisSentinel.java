package io.ssekit.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Redis behind Sentinel, of the test's own: a master and a replica ({@link RedisServer}s) and
 * three {@code redis-server --sentinel} processes watching them as {@value #MASTER_NAME}, each
 * on a free loopback port. The Sentinels consider a master down after
 * {@value #DOWN_AFTER_MILLIS} ms without an answer, so a failover takes a few seconds.
 */
public final class RedisSentinel implements TestRedis {
  /** The name the Sentinels know the master by. */
  public static final String MASTER_NAME = "ssekit";
  static final int DOWN_AFTER_MILLIS = 1000;
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(30);

  private final List<RedisServer> servers = new ArrayList<>();
  private final List<Process> sentinels = new ArrayList<>();
  private final List<Integer> sentinelPorts = new ArrayList<>();
  private final Path dir;

  private RedisSentinel(Path dir) {
    this.dir = dir;
  }

  /** Starts a master, one replica and three Sentinels, and waits until they see each other. */
  public static RedisSentinel start() {
    RedisSentinel redis;
    try {
      redis = new RedisSentinel(Files.createTempDirectory("redis-sentinel"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    try {
      RedisServer master = RedisServer.start();
      redis.servers.add(master);
      RedisServer replica = RedisServer.start("--replicaof", "127.0.0.1",
          Integer.toString(master.port()), "--repl-ping-replica-period", "1");
      redis.servers.add(replica);
      redis.await("the replica to sync", () -> replica.command("INFO", "replication")
          .contains("master_link_status:up"));
      for (int i = 0; i < 3; i++) {
        redis.startSentinel(i, master.port());
      }
      redis.await("the Sentinels to see the replica and each other", () ->
          redis.sentinelPorts.stream().allMatch(port -> {
            String quorum = RedisServer.command(port, "SENTINEL", "CKQUORUM", MASTER_NAME);
            String replicas = RedisServer.command(port, "SENTINEL", "REPLICAS", MASTER_NAME);
            return quorum.startsWith("+OK 3 usable") && !replicas.isEmpty()
                && !replicas.startsWith("*0");
          }));
      return redis;
    } catch (RuntimeException e) {
      redis.close();
      throw e;
    }
  }

  /**
   * {@code redis-sentinel://127.0.0.1:s1,127.0.0.1:s2,127.0.0.1:s3#ssekit}: every Sentinel.
   */
  @Override
  public String uri() {
    return "redis-sentinel://" + sentinelPorts.stream().map(port -> "127.0.0.1:" + port)
        .collect(Collectors.joining(",")) + "#" + MASTER_NAME;
  }

  /** The server the Sentinels name as the master now. */
  public RedisServer master() {
    String address = RedisServer.command(sentinelPorts.get(0), "SENTINEL",
        "GET-MASTER-ADDR-BY-NAME", MASTER_NAME);
    int port = Integer.parseInt(address.split("\n")[1]);
    return servers.stream().filter(server -> server.port() == port).findFirst()
        .orElseThrow(() -> new IllegalStateException("no server on port " + port));
  }

  /** The master and the replica, in the order they were started. */
  public List<RedisServer> servers() {
    return List.copyOf(servers);
  }

  /** Waits until the Sentinels name a running server other than {@code old} as the master. */
  public RedisServer awaitFailoverFrom(RedisServer old) {
    await("a new master", () -> {
      try {
        RedisServer now = master();
        return !now.equals(old) && now.isRunning()
            && now.command("ROLE").startsWith("master");
      } catch (RuntimeException notYet) {
        return false;
      }
    });
    return master();
  }

  @Override
  public void flushAll() {
    master().flushAll();
  }

  @Override
  public void killPubSubClients() {
    servers.stream().filter(RedisServer::isRunning).forEach(RedisServer::killPubSubClients);
  }

  @Override
  public void close() {
    sentinels.forEach(process -> {
      process.destroyForcibly();
      RedisServer.awaitExit(process);
    });
    servers.forEach(RedisServer::close);
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void startSentinel(int index, int masterPort) {
    int port = RedisServer.freeLoopbackPort();
    Path config = dir.resolve("sentinel-" + index + ".conf");
    Path log = dir.resolve("sentinel-" + index + ".log");
    try {
      Files.writeString(config, String.join("\n",
          "port " + port,
          "bind 127.0.0.1",
          "daemonize no",
          "dir " + dir,
          "logfile " + log,
          "sentinel monitor " + MASTER_NAME + " 127.0.0.1 " + masterPort + " 2",
          "sentinel down-after-milliseconds " + MASTER_NAME + " " + DOWN_AFTER_MILLIS,
          "sentinel failover-timeout " + MASTER_NAME + " 3000",
          "sentinel parallel-syncs " + MASTER_NAME + " 1",
          ""));
      Process process = new ProcessBuilder(RedisServer.binary(), config.toString(), "--sentinel")
          .redirectErrorStream(true).redirectOutput(dir.resolve("sentinel-" + index + ".out")
              .toFile()).start();
      sentinels.add(process);
      sentinelPorts.add(port);
      await("Sentinel " + index + " on port " + port, () -> {
        if (!process.isAlive()) {
          throw new IllegalStateException("redis-server --sentinel exited: "
              + RedisServer.readQuietly(log)
              + RedisServer.readQuietly(dir.resolve("sentinel-" + index + ".out")));
        }
        try {
          return RedisServer.command(port, "PING").equals("+PONG");
        } catch (UncheckedIOException notYet) {
          return false;
        }
      });
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start redis-server --sentinel", e);
    }
  }

  private void await(String what, BooleanSupplier condition) {
    long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("timed out waiting for " + what);
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
    }
  }

  @Override
  public String toString() {
    return "RedisSentinel[" + uri() + "]";
  }
}
