package io.ssekit;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * Admits publishes at the pace of the streams' writers: while a registered {@link PublishPace}
 * is behind, publishes wait here, in the order they came, before they reach a topic's lane. A
 * wait holds no topic's order and no thread. With no pace registered, or none behind, a publish
 * goes through at once.
 */
final class PublishGate {
  private final List<PublishPace> paces = new CopyOnWriteArrayList<>();
  private final ConcurrentLinkedQueue<Runnable> waiting = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean draining = new AtomicBoolean();

  /** Registers {@code pace}; the returned action removes it. */
  Runnable add(PublishPace pace) {
    paces.add(pace);
    return () -> {
      paces.remove(pace);
      drain();
    };
  }

  /**
   * Runs {@code task} now, or once no pace is behind and the publishes that came before have
   * gone through.
   */
  <T> CompletionStage<T> admit(Supplier<CompletionStage<T>> task) {
    // Waiting first, then draining: a publish a drainer has taken off the queue keeps the
    // draining mark set until it has run, so a later publish of the same caller waits behind it.
    if (waiting.isEmpty() && !draining.get() && blocker() == null) {
      return task.get();
    }
    CompletableFuture<T> result = new CompletableFuture<>();
    waiting.add(() -> {
      try {
        task.get().whenComplete((value, failure) -> {
          if (failure != null) {
            result.completeExceptionally(failure);
          } else {
            result.complete(value);
          }
        });
      } catch (RuntimeException e) {
        result.completeExceptionally(e);
      }
    });
    drain();
    return result;
  }

  /** Lets waiting publishes through while no pace is behind; one drainer at a time. */
  private void drain() {
    while (!waiting.isEmpty() && draining.compareAndSet(false, true)) {
      CompletionStage<Void> wait;
      try {
        Runnable next;
        while ((wait = blocker()) == null && (next = waiting.poll()) != null) {
          next.run();
        }
      } finally {
        draining.set(false);
      }
      if (wait != null) {
        wait.whenComplete((done, failure) -> drain());
        return;
      }
    }
  }

  /** The stage of the first pace that is behind, or {@code null} when none is. */
  private CompletionStage<Void> blocker() {
    for (PublishPace pace : paces) {
      CompletionStage<Void> behind = pace.behind();
      if (behind != null) {
        return behind;
      }
    }
    return null;
  }
}
