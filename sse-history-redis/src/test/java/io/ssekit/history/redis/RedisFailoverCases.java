package io.ssekit.history.redis;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ssekit.SseHub;
import io.ssekit.fanout.redis.RedisFanout;
import io.ssekit.testkit.RecordingSink;
import io.ssekit.testkit.RedisServer;
import io.ssekit.testkit.TestRedis;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A master killed with SIGKILL and its replica promoted while publishers publish and streams
 * read: the history and the fanout follow the promoted master. Run behind Sentinel and on a
 * Redis Cluster with replicas.
 */
abstract class RedisFailoverCases {
  static final Duration WAIT = Duration.ofSeconds(90);
  static final String[] TOPICS = {"fail/a", "fail/b"};

  final List<AutoCloseable> open = new ArrayList<>();

  /** The Redis of the running test. */
  abstract TestRedis redis();

  /** The master that serves {@code topic} now. */
  abstract RedisServer masterOf(String topic);

  /** Kills the master that serves {@code topic} with SIGKILL; returns which one it was. */
  abstract RedisServer killMasterOf(String topic);

  /** Waits until a replica of {@code killed} serves as master. */
  abstract void awaitFailoverFrom(RedisServer killed);

  @AfterEach
  void closeAll() throws Exception {
    for (int i = open.size() - 1; i >= 0; i--) {
      open.get(i).close();
    }
  }

  SseHub instance() {
    SseHub hub = SseHub.builder()
        .history(RedisEventHistory.builder().uri(redis().uri()).maxEventsPerTopic(10_000)
            .build())
        .fanout(RedisFanout.builder().uri(redis().uri()).build())
        .build();
    open.add(hub);
    return hub;
  }

  @Test
  void aMasterKilledUnderLoadFailsPublishesFastThenEveryAcknowledgedEventReachesEveryStream()
      throws Exception {
    RedisServer[] killed = new RedisServer[1];
    Outcome outcome = underLoad("master killed", () -> killed[0] = killMasterOf(TOPICS[0]),
        () -> awaitFailoverFrom(killed[0]));
    assertTrue(outcome.failed() > 0, "publishes failed while there was no master");
  }

  @Test
  void everyConnectionCutUnderLoadLosesNothingAndResetsNoStream() throws Exception {
    Outcome outcome = underLoad("every client connection cut", () -> {
      RedisServer master = masterOf(TOPICS[0]);
      master.command("CLIENT", "KILL", "TYPE", "pubsub");
      master.command("CLIENT", "KILL", "TYPE", "normal");
    }, () -> { });
    assertEquals(0, outcome.resets(), "nothing was lost, so no stream is reset");
  }

  /** What a fault under load did. */
  record Outcome(int failed, int resets) {}

  /**
   * Two instances, 20 streams of both topics and 4 publishers, then {@code fault}, and {@code
   * whole} waits until Redis is whole again; then every stream must get every event whose
   * publish succeeded, once, or an {@code sse-reset}, and stay open. Prints how long Redis and
   * the publishes took to recover.
   */
  Outcome underLoad(String what, Runnable fault, Runnable whole) throws Exception {
    List<SseHub> hubs = List.of(instance(), instance());
    List<RecordingSink> streams = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      RecordingSink sink = new RecordingSink();
      hubs.get(i % 2).subscribe(List.of(TOPICS), null, sink);
      streams.add(sink);
    }
    await().atMost(WAIT).until(() -> streams.stream().noneMatch(s -> s.frames().isEmpty()));

    Set<String> acknowledged = ConcurrentHashMap.newKeySet();
    AtomicInteger failed = new AtomicInteger();
    AtomicLong slowestFailureNanos = new AtomicLong();
    AtomicLong faultAt = new AtomicLong();
    AtomicLong firstSuccessAfterFault = new AtomicLong();
    AtomicInteger successesAfterFault = new AtomicInteger();
    AtomicBoolean stop = new AtomicBoolean();
    ExecutorService publishers = Executors.newFixedThreadPool(4);
    List<Future<?>> running = new ArrayList<>();
    for (int p = 0; p < 4; p++) {
      int publisher = p;
      running.add(publishers.submit(() -> {
        SseHub hub = hubs.get(publisher % 2);
        String topic = TOPICS[publisher % 2];
        for (int i = 0; !stop.get(); i++) {
          String data = topic + "|" + publisher + "-" + i;
          long started = System.nanoTime();
          try {
            hub.publish(topic, data).toCompletableFuture().get(20, TimeUnit.SECONDS);
            acknowledged.add(data);
            long at = faultAt.get();
            if (at != 0 && started > at && topic.equals(TOPICS[0])) {
              firstSuccessAfterFault.compareAndSet(0, System.nanoTime());
              successesAfterFault.incrementAndGet();
            }
          } catch (Exception e) {
            failed.incrementAndGet();
            slowestFailureNanos.accumulateAndGet(System.nanoTime() - started, Math::max);
          }
          LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20)); // about 50 a second each
        }
        return null;
      }));
    }
    await().atMost(WAIT).until(() -> acknowledged.size() >= 80);

    fault.run();
    faultAt.set(System.nanoTime()); // publishes started from now on went to a broken Redis
    whole.run();
    long wholeAfter = (System.nanoTime() - faultAt.get()) / 1_000_000;
    await().atMost(WAIT).until(() -> successesAfterFault.get() >= 80);
    stop.set(true);
    for (Future<?> publisher : running) {
      publisher.get(30, TimeUnit.SECONDS);
    }
    publishers.shutdown();

    for (RecordingSink stream : streams) {
      await().atMost(WAIT).until(() -> hasEveryOrWasReset(stream, acknowledged));
      assertFalse(stream.ended(), "the stream goes on");
      List<String> data = stream.data();
      assertEquals(new HashSet<>(data).size(), data.size(), "no event twice");
    }
    int resets = (int) streams.stream().filter(RedisFailoverCases::wasReset).count();
    System.out.printf("%s, %s: Redis whole again after %d ms; publishes to the topic succeeded"
        + " again %d ms after the fault; %d publishes failed meanwhile, the slowest failure took"
        + " %d ms; %d acknowledged in all; %d of %d streams got sse-reset%n",
        getClass().getSimpleName(), what, wholeAfter,
        (firstSuccessAfterFault.get() - faultAt.get()) / 1_000_000, failed.get(),
        slowestFailureNanos.get() / 1_000_000, acknowledged.size(), resets, streams.size());
    return new Outcome(failed.get(), resets);
  }

  static boolean wasReset(RecordingSink stream) {
    return stream.frames().stream().anyMatch(f -> "sse-reset".equals(f.event()));
  }

  static boolean hasEveryOrWasReset(RecordingSink stream, Set<String> acknowledged) {
    return wasReset(stream) || stream.data().containsAll(acknowledged);
  }
}
