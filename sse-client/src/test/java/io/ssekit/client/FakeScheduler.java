package io.ssekit.client;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** A clock that moves only when a test advances it, running what falls due on the test's thread. */
final class FakeScheduler implements Scheduler {
  private final List<Task> tasks = new ArrayList<>();
  private final List<Duration> delays = new ArrayList<>();
  private Instant now = Instant.parse("2030-01-01T00:00:00Z");
  private long sequence;

  private final class Task implements Cancellable {
    final Instant due;
    final long order;
    final Duration delay;
    final Runnable run;

    Task(Instant due, long order, Duration delay, Runnable run) {
      this.due = due;
      this.order = order;
      this.delay = delay;
      this.run = run;
    }

    @Override
    public void cancel() {
      synchronized (FakeScheduler.this) {
        tasks.remove(this);
      }
    }
  }

  @Override
  public synchronized Instant now() {
    return now;
  }

  @Override
  public synchronized Cancellable schedule(Duration delay, Runnable task) {
    Task scheduled = new Task(now.plus(delay), sequence++, delay, task);
    tasks.add(scheduled);
    delays.add(delay);
    return scheduled;
  }

  /** Moves the clock on, running each task that falls due in its turn. */
  void advance(Duration by) {
    Instant until;
    synchronized (this) {
      until = now.plus(by);
    }
    while (true) {
      Task next;
      synchronized (this) {
        next = tasks.stream()
            .filter(task -> !task.due.isAfter(until))
            .min(Comparator.comparing((Task task) -> task.due).thenComparingLong(task -> task.order))
            .orElse(null);
        if (next == null) {
          now = until;
          return;
        }
        tasks.remove(next);
        if (next.due.isAfter(now)) {
          now = next.due;
        }
      }
      next.run.run();
    }
  }

  /** The delays of the pending tasks. */
  synchronized List<Duration> pendingDelays() {
    return tasks.stream().map(task -> task.delay).toList();
  }

  /** Every delay asked for so far, in order. */
  synchronized List<Duration> delays() {
    return List.copyOf(delays);
  }
}
