package io.ssekit.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClusterTest {
  @TempDir
  Path dir;

  @Test
  void instancesAndTheRedisClusterAreReadForTheClusterScenario() {
    Options defaults = Options.parse(new String[] {"cluster", "2000", "50", "10"});
    assertEquals(2, defaults.instances, "two instances unless told");
    assertTrue(defaults.redis, "cluster always keeps history and fanout in Redis");
    assertFalse(defaults.redisCluster, "one redis-server unless told");

    Options three = Options.parse(new String[] {"cluster", "2000", "50", "10", "--instances",
        "3", "--redis", "cluster"});
    assertEquals(3, three.instances);
    assertTrue(three.redisCluster);
    assertEquals(1, Options.parse(new String[] {"cluster", "1", "50", "10", "--instances", "1",
        "--redis", "on"}).instances);
  }

  @Test
  void instancesOutsideOneToThreeAreRefusedWithTheirValue() {
    for (String value : List.of("0", "4", "two", "-1")) {
      assertEquals("--instances takes 1, 2 or 3 (they share core 0 with Redis), was '" + value
          + "'", message("cluster", "2000", "50", "10", "--instances", value));
    }
    assertEquals("N must be a whole number of at least 3, was '2'",
        message("cluster", "2", "50", "10", "--instances", "3"), "a stream for each instance");
  }

  @Test
  void theClusterOptionsBelongToTheClusterScenarioWhichNeedsRedis() {
    assertEquals("--instances is for the cluster scenario",
        message("fanout", "2000", "50", "10", "--instances", "3"));
    assertEquals("--instances is for the cluster scenario",
        message("burst", "1000", "--instances", "2"), "even the default, when given");
    assertEquals("--redis cluster is for the cluster scenario",
        message("storm", "2000", "50", "--redis", "cluster"));
    assertEquals("cluster keeps history and fanout in Redis: --redis on (one redis-server, the"
        + " default) or --redis cluster (three masters)",
        message("cluster", "2000", "50", "10", "--redis", "off"));
    assertEquals("--redis takes on, off or cluster, was 'sharded'",
        message("cluster", "2000", "50", "10", "--redis", "sharded"));
  }

  @Test
  void theRedisProgramsAreFoundOnThePathOrNamedWithTheirPackage() throws IOException {
    Path bin = Files.createDirectories(dir.resolve("bin"));
    Path server = executable(bin.resolve("redis-server"));
    String path = "/nonexistent:" + bin;
    Options single = Options.parse(new String[] {"cluster", "2000", "50", "10"});
    assertEquals(List.of(server), single.redisPrograms(path));

    Options sharded = Options.parse(new String[] {"cluster", "2000", "50", "10", "--redis",
        "cluster"});
    assertEquals("cluster --redis cluster needs redis-cli on the PATH (Debian: apt-get install"
        + " redis-tools)", assertThrows(IllegalArgumentException.class,
            () -> sharded.redisPrograms(path)).getMessage());
    Files.writeString(bin.resolve("redis-cli"), "not executable");
    assertThrows(IllegalArgumentException.class, () -> sharded.redisPrograms(path),
        "a file that cannot run is not the program");
    Path cli = executable(bin.resolve("redis-cli"));
    assertEquals(List.of(server, cli), sharded.redisPrograms(path));

    assertEquals("cluster needs redis-server on the PATH (Debian: apt-get install"
        + " redis-server)", assertThrows(IllegalArgumentException.class,
            () -> single.redisPrograms("/nonexistent")).getMessage());
    assertEquals(List.of(), Options.parse(new String[] {"storm", "10", "5"})
        .redisPrograms("/nonexistent"), "a storm in memory needs no Redis");
    assertEquals(List.of(), Options.parse(new String[] {"fanout", "10", "5", "1", "--redis",
        "on"}).redisPrograms("/nonexistent"), "fanout starts no Redis");
  }

  @Test
  void streamsSpreadEvenlyAndARoundOfPublishesCoversEveryInstanceAndTopicOnce() {
    assertEquals(List.of(667, 667, 666), List.of(Cluster.share(2000, 3, 0),
        Cluster.share(2000, 3, 1), Cluster.share(2000, 3, 2)));
    assertEquals(2000, Cluster.share(2000, 1, 0));
    for (int instances = 1; instances <= 3; instances++) {
      Set<List<Integer>> pairs = new HashSet<>();
      int last = -1;
      for (int n = 0; n < instances * Cluster.TOPICS; n++) {
        int[] pair = Cluster.instanceAndTopic(n, instances, Cluster.TOPICS);
        pairs.add(List.of(pair[0], pair[1]));
        if (instances > 1) {
          assertNotEquals(last, pair[0], "every publish goes to the next instance");
        }
        last = pair[0];
      }
      assertEquals(instances * Cluster.TOPICS, pairs.size(), instances + " instances");
    }
  }

  @Test
  void anEventsTimeCarriesTheInstanceItWasPublishedOn() {
    long now = 123_456_789_012L;
    for (int origin = 0; origin < 4; origin++) {
      long stamped = Publisher.stamp(now, origin);
      assertEquals(origin, Publisher.origin(stamped));
      assertTrue(Math.abs(now - stamped) < 4, "a few nanoseconds off at most");
    }
    assertThrows(IllegalArgumentException.class,
        () -> new Publisher.Target(java.net.URI.create("http://127.0.0.1:1/publish"), "t", 4));
  }

  @Test
  void slotsAreRedisClusterHashSlotsAndTopicsSpreadOverTheMasters() {
    assertEquals(0x31C3, RedisNodes.crc16("123456789".getBytes(StandardCharsets.US_ASCII)));
    assertEquals(12182, RedisNodes.slot("foo"), "CLUSTER KEYSLOT foo");

    String nodes = """
        07c3 127.0.0.1:30004@40004 slave e7d1 0 1426238317239 4 connected
        67ed 127.0.0.1:30002@40002 master - 0 1426238316232 2 connected 5461-10922
        292f 127.0.0.1:30003@40003 master - 0 1426238318243 3 connected 10923-16383 [77->-e7d1]
        e7d1 127.0.0.1:30001@40001 myself,master - 0 0 1 connected 0-5460
        """;
    Map<Integer, List<int[]>> slots = RedisNodes.masterSlots(nodes);
    assertEquals(Set.of(30001, 30002, 30003), slots.keySet(), "masters only");
    assertEquals(List.of(10923, 16383), List.of(slots.get(30003).get(0)[0],
        slots.get(30003).get(0)[1]));
    assertEquals(1, slots.get(30003).size(), "a slot on the move is left out");

    RedisNodes cluster = new RedisNodes(List.of(), "redis+cluster://", List.of(slots.get(30001),
        slots.get(30002), slots.get(30003)));
    List<String> topics = cluster.topics(3);
    assertEquals(3, Set.copyOf(topics).size());
    for (int i = 0; i < topics.size(); i++) {
      assertEquals(i, cluster.nodeOf(topics.get(i)), topics.get(i) + " on the " + i + "th master");
    }
    RedisNodes single = new RedisNodes(List.of(), "redis://", List.of(List.of(new int[] {0,
        RedisNodes.SLOTS - 1})));
    assertEquals(List.of("bench-0", "bench-1", "bench-2"), single.topics(3));
  }

  @Test
  void theFleetRowSumsTheInstancesAndOwesEachStreamItsTopicsEvents() {
    assertEquals(100 * 334 + 100 * 333 + 100 * 333,
        Cluster.expected(new long[] {100, 100, 100}, new int[] {334, 333, 333}));
    Histogram a = new Histogram(3);
    a.recordValue(1000);
    Histogram crossing = new Histogram(3);
    crossing.recordValue(5000);
    Bench.Result first = new Bench.Result("ssekit-a", "cluster 2000 50 10", 1000, 0, 2000, 0,
        100 << 20, 50_000, 10, a, 500_000_000L, 300_000_000L, 50_000);
    Bench.Result second = new Bench.Result("ssekit-b", "cluster 2000 50 10", 1000, 1, 1000, 0,
        200 << 20, 49_000, 10.5, a, 700_000_000L, 310_000_000L, 50_000);

    Bench.Result fleet = Cluster.fleetRow("ssekit-fleet", "cluster 2000 50 10",
        List.of(first, second), crossing);
    assertEquals(2000, fleet.open());
    assertEquals(1, fleet.failed());
    assertEquals(99_000, fleet.delivered());
    assertEquals(1000, fleet.lost());
    assertEquals(10.5, fleet.seconds(), "the slower drain");
    assertEquals(2000 / 1.5, fleet.connectRate(), 1e-9, "0.5 s and 1 s of connecting");
    assertEquals(1_200_000_000L, fleet.serverCpuNanos());
    assertEquals(310_000_000L, fleet.loaderCpuNanos(), "one tool for every instance");
    assertEquals(5.0, fleet.percentileMillis(99), 0.01, "the crossing latencies");
    assertEquals(1.0, Cluster.fleetRow("ssekit-fleet", "cluster 1000 50 10", List.of(first),
        null).percentileMillis(99), 0.01, "one instance: its own");
  }

  @Test
  void redisSaysWhichCommandsThePhaseMadeAndHowLongItsAppendScriptTook() {
    String before = "# Commandstats\r\n"
        + "cmdstat_evalsha:calls=10,usec=500,usec_per_call=50.00,rejected_calls=0,failed_calls=0\r\n"
        + "cmdstat_xadd:calls=10,usec=100,usec_per_call=10.00,rejected_calls=0,failed_calls=0\r\n";
    String after = "# Commandstats\r\n"
        + "cmdstat_evalsha:calls=110,usec=4500,usec_per_call=40.91,rejected_calls=0,failed_calls=0\r\n"
        + "cmdstat_info:calls=1,usec=20,usec_per_call=20.00,rejected_calls=0,failed_calls=0\r\n"
        + "cmdstat_xadd:calls=110,usec=1100,usec_per_call=10.00,rejected_calls=0,failed_calls=0\r\n";

    assertEquals(Map.of("evalsha", 4500L, "info", 20L, "xadd", 1100L),
        RedisNodes.commandMicros(after));
    assertEquals("{evalsha=100, info=1, xadd=100}, evalsha 40.0 us each inside Redis",
        Cluster.commands(before, after));
    assertEquals("{info=1}", Cluster.commands(after, after.replace("info:calls=1",
        "info:calls=2")), "no script: the calls only");
  }

  @Test
  void aFreePortComesFromTheRangeAskedAndATakenRangeSaysSo() throws IOException {
    java.net.InetAddress loopback = java.net.InetAddress.getLoopbackAddress();
    int port = ServerProcess.freePort(10_000, 32_000, loopback);
    assertTrue(port >= 10_000 && port < 32_000, "below the ephemeral range: " + port);
    try (java.net.ServerSocket taken = new java.net.ServerSocket(port, 1, loopback)) {
      assertEquals("no free port from " + port + " to " + (port + 1),
          assertThrows(IOException.class,
              () -> ServerProcess.freePort(port, port + 1, loopback)).getMessage());
    }
  }

  private static String message(String... args) {
    return assertThrows(IllegalArgumentException.class, () -> Options.parse(args)).getMessage();
  }

  private static Path executable(Path file) throws IOException {
    Files.writeString(file, "#!/bin/sh\n");
    assertTrue(file.toFile().setExecutable(true));
    return file;
  }
}
