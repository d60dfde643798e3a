package io.ssekit;

import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The history reads a hub lets run at once: at most {@code permits}. A read beyond them waits
 * for one to finish, in the order the reads came (first in, first out), holding no thread; a
 * place given up before its turn (its stream ended) is skipped and costs no permit. A read holds
 * its permit from the moment it is started until the history's stage completes.
 *
 * <p>Lock-free: a queue of {@link Place}s, a count of free permits taken and given back by
 * compare-and-set, and one drainer at a time (a counter of drain requests, so a release that
 * comes while another thread drains is never lost). A read granted at once, with nobody
 * waiting, starts on the caller's thread; a read granted later starts on the hub's threads,
 * never on the thread of the read whose end freed its permit (a history's I/O thread).
 */
final class ReplayBudget {
  private static final int WAITING = 0;
  private static final int GRANTED = 1;
  private static final int DONE = 2;
  private static final int LEFT = 3;

  private final int permits;
  private final AtomicInteger free;
  private final ConcurrentLinkedQueue<Place> queue = new ConcurrentLinkedQueue<>();
  private final AtomicInteger drains = new AtomicInteger();
  private final Predicate<Runnable> handOff;

  /**
   * @param permits reads in flight at most, at least 1
   * @param handOff runs a read granted later; answers {@code false} when it cannot (the hub is
   *     closed), and the read's permit is given back
   */
  ReplayBudget(int permits, Predicate<Runnable> handOff) {
    if (permits <= 0) {
      throw new IllegalArgumentException("replayConcurrency must be positive, was " + permits);
    }
    this.permits = permits;
    this.free = new AtomicInteger(permits);
    this.handOff = handOff;
  }

  /**
   * Starts {@code read} now when a permit is free and no read waits, else queues it. The
   * permit is given back when the stage {@code read} answers completes (or when it throws).
   *
   * @return the read's place; {@link Place#leave()} it when the read is no longer wanted
   */
  Place enter(Supplier<? extends CompletionStage<?>> read) {
    Place place = new Place(read);
    if (queue.isEmpty() && tryTake()) {
      place.state.set(GRANTED);
      place.start();
    } else {
      queue.add(place);
      drain();
    }
    return place;
  }

  /** Reads in flight now. */
  int inFlight() {
    return permits - free.get();
  }

  /** Reads waiting for a permit (places given up but not yet passed may be counted). */
  int waiting() {
    return queue.size();
  }

  private boolean tryTake() {
    while (true) {
      int now = free.get();
      if (now <= 0) {
        return false;
      }
      if (free.compareAndSet(now, now - 1)) {
        return true;
      }
    }
  }

  private void giveBack() {
    free.incrementAndGet();
    drain();
  }

  /** Grants free permits to the places at the head of the queue, skipping those given up. */
  private void drain() {
    if (drains.getAndIncrement() != 0) {
      return; // the thread that drains now goes round once more
    }
    int requests = 1;
    do {
      Place next;
      while ((next = queue.peek()) != null) {
        if (next.state.get() == LEFT) {
          queue.remove(next);
          continue;
        }
        if (!tryTake()) {
          break;
        }
        queue.remove(next);
        if (!next.state.compareAndSet(WAITING, GRANTED)) {
          free.incrementAndGet(); // given up meanwhile: the permit is still free
        } else if (!handOff.test(next::start)) {
          next.finished();
        }
      }
      requests = drains.addAndGet(-requests);
    } while (requests != 0);
  }

  /** One read's place: waiting, granted (its read in flight), done, or given up. */
  final class Place {
    private final Supplier<? extends CompletionStage<?>> read;
    private final AtomicInteger state = new AtomicInteger(WAITING);

    private Place(Supplier<? extends CompletionStage<?>> read) {
      this.read = read;
    }

    /**
     * The read is no longer wanted (its stream ended): a waiting place is skipped and its read
     * never starts; a read in flight keeps its permit until the history answers. Idempotent,
     * callable under any lock: it calls nothing outside this budget.
     */
    void leave() {
      if (state.compareAndSet(WAITING, LEFT)) {
        queue.remove(this);
      }
    }

    /** Whether this place still waits for its permit. */
    boolean isWaiting() {
      return state.get() == WAITING;
    }

    private void start() {
      CompletionStage<?> stage;
      try {
        stage = read.get();
      } catch (RuntimeException | Error e) {
        finished();
        throw e;
      }
      stage.whenComplete((answer, failure) -> finished());
    }

    private void finished() {
      if (state.compareAndSet(GRANTED, DONE)) {
        giveBack();
      }
    }
  }
}
