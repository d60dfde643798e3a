package io.ssekit.servlet;

import io.ssekit.StreamSink;
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
 * <p><b>Pace.</b> A stream that waits for its turn with more than its congestion mark queued is
 * congested: the writers are behind (the server is short of CPU). While any stream is congested,
 * {@link #room()} answers a stage that completes when none is; the hub completes a local publish
 * only then, so publishers go at the writers' pace instead of overflowing the queues of streams
 * whose clients read perfectly well. A stream that waits for its client (the container owes it
 * {@code onWritePossible}) is never congested: a slow client never slows publishers; it falls
 * behind and is closed.
 *
 * <p>Streams call {@link #congested(int)} under their own lock; stages are completed only by
 * {@link #relieveIfClear()}, which callers run holding no lock, because completing one runs the
 * waiting publishes.
 */
final class StreamWriter {
  private static final Logger LOG = LoggerFactory.getLogger(StreamWriter.class);

  private final ConcurrentLinkedQueue<SseConnection> ready = new ConcurrentLinkedQueue<>();
  private final AtomicInteger running = new AtomicInteger();
  private final AtomicInteger congested = new AtomicInteger();
  private final AtomicReference<CompletableFuture<Void>> room = new AtomicReference<>();
  private final int maxThreads;
  private final ServletThreads made;
  private final ThreadPoolExecutor threads;
  private volatile boolean stopped;

  StreamWriter(String name) {
    this(name, Runtime.getRuntime().availableProcessors());
  }

  StreamWriter(String name, int maxThreads) {
    this.maxThreads = maxThreads;
    // Publishes waiting for room continue on these threads, in the application's class loader.
    this.made = new ServletThreads("writer", name);
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
    int current;
    while ((current = running.get()) < maxThreads) {
      if (running.compareAndSet(current, current + 1)) {
        try {
          threads.execute(this::work);
        } catch (RejectedExecutionException stopping) {
          running.decrementAndGet();
          drainAfterStop();
        }
        return;
      }
    }
  }

  private void work() {
    do {
      SseConnection next;
      while ((next = ready.poll()) != null) {
        try {
          next.writeTurn();
        } catch (RuntimeException e) {
          LOG.warn("a stream's turn failed; closing it", e);
          next.closeAndComplete();
        }
        relieveIfClear();
      }
      running.decrementAndGet();
      // A stream queued after the poll above and before the decrement found every thread busy.
    } while (!ready.isEmpty() && reclaim());
  }

  private boolean reclaim() {
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
   * When publishers may go on: {@link StreamSink#HAS_ROOM} unless a stream is congested; never
   * failed.
   */
  CompletionStage<Void> room() {
    if (congested.get() == 0 || stopped) {
      return StreamSink.HAS_ROOM;
    }
    CompletableFuture<Void> wait = room.get();
    if (wait == null) {
      CompletableFuture<Void> fresh = new CompletableFuture<>();
      wait = room.compareAndExchange(null, fresh);
      if (wait == null) {
        wait = fresh;
      }
    }
    // The last congested stream may have been relieved before the stage was in place.
    relieveIfClear();
    return wait;
  }

  /** Lets waiting publishers go on when no stream is congested. Call it holding no lock. */
  void relieveIfClear() {
    if (room.get() != null && (congested.get() == 0 || stopped)) {
      CompletableFuture<Void> wait = room.getAndSet(null);
      if (wait != null) {
        wait.complete(null);
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
    relieveIfClear();
    try {
      if (!threads.awaitTermination(1, TimeUnit.SECONDS) || !made.awaitExit(1000)) {
        LOG.warn("stream writer threads did not stop within 1 s");
        threads.shutdownNow();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void drainAfterStop() {
    SseConnection left;
    while ((left = ready.poll()) != null) {
      left.closeAndComplete();
    }
  }
}
