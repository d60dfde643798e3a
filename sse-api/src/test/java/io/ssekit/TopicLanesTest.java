package io.ssekit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class TopicLanesTest {
  @Test
  void tasksOfOneKeyRunOneAfterAnotherEvenWhenTheyCompleteElsewhere() throws Exception {
    TopicLanes lanes = new TopicLanes();
    AtomicInteger running = new AtomicInteger();
    List<Integer> order = Collections.synchronizedList(new ArrayList<>());
    Executor later = CompletableFuture.delayedExecutor(1, TimeUnit.MILLISECONDS);
    List<CompletableFuture<Integer>> results = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      int n = i;
      results.add(lanes.submit("key", () -> {
        assertEquals(1, running.incrementAndGet(), "only one task of a key at a time");
        order.add(n);
        return CompletableFuture.supplyAsync(() -> {
          running.decrementAndGet();
          return n;
        }, later);
      }).toCompletableFuture());
    }
    for (int i = 0; i < 50; i++) {
      assertEquals(i, results.get(i).get(10, TimeUnit.SECONDS));
    }
    assertEquals(50, order.size());
    for (int i = 0; i < 50; i++) {
      assertEquals(i, order.get(i));
    }
  }

  @Test
  void aLongChainOfSynchronousTasksDoesNotGrowTheStack() {
    TopicLanes lanes = new TopicLanes();
    CompletableFuture<Void> gate = new CompletableFuture<>();
    lanes.submit("k", () -> gate);
    AtomicInteger count = new AtomicInteger();
    CompletionStage<Integer> last = null;
    for (int i = 0; i < 100_000; i++) {
      last = lanes.submit("k", () -> CompletableFuture.completedFuture(count.incrementAndGet()));
    }
    gate.complete(null);
    assertEquals(100_000, last.toCompletableFuture().join());
  }

  @Test
  void aFailingTaskDoesNotBlockTheNext() throws Exception {
    TopicLanes lanes = new TopicLanes();
    CompletionStage<Object> thrown = lanes.submit("k", () -> {
      throw new IllegalStateException("boom");
    });
    CompletionStage<Object> failed =
        lanes.submit("k", () -> CompletableFuture.failedFuture(new IllegalStateException("x")));
    CompletionStage<String> next = lanes.submit("k", () -> CompletableFuture.completedFuture("ok"));
    assertThrows(ExecutionException.class, () -> thrown.toCompletableFuture().get());
    assertThrows(ExecutionException.class, () -> failed.toCompletableFuture().get());
    assertEquals("ok", next.toCompletableFuture().get(5, TimeUnit.SECONDS));
  }

  @Test
  void aKeyThatWaitsNeverHoldsAnotherKeyBack() throws Exception {
    TopicLanes lanes = new TopicLanes();
    CompletableFuture<Void> stuck = new CompletableFuture<>();
    lanes.submit("a", () -> stuck);
    CompletionStage<String> behindA = lanes.submit("a", () -> CompletableFuture.completedFuture("a"));
    for (int i = 0; i < 1000; i++) {
      String key = "other-" + i;
      assertEquals(key, lanes.submit(key, () -> CompletableFuture.completedFuture(key))
          .toCompletableFuture().getNow(null), "a key that waits holds no other key back");
    }
    assertEquals(false, behindA.toCompletableFuture().isDone());
    assertEquals(1, lanes.activeKeys(), "only the waiting key keeps a lane");
    stuck.complete(null);
    assertEquals("a", behindA.toCompletableFuture().get(5, TimeUnit.SECONDS));
    assertEquals(0, lanes.activeKeys(), "a key without tasks keeps no lane");
  }

  @Test
  void concurrentSubmittersOfOneKeyNeverRunTwoTasksAtOnce() throws Exception {
    TopicLanes lanes = new TopicLanes();
    AtomicInteger running = new AtomicInteger();
    AtomicInteger overlaps = new AtomicInteger();
    AtomicInteger ran = new AtomicInteger();
    java.util.concurrent.ExecutorService submitters =
        java.util.concurrent.Executors.newFixedThreadPool(4);
    try {
      List<java.util.concurrent.Future<?>> done = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        done.add(submitters.submit(() -> {
          for (int i = 0; i < 5000; i++) {
            lanes.submit("k", () -> {
              if (running.incrementAndGet() != 1) {
                overlaps.incrementAndGet();
              }
              ran.incrementAndGet();
              running.decrementAndGet();
              return CompletableFuture.completedFuture(null);
            });
          }
        }));
      }
      for (java.util.concurrent.Future<?> f : done) {
        f.get(20, TimeUnit.SECONDS);
      }
    } finally {
      submitters.shutdown();
    }
    assertEquals(20_000, ran.get());
    assertEquals(0, overlaps.get());
    assertEquals(0, lanes.activeKeys());
  }
}
