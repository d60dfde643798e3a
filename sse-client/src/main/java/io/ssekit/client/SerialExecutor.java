package io.ssekit.client;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs tasks one at a time, in the order they were given, on the threads of another executor:
 * everything an {@link EventSource} does to its state runs here, so it needs no lock.
 */
final class SerialExecutor implements Executor {
  private static final System.Logger LOG = System.getLogger(EventSource.class.getName());

  private final Executor threads;
  private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
  private final AtomicInteger pending = new AtomicInteger();
  private volatile Thread runner;

  SerialExecutor(Executor threads) {
    this.threads = threads;
  }

  @Override
  public void execute(Runnable task) {
    tasks.add(task);
    if (pending.getAndIncrement() == 0) {
      threads.execute(this::drain);
    }
  }

  /** Whether the calling thread is running one of the tasks now. */
  boolean inTask() {
    return runner == Thread.currentThread();
  }

  private void drain() {
    runner = Thread.currentThread();
    try {
      do {
        Runnable task = tasks.poll();
        try {
          task.run();
        } catch (RuntimeException | Error e) {
          LOG.log(System.Logger.Level.ERROR, "an event source's task failed", e);
        }
      } while (pending.decrementAndGet() != 0);
    } finally {
      runner = null;
    }
  }
}
