package io.ssekit.servlet;

import io.ssekit.StreamSink;
import io.ssekit.Subscription;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One open event stream: a bounded queue of byte arrays in front of a non-blocking servlet output
 * stream.
 *
 * <p><b>Who writes.</b> The servlet's {@link StreamWriter} threads and the container's {@link
 * #onWritePossible()}, at most one at a time. The {@code writing} flag says the output is owned:
 * the stream waits for or has a writer turn, or {@code isReady()} answered false and the container
 * owes a call to {@code onWritePossible} (the stream is <em>parked</em>). A thread that queues
 * bytes while nobody owns the output asks the writer for a turn; otherwise the owner picks the
 * bytes up. Publishers and the keep-alive timer never touch a socket. The container's first
 * {@code onWritePossible} owns the output from the start.
 *
 * <p><b>Coalescing.</b> A turn writes everything queued (up to {@link #MAX_WRITE} bytes) as one
 * array, so the events that arrived since the last turn, or a client that is behind, cost one
 * write and one flush.
 *
 * <p><b>Pace.</b> A stream that waits for or is in a writer turn with more than its congestion
 * mark queued (half its bound, at most {@value #CONGESTION_MARK} bytes) tells the writer, whose
 * {@link StreamWriter#room()} then holds publishers back. A stream that waits for its client, or
 * that the container's {@code onWritePossible} writes, never does.
 *
 * <p><b>The container's objects.</b> The {@link AsyncContext} and the output stream are touched
 * only while holding {@code io}, and never once the stream is closed. The container's callbacks
 * ({@code onComplete}, {@code onError}, {@code onTimeout}) take the same lock to close the stream:
 * when one returns, no thread of ours uses those objects any more. Containers recycle them for
 * later requests (Tomcat hands the same output buffer to the next connection), so a write that
 * raced with the end of its own request would land in someone else's stream. Lock order is
 * {@code io}, then {@code this}; nothing that holds {@code io} blocks (the writes are
 * non-blocking).
 *
 * <p><b>Bounds.</b> The queue holds at most {@code maxQueuedBytes} (an empty queue takes any
 * frame, so one large event always fits). A stream that would need more has fallen behind: its
 * bytes are dropped, its response is completed, and its client reconnects and replays.
 */
final class SseConnection implements StreamSink, WriteListener, AsyncListener {
  /** The largest write a turn builds from queued frames. */
  static final int MAX_WRITE = 64 * 1024;

  /** The most a stream waiting for a turn may hold before publishers wait for the writer. */
  static final int CONGESTION_MARK = 16 * 1024;

  /** Queue slots past which a queue that has emptied is replaced by a small one. */
  private static final int SHRINK_SLOTS = 64;

  private static final Logger LOG = LoggerFactory.getLogger(SseConnection.class);

  private final Connections owner;
  private final StreamWriter writer;
  private final AsyncContext async;
  private final ServletOutputStream out;
  private final int maxQueuedBytes;
  private final int congestionMark;
  private final long openedNanos;

  /** Held for every use of {@link #async} and {@link #out}. */
  private final Object io = new Object();

  /** Bytes were written and not flushed yet. Guarded by io. */
  private boolean unflushed;

  // Guarded by this.
  private ArrayDeque<byte[]> queue = new ArrayDeque<>(4);
  private boolean grown;
  private int queuedBytes;
  private boolean writing = true;
  /** In the writer's ready queue or in a writer turn. */
  private boolean inTurn;
  private boolean congested;
  private boolean finishing;
  private boolean fellBehind;
  private boolean closed;
  private boolean completed;
  private Subscription subscription;
  /** Timer tasks of this stream, cancelled when it is released. */
  private List<Future<?>> timers;
  /** Closed, with the hub registration and connection slot still to release. */
  private boolean unreleased;
  /** A producer waiting for the queue to empty ({@link #drained()}), or null; set under this. */
  private volatile CompletableFuture<Void> drainWaiter;

  private volatile long lastQueuedNanos;

  SseConnection(Connections owner, AsyncContext async, ServletOutputStream out, int maxQueuedBytes,
      byte[] greeting) {
    this.owner = owner;
    this.writer = owner.writer();
    this.async = async;
    this.out = out;
    this.maxQueuedBytes = maxQueuedBytes;
    this.congestionMark = Math.min(maxQueuedBytes / 2, CONGESTION_MARK);
    this.openedNanos = System.nanoTime();
    this.lastQueuedNanos = openedNanos;
    queue.add(greeting);
    queuedBytes = greeting.length;
  }

  /** Ties the hub's registration to this connection; closes it at once if the client is gone. */
  void attach(Subscription value) {
    boolean gone;
    synchronized (this) {
      gone = closed;
      if (!gone) {
        subscription = value;
      }
    }
    if (gone) {
      value.close();
    }
  }

  long openedNanos() {
    return openedNanos;
  }

  /** Cancels {@code task} when the stream ends; at once if it has ended. */
  void cancelOnRelease(Future<?> task) {
    boolean gone;
    synchronized (this) {
      gone = closed;
      if (!gone) {
        if (timers == null) {
          timers = new ArrayList<>(3);
        }
        timers.removeIf(Future::isDone);
        timers.add(task);
      }
    }
    if (gone) {
      task.cancel(false);
    }
  }

  @Override
  public boolean offer(byte[] head, byte[] body) {
    int size = (head == null ? 0 : head.length) + body.length;
    synchronized (this) {
      if (closed || finishing) {
        return false;
      }
      if (queuedBytes > 0 && queuedBytes + size > maxQueuedBytes) {
        fellBehind = true;
        return false;
      }
      if (head != null) {
        queue.add(head);
      }
      queue.add(body);
      queuedBytes += size;
      grown |= queue.size() > SHRINK_SLOTS;
      lastQueuedNanos = System.nanoTime();
      boolean owned = writing;
      if (!owned) {
        writing = true;
        inTurn = true;
      }
      updateCongestion();
      if (owned) {
        return true;
      }
    }
    askForTurn();
    return true;
  }

  @Override
  public CompletionStage<Void> room() {
    return writer.room();
  }

  @Override
  public synchronized int spare() {
    return queuedBytes == 0 ? Integer.MAX_VALUE : Math.max(0, maxQueuedBytes / 2 - queuedBytes);
  }

  @Override
  public CompletionStage<Void> drained() {
    synchronized (this) {
      if (queuedBytes > 0 && !closed) {
        if (drainWaiter == null) {
          drainWaiter = new CompletableFuture<>();
        }
        return drainWaiter.minimalCompletionStage();
      }
    }
    return HAS_ROOM;
  }

  /** Tells the producer waiting for {@link #drained()} once the queue is empty. */
  private void tellDrained() {
    CompletableFuture<Void> waiter = drainWaiter;
    if (waiter == null) {
      return;
    }
    synchronized (this) {
      waiter = drainWaiter;
      if (waiter == null || queuedBytes > 0 && !closed) {
        return;
      }
      drainWaiter = null;
      if (closed) {
        return; // the subscription is closed with the stream; nothing more is queued
      }
    }
    waiter.complete(null);
  }

  /** Tells the writer whether this stream is congested. The caller holds {@code this}. */
  private void updateCongestion() {
    boolean now = !closed && inTurn && queuedBytes > congestionMark;
    if (now != congested) {
      congested = now;
      writer.congested(now ? 1 : -1);
    }
  }

  /** The hub ended the stream: finish after the queued bytes, or at once if it fell behind. */
  @Override
  public void end() {
    boolean dropQueued;
    synchronized (this) {
      dropQueued = fellBehind;
    }
    if (dropQueued) {
      LOG.debug("stream {} fell behind by more than {} bytes; closing it", this, maxQueuedBytes);
    }
    finish(null, dropQueued);
  }

  /** Queues {@code last} as the stream's final bytes (beyond the queue bound), then finishes. */
  void finishWith(byte[] last) {
    finish(last, false);
  }

  /**
   * A keep-alive comment, unless bytes were queued within {@code idleNanos}. A stream whose queue
   * cannot take even that has a client that stopped reading: it is closed like any stream that
   * fell behind, without waiting for the next event.
   */
  void keepAliveIfIdle(long nowNanos, long idleNanos, byte[] keepAlive) {
    if (nowNanos - lastQueuedNanos >= idleNanos) {
      offerOrEnd(keepAlive);
    }
  }

  /** Queues {@code frame}; a stream whose queue cannot take it has fallen behind and ends. */
  void offerOrEnd(byte[] frame) {
    if (!offer(null, frame)) {
      end();
    }
  }

  private void finish(byte[] last, boolean dropQueued) {
    boolean completeNow = false;
    boolean turnNow = false;
    synchronized (this) {
      if (closed || finishing) {
        return;
      }
      finishing = true;
      if (dropQueued) {
        queue.clear();
        queuedBytes = 0;
        // Completed at once, even while a write is stuck on a client that stopped reading.
        completeNow = true;
      }
      if (last != null) {
        queue.add(last);
        queuedBytes += last.length;
      }
      if (!writing && !completeNow) {
        // Nobody owns the output: write what is left here, or complete if nothing is.
        completeNow = queue.isEmpty();
        turnNow = !completeNow;
        writing = turnNow;
        inTurn = turnNow;
      }
      // Otherwise the owner of the output completes the response once the queue is empty.
      updateCongestion();
    }
    if (completeNow) {
      closeAndComplete();
    } else if (turnNow) {
      askForTurn();
    }
  }

  /** Queues this stream for a writer turn; the caller has just taken ownership of the output. */
  private void askForTurn() {
    if (!writer.schedule(this)) {
      LOG.debug("{} cannot be written to any more: the servlet has stopped", this);
      closeAndComplete();
    }
  }

  /**
   * A writer turn: one write of everything queued and its flush; then, when more was queued
   * meanwhile, back in line for another turn.
   */
  void writeTurn() {
    boolean more;
    try {
      synchronized (io) {
        more = step();
      }
    } catch (IOException | RuntimeException e) {
      LOG.debug("write to {} failed; closing it", this, e);
      closeAndComplete();
      return;
    }
    releaseFromHub();
    if (more) {
      askForTurn();
    }
  }

  /**
   * The client has read (or the stream has just opened): this container thread writes until the
   * queue is empty or the client makes it wait again.
   */
  @Override
  public void onWritePossible() {
    try {
      boolean more = true;
      while (more) {
        synchronized (io) {
          more = step();
        }
        releaseFromHub();
      }
    } catch (IOException | RuntimeException e) {
      LOG.debug("write to {} failed; closing it", this, e);
      closeAndComplete();
    }
  }

  /**
   * One write of what is queued and its flush; {@code true} when more is queued. The caller holds
   * {@code io} and owns the output, so a stream closed meanwhile is never written to. A write that
   * leaves the output not ready parks the stream: the container calls {@code onWritePossible},
   * whose first step flushes what the container may still hold.
   */
  private boolean step() throws IOException {
    byte[] batch;
    synchronized (this) {
      if (closed) {
        writing = false;
        return false;
      }
    }
    if (!out.isReady()) {
      return park();
    }
    synchronized (this) {
      batch = takeBatch();
      updateCongestion();
    }
    if (batch != null) {
      out.write(batch);
      unflushed = true;
      if (!out.isReady()) {
        return park();
      }
    }
    if (unflushed) {
      unflushed = false;
      out.flush();
      if (!out.isReady()) {
        return park();
      }
    }
    boolean finished;
    synchronized (this) {
      if (!queue.isEmpty()) {
        return true;
      }
      writing = false;
      inTurn = false;
      updateCongestion();
      finished = finishing;
      if (grown) {
        // A burst grew the queue; an idle stream keeps a small one.
        queue = new ArrayDeque<>(4);
        grown = false;
      }
    }
    if (finished) {
      closeAndComplete();
    }
    return false;
  }

  /** Waits for the container's {@code onWritePossible}, still owning the output. */
  private boolean park() {
    synchronized (this) {
      inTurn = false;
      updateCongestion();
    }
    return false;
  }

  /** Everything queued, up to MAX_WRITE bytes (at least one frame), as one array. */
  private byte[] takeBatch() {
    byte[] first = queue.poll();
    if (first == null) {
      return null;
    }
    byte[] next = queue.peek();
    if (next == null || first.length + next.length > MAX_WRITE) {
      queuedBytes -= first.length;
      return first;
    }
    int size = first.length;
    int count = 1;
    for (byte[] frame : queue) {
      if (size + frame.length > MAX_WRITE) {
        break;
      }
      size += frame.length;
      count++;
    }
    byte[] batch = new byte[size];
    System.arraycopy(first, 0, batch, 0, first.length);
    int at = first.length;
    for (int i = 1; i < count; i++) {
      byte[] frame = queue.poll();
      System.arraycopy(frame, 0, batch, at, frame.length);
      at += frame.length;
    }
    queuedBytes -= size;
    return batch;
  }

  @Override
  public void onError(Throwable failure) {
    LOG.debug("write to {} failed; closing it", this, failure);
    closeAndComplete();
  }

  @Override
  public void onComplete(AsyncEvent event) {
    synchronized (io) {
      synchronized (this) {
        completed = true;
      }
      release();
    }
    releaseFromHub();
  }

  @Override
  public void onTimeout(AsyncEvent event) {
    // The servlet sets no async timeout; a container that imposes one still gets a clean end.
    closeAndComplete();
  }

  @Override
  public void onError(AsyncEvent event) {
    LOG.debug("stream {} failed; closing it", this, event.getThrowable());
    closeAndComplete();
  }

  @Override
  public void onStartAsync(AsyncEvent event) {
    // Not restarted.
  }

  /**
   * Ends the response now, dropping anything still queued. The response is completed exactly
   * once, and the container's objects are not touched afterwards.
   */
  void closeAndComplete() {
    synchronized (io) {
      release();
      boolean completeNow;
      synchronized (this) {
        completeNow = !completed;
        completed = true;
      }
      if (completeNow) {
        try {
          async.complete();
        } catch (IllegalStateException alreadyDone) {
          // The container ended the request already.
        }
      }
    }
    releaseFromHub();
  }

  /**
   * Closes the stream: drops its queue and leaves the hub registration and connection slot to
   * {@link #releaseFromHub}; idempotent. May run under {@code io}.
   */
  private void release() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      queue.clear();
      queuedBytes = 0;
      updateCongestion();
      unreleased = true;
    }
  }

  /**
   * Releases the hub registration and connection slot of a closed stream, once, and tells a
   * producer waiting for the queue to drain; never while this thread holds {@code io}: the hub's
   * subscription writes into this connection while holding its own lock, so closing it or
   * continuing its backlog under {@code io} would take the locks in the other order. A caller
   * still inside an outer {@code io} block leaves it to that block's end.
   */
  private void releaseFromHub() {
    if (Thread.holdsLock(io)) {
      return;
    }
    tellDrained();
    Subscription registered;
    List<Future<?>> tasks;
    synchronized (this) {
      if (!unreleased) {
        return;
      }
      unreleased = false;
      registered = subscription;
      subscription = null;
      tasks = timers;
      timers = null;
    }
    if (registered != null) {
      registered.close();
    }
    if (tasks != null) {
      tasks.forEach(task -> task.cancel(false));
    }
    owner.remove(this);
    writer.relieveLater();
  }

  @Override
  public String toString() {
    Subscription registered;
    synchronized (this) {
      registered = subscription;
    }
    return "SseConnection" + (registered == null ? "[]" : registered.topics());
  }
}
