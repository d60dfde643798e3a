package io.ssekit;

import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Runs asynchronous tasks one after another per key: a task starts only when the previous task
 * of its key has completed, and a key's wait never holds another key back. A key has a lane only
 * while it has tasks, so memory follows the keys in use, not every key ever seen. Tasks that
 * complete synchronously run in a loop, not by recursion.
 *
 * <p>A lane's queue and its running mark change only inside the map's per-key {@code compute},
 * so the lane that decides it is empty and the submitter that adds to it cannot miss each other.
 */
final class TopicLanes {
  private final ConcurrentHashMap<String, Lane> lanes = new ConcurrentHashMap<>();

  /**
   * Runs {@code task} after every task submitted before for {@code key} has completed.
   *
   * @return a stage completed as the task's stage is
   */
  <T> CompletionStage<T> submit(String key, Supplier<? extends CompletionStage<T>> task) {
    CompletableFuture<T> result = new CompletableFuture<>();
    Supplier<CompletableFuture<Void>> job = () -> {
      CompletableFuture<Void> done = new CompletableFuture<>();
      CompletionStage<T> stage;
      try {
        stage = task.get();
      } catch (Throwable t) {
        stage = CompletableFuture.failedFuture(t);
      }
      stage.whenComplete((value, error) -> {
        // The caller hears of this task before the lane runs the next one.
        if (error != null) {
          result.completeExceptionally(error);
        } else {
          result.complete(value);
        }
        done.complete(null);
      });
      return done;
    };
    boolean[] start = new boolean[1];
    Lane lane = lanes.compute(key, (k, existing) -> {
      Lane current = existing != null ? existing : new Lane();
      current.jobs.add(job);
      start[0] = !current.running;
      current.running = true;
      return current;
    });
    if (start[0]) {
      run(key, lane);
    }
    return result;
  }

  /** The number of keys with tasks queued or running. */
  int activeKeys() {
    return lanes.size();
  }

  /** Runs {@code lane}'s tasks while they complete at once; goes on when one completes later. */
  private void run(String key, Lane lane) {
    while (true) {
      Supplier<CompletableFuture<Void>> next = next(key, lane);
      if (next == null) {
        return;
      }
      CompletableFuture<Void> done = next.get();
      if (!done.isDone()) {
        done.whenComplete((v, e) -> run(key, lane));
        return;
      }
    }
  }

  /** The lane's next task, or {@code null} after removing the lane, which has no more. */
  private Supplier<CompletableFuture<Void>> next(String key, Lane lane) {
    Object[] next = new Object[1];
    lanes.compute(key, (k, current) -> {
      next[0] = lane.jobs.poll();
      if (next[0] != null) {
        return lane;
      }
      lane.running = false;
      return null;
    });
    @SuppressWarnings("unchecked")
    Supplier<CompletableFuture<Void>> job = (Supplier<CompletableFuture<Void>>) next[0];
    return job;
  }

  /** One key's tasks; changed only inside {@code compute} for its key. */
  private static final class Lane {
    final ArrayDeque<Supplier<CompletableFuture<Void>>> jobs = new ArrayDeque<>(2);
    boolean running;
  }
}
