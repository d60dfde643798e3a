package io.ssekit.servlet;

import io.ssekit.spi.SseListener;
import io.ssekit.PublishPace;
import io.ssekit.internal.OwnedThreads;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The threads that write the streams of one servlet, and the pace they set for publishers.
 *
 * <p><b>Turns.</b> A stream with bytes to write and nobody writing it joins the ready queue.
 * Writer threads, at most one per available core, started when there is first work, take streams
 * from the queue in turn. A turn writes everything
 * the stream has queued (up to {@link SseConnection#MAX_WRITE}) as one write and one flush; a
 * stream that got more meanwhile goes back to the end of the queue. So under load the events of a
 * stream pile up between its turns and go out together, and no stream waits for more than one
 * round of the others.
 *
 * <p><b>Pace.</b> A stream that waits in the ready queue, or is in its turn, with more than its
 * congestion mark queued is congested: the writers are behind (the server is short of CPU).
 * While any stream is congested, {@link #behind()} answers a stage that completes when none is;
 * the servlet registers this pace with its hub ({@link io.ssekit.SseHub#pacedBy}), which holds
 * new publishes back until then, so publishers go at the writers' pace instead of overflowing the
 * queues of streams whose clients read perfectly well. The pace is one for all
 * the servlet's streams, whatever their topics, because CPU is. A stream that waits for its
 * client (the container owes it {@code onWritePossible}) is never congested: a slow client never
 * slows publishers; it falls behind and is closed.
 *
 * <p>Waiting publishes go on on a writer thread, as a task of their own: never inside a stream's
 * or the hub's locks, which the code that relieves the last congested stream may hold. Code that
 * continues a publish's stage should not block.
 */
final class StreamWriter implements PublishPace {
  private static final Logger LOG = LoggerFactory.getLogger(StreamWriter.class);

  private final ConcurrentLinkedQueue<SseConnection> ready = new ConcurrentLinkedQueue<>();
  private final AtomicInteger running = new AtomicInteger();
  private final AtomicInteger congested = new AtomicInteger();
  private final AtomicReference<Waiting> room = new AtomicReference<>();
  private final int maxThreads;
  private final OwnedThreads made;
  private final ThreadPoolExecutor threads;
  private volatile boolean stopped;

  StreamWriter(String name) {
    this.maxThreads = Runtime.getRuntime().availableProcessors();
    // Publishes waiting for room continue on these threads, in the application's class loader.
    this.made = new OwnedThreads("writer", name);
    this.threads = new ThreadPoolExecutor(maxThreads, maxThreads, 0, TimeUnit.SECONDS,
        new LinkedBlockingQueue<>(), made);
  }

  /**
   * Gives {@code connection} a turn; the caller owns its output and has bytes for it. Answers
   * {@code false} once the writer has stopped: the caller closes the stream.
   */
  boolean schedule(SseConnection connection) {
    if (stopped) {
      return false;
    }
    ready.add(connection);
    startIfIdle();
    return true;
  }

  private void startIfIdle() {
    if (claimThread()) {
      try {
        threads.execute(this::work);
      } catch (RejectedExecutionException stopping) {
        running.decrementAndGet();
        drainAfterStop();
      }
    }
  }

  private void work() {
    do {
      SseConnection next;
      while ((next = ready.poll()) != null) {
        turn(next);
        relieveNow();
      }
      running.decrementAndGet();
      // A stream queued after the poll above and before the decrement found every thread busy.
    } while (!ready.isEmpty() && claimThread());
  }

  /** One stream's turn; whatever it throws ends that stream, never the writer thread. */
  private static void turn(SseConnection connection) {
    try {
      connection.writeTurn();
    } catch (RuntimeException | Error e) {
      LOG.warn("a stream's turn failed; closing it", e);
      try {
        connection.closeAndComplete(SseListener.CloseReason.ERROR);
      } catch (RuntimeException | Error again) {
        LOG.warn("closing a failed stream failed too", again);
      }
    }
  }

  /** Counts one more running writer, unless all are running. */
  private boolean claimThread() {
    int current;
    while ((current = running.get()) < maxThreads) {
      if (running.compareAndSet(current, current + 1)) {
        return true;
      }
    }
    return false;
  }

  /** A stream became congested ({@code +1}) or stopped being so ({@code -1}). */
  void congested(int change) {
    congested.addAndGet(change);
  }

  /**
   * When publishers may go on: {@code null} unless a stream is congested, else the same stage for
   * every caller until the writers catch up; never failed, and not completable by callers.
   */
  @Override
  public CompletionStage<Void> behind() {
    if (congested.get() == 0 || stopped) {
      return null;
    }
    Waiting wait = room.get();
    if (wait == null) {
      Waiting fresh = new Waiting();
      wait = room.compareAndExchange(null, fresh);
      if (wait == null) {
        wait = fresh;
        // The last congested stream may have been relieved before the stage was in place.
        relieveLater();
      }
    }
    return wait.stage;
  }

  /**
   * Lets waiting publishers go on, from a writer thread, when no stream is congested; callable
   * under any lock.
   */
  void relieveLater() {
    if (room.get() != null && congested.get() == 0) {
      try {
        threads.execute(this::relieveNow);
      } catch (RejectedExecutionException stopping) {
        // stop() lets them go.
      }
    }
  }

  /** Lets waiting publishers go on, here, when no stream is congested. Holds no lock. */
  private void relieveNow() {
    if (room.get() != null && (congested.get() == 0 || stopped)) {
      Waiting wait = room.getAndSet(null);
      if (wait != null) {
        wait.future.complete(null);
      }
    }
  }

  /**
   * Stops the threads once the streams are closed; a stream that still asks for a turn is
   * closed, and waiting publishers go on.
   */
  void stop() {
    stopped = true;
    threads.shutdown();
    drainAfterStop();
    relieveNow();
    // Wait even when interrupted: a container checks for threads left behind.
    boolean interrupted = Thread.interrupted();
    try {
      if (!threads.awaitTermination(1, TimeUnit.SECONDS)) {
        LOG.warn("stream writer threads did not stop within 1 s; interrupting them");
        threads.shutdownNow();
      }
      if (!made.awaitExit(1000)) {
        LOG.warn("stream writer threads are still running");
      }
    } catch (InterruptedException e) {
      interrupted = true;
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** A stage for waiting publishers and the future behind it, which only the writer completes. */
  private static final class Waiting {
    final CompletableFuture<Void> future = new CompletableFuture<>();
    final CompletionStage<Void> stage = future.minimalCompletionStage();
  }

  private void drainAfterStop() {
    SseConnection left;
    while ((left = ready.poll()) != null) {
      left.closeAndComplete(SseListener.CloseReason.SHUTDOWN);
    }
  }
}
