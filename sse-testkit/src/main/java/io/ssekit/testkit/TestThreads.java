package io.ssekit.testkit;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads of a concurrent scenario: one per task, owned by the test and shut down with it.
 * The kit never runs its tasks on the common {@code ForkJoinPool}, whose size follows the
 * machine's cores: a scenario whose spinning tasks took every thread of it would never start
 * the rest.
 */
final class TestThreads implements AutoCloseable {
  private final ExecutorService executor;

  /** A pool of exactly {@code threads} daemon threads named {@code name-1}, {@code name-2}... */
  TestThreads(String name, int threads) {
    AtomicInteger count = new AtomicInteger();
    ThreadFactory factory = task -> {
      Thread thread = new Thread(task, name + "-" + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
    this.executor = Executors.newFixedThreadPool(threads, factory);
  }

  /** The executor to run the scenario's tasks on. */
  ExecutorService executor() {
    return executor;
  }

  /** Interrupts what still runs (a failed scenario's tasks) and waits briefly for it to stop. */
  @Override
  public void close() {
    executor.shutdownNow();
    try {
      executor.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
