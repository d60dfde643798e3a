package io.ssekit.history.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ssekit.spi.Settings;
import io.ssekit.spi.StoredEvent;
import io.ssekit.testkit.RedisServer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code replicas}: an append completes once replicas confirmed it ({@code WAIT}). */
class RedisReplicationTest {
  RedisServer master;
  RedisServer replica;

  @BeforeEach
  void startMasterAndReplica() {
    master = RedisServer.start();
    replica = RedisServer.start("--replicaof", "127.0.0.1", Integer.toString(master.port()));
    Awaitility.await().atMost(Duration.ofSeconds(30)).until(() ->
        replica.command("INFO", "replication").contains("master_link_status:up"));
  }

  @AfterEach
  void stop() {
    replica.close();
    master.close();
  }

  @Test
  void anAppendThatWaitsForTheReplicaIsOnTheReplicaWhenItCompletes() throws Exception {
    try (RedisEventHistory history = RedisEventHistory.builder().uri(master.uri())
        .replicas(1).replicaTimeout(Duration.ofSeconds(2)).build()) {
      for (int i = 0; i < 20; i++) {
        StoredEvent event = history.append("r", null, "e" + i).toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
        // Read from the replica at once: WAIT said it has the write.
        assertEquals(Integer.toString(i + 1), replica.command("XLEN", "ssekit:{r}:s")
            .substring(1), "event " + event.position() + " is on the replica");
      }
    }
  }

  @Test
  void whenTheReplicaDoesNotConfirmTheAppendFailsSayingTheEventMayStillBeStored()
      throws Exception {
    try (RedisEventHistory history = RedisEventHistory.builder().uri(master.uri())
        .replicas(1).replicaTimeout(Duration.ofMillis(100)).build()) {
      history.append("r", null, "before").toCompletableFuture().get(10, TimeUnit.SECONDS);
      replica.kill();
      Awaitility.await().atMost(Duration.ofSeconds(30)).until(() ->
          master.command("INFO", "replication").contains("connected_slaves:0"));

      ExecutionException failure = assertThrows(ExecutionException.class,
          () -> history.append("r", null, "after").toCompletableFuture()
              .get(10, TimeUnit.SECONDS));
      ReplicationException short_ = assertInstanceOf(ReplicationException.class,
          failure.getCause() instanceof CompletionException c ? c.getCause() : failure.getCause());
      assertEquals("after", short_.event().data());
      assertEquals("event " + short_.event().position() + " of topic r is stored on the master,"
          + " but only 0 of 1 replicas confirmed it within 100 ms; it may still be kept and"
          + " delivered, or be lost if the master fails now", short_.getMessage());
      assertEquals(":2", master.command("XLEN", "ssekit:{r}:s"), "the master has it");
    }
  }

  @Test
  void replicasIsASettingOfTheProviderNamedWhenBad() {
    IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
        () -> new RedisEventHistoryProvider().create(Settings.of(Map.of(
            "uri", master.uri(), "replicas", "-1"))));
    assertTrue(bad.getMessage().contains("replicas must be a whole number, 0 or more, was '-1'"),
        bad.getMessage());
    IllegalArgumentException cluster = assertThrows(IllegalArgumentException.class,
        () -> RedisEventHistory.builder().uri("redis+cluster://127.0.0.1:7000").replicas(1)
            .build());
    assertTrue(cluster.getMessage().startsWith("replicas is not supported on a Redis Cluster"),
        cluster.getMessage());
    IllegalArgumentException underAMillisecond = assertThrows(IllegalArgumentException.class,
        () -> RedisEventHistory.builder().replicaTimeout(Duration.ofNanos(500)));
    assertTrue(underAMillisecond.getMessage().startsWith("replicaTimeout must be at least 1 ms"),
        underAMillisecond.getMessage());
  }

  /**
   * Not a check: prints what waiting for the replica costs a publisher that appends one event
   * after the other, on loopback.
   */
  @Test
  void whatWaitingForTheReplicaCosts() throws Exception {
    int count = 2000;
    for (int replicas : new int[] {0, 1, 0, 1}) {
      // A long replicaTimeout: on a loaded machine a confirmation can take over 100 ms, and
      // this measures how long confirmations take, not how often they are late.
      try (RedisEventHistory history = RedisEventHistory.builder().uri(master.uri())
          .replicas(replicas).replicaTimeout(Duration.ofSeconds(5)).build()) {
        history.append("cost", null, "warm-up").toCompletableFuture().get(10, TimeUnit.SECONDS);
        long started = System.nanoTime();
        for (int i = 0; i < count; i++) {
          history.append("cost", null, "event " + i).toCompletableFuture()
              .get(10, TimeUnit.SECONDS);
        }
        long nanos = System.nanoTime() - started;
        System.out.printf("replicas=%d: %d appends one after the other, %.0f µs each, %.0f a"
            + " second%n", replicas, count, nanos / 1000.0 / count, count * 1e9 / nanos);
        started = System.nanoTime();
        java.util.concurrent.Semaphore inFlight = new java.util.concurrent.Semaphore(64);
        for (int i = 0; i < count * 5; i++) {
          inFlight.acquire();
          history.append("cost", null, "event " + i).whenComplete((e, f) -> inFlight.release());
        }
        inFlight.acquire(64);
        nanos = System.nanoTime() - started;
        System.out.printf("replicas=%d: %d appends, 64 in flight, %.0f a second%n", replicas,
            count * 5, count * 5 * 1e9 / nanos);
      }
    }
  }
}
