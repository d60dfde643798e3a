package io.ssekit.internal;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * Runs asynchronous tasks one after another per key: a task starts only when the previous task
 * of its stripe has completed. Keys share a fixed number of stripes, so memory does not grow with
 * the number of keys. Tasks that complete synchronously run in a loop, not by recursion.
 */
public final class OrderedStripes {
  private final Stripe[] stripes;

  /** With {@code count} stripes, a power of two. */
  public OrderedStripes(int count) {
    if (Integer.bitCount(count) != 1) {
      throw new IllegalArgumentException("stripe count must be a power of two, was " + count);
    }
    stripes = new Stripe[count];
    for (int i = 0; i < count; i++) {
      stripes[i] = new Stripe();
    }
  }

  /**
   * Runs {@code task} after every task submitted before for a key of the same stripe has
   * completed.
   *
   * @return a stage completed as the task's stage is
   */
  public <T> CompletionStage<T> submit(String key, Supplier<? extends CompletionStage<T>> task) {
    int h = key.hashCode();
    Stripe stripe = stripes[(h ^ (h >>> 16)) & (stripes.length - 1)];
    CompletableFuture<T> result = new CompletableFuture<>();
    stripe.queue.add(() -> {
      CompletableFuture<Void> done = new CompletableFuture<>();
      CompletionStage<T> stage;
      try {
        stage = task.get();
      } catch (Throwable t) {
        stage = CompletableFuture.failedFuture(t);
      }
      stage.whenComplete((value, error) -> {
        // The caller hears of this task before the stripe runs the next one.
        if (error != null) {
          result.completeExceptionally(error);
        } else {
          result.complete(value);
        }
        done.complete(null);
      });
      return done;
    });
    stripe.drain();
    return result;
  }

  private static final class Stripe {
    final ConcurrentLinkedQueue<Supplier<CompletableFuture<Void>>> queue =
        new ConcurrentLinkedQueue<>();
    final AtomicBoolean running = new AtomicBoolean();

    void drain() {
      while (!queue.isEmpty() && running.compareAndSet(false, true)) {
        Supplier<CompletableFuture<Void>> next;
        while ((next = queue.poll()) != null) {
          CompletableFuture<Void> done = next.get();
          if (!done.isDone()) {
            done.whenComplete((v, e) -> {
              running.set(false);
              drain();
            });
            return;
          }
        }
        running.set(false);
      }
    }
  }
}
