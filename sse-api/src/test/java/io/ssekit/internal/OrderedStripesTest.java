package io.ssekit.internal;

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
class OrderedStripesTest {
  @Test
  void tasksOfOneKeyRunOneAfterAnotherEvenWhenTheyCompleteElsewhere() throws Exception {
    OrderedStripes stripes = new OrderedStripes(4);
    AtomicInteger running = new AtomicInteger();
    List<Integer> order = Collections.synchronizedList(new ArrayList<>());
    Executor later = CompletableFuture.delayedExecutor(1, TimeUnit.MILLISECONDS);
    List<CompletableFuture<Integer>> results = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      int n = i;
      results.add(stripes.submit("key", () -> {
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
    OrderedStripes stripes = new OrderedStripes(1);
    CompletableFuture<Void> gate = new CompletableFuture<>();
    stripes.submit("k", () -> gate);
    AtomicInteger count = new AtomicInteger();
    CompletionStage<Integer> last = null;
    for (int i = 0; i < 100_000; i++) {
      last = stripes.submit("k", () -> CompletableFuture.completedFuture(count.incrementAndGet()));
    }
    gate.complete(null);
    assertEquals(100_000, last.toCompletableFuture().join());
  }

  @Test
  void aFailingTaskDoesNotBlockTheNext() throws Exception {
    OrderedStripes stripes = new OrderedStripes(2);
    CompletionStage<Object> thrown = stripes.submit("k", () -> {
      throw new IllegalStateException("boom");
    });
    CompletionStage<Object> failed =
        stripes.submit("k", () -> CompletableFuture.failedFuture(new IllegalStateException("x")));
    CompletionStage<String> next = stripes.submit("k", () -> CompletableFuture.completedFuture("ok"));
    assertThrows(ExecutionException.class, () -> thrown.toCompletableFuture().get());
    assertThrows(ExecutionException.class, () -> failed.toCompletableFuture().get());
    assertEquals("ok", next.toCompletableFuture().get(5, TimeUnit.SECONDS));
  }
}
