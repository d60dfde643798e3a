package io.ssekit.servlet;

import io.ssekit.StreamSink;
import io.ssekit.Subscription;
import io.ssekit.spi.SseListener;
import io.ssekit.spi.SseListener.CloseReason;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One open event stream: a bounded queue of byte arrays in front of a non-blocking servlet output
 * stream, and the stream's state machine ({@code docs/design.md}, "A stream in the servlet"):
 *
 * <pre>
 *   opened ──▶ PARKED ◀── isReady() false ── SCHEDULED ◀── offer ── IDLE
 *                │                             │  ▲                 ▲
 *                │ onWritePossible:            │  └─ more queued    │
 *                └── queue written ────────────┴── queue written ───┘
 *
 *   PARKED, SCHEDULED ──finish──▶ FINISHING_PARKED, FINISHING_SCHEDULED ──queue written──▶ CLOSED
 *   IDLE ──finish──▶ CLOSED, or FINISHING_SCHEDULED with a last frame to write
 *   IDLE, SCHEDULED, PARKED ──offer over the bound──▶ FELL_BEHIND ──end──▶ CLOSED
 *   any ──write failed, client gone, container error or timeout, servlet stopped──▶ CLOSED
 * </pre>
 *
 * <p><b>Who writes.</b> The state says who owns the output. In {@code SCHEDULED} a turn of the
 * servlet's {@link StreamWriter} threads does; in {@code PARKED} the container does, from {@link
 * #onWritePossible()} (its first call after the stream opens, or the call it owes after {@code
 * isReady()} answered false); in {@code IDLE} nobody does, and the next offer asks the writer for
 * a turn. Publishers and the timer only queue: they never touch a socket.
 *
 * <p><b>Coalescing.</b> A write takes everything queued (up to {@link #MAX_WRITE} bytes) as one
 * array, so the events that arrived since the last write, or a client that is behind, cost one
 * write and one flush.
 *
 * <p><b>Credit.</b> The stream grants its hub subscription half its queue bound as credit when it
 * opens, and the size of every write it makes, so a backlog is queued at the pace the client
 * reads (see {@link StreamSink}, clause 6).
 *
 * <p><b>Pace.</b> A stream in {@code SCHEDULED} (or {@code FINISHING_SCHEDULED}) with more than
 * its congestion mark queued (half its bound, at most {@value #CONGESTION_MARK} bytes) counts as
 * congested in its {@link StreamWriter}, which then holds publishers back. A stream that waits for
 * its client ({@code PARKED}) never does: a slow client falls behind and is closed instead.
 *
 * <p><b>Locks.</b> {@code io} guards every use of the {@link AsyncContext} and the output stream;
 * this object's monitor guards the state and the queue; nothing holds the monitor while it calls
 * out. Where they stand in the lock order of the whole publish path, and why, is in {@code
 * docs/design.md} ("Locks"). No thread of ours touches the container's objects once the stream is
 * closed.
 * The container's callbacks take {@code io} to close the stream, so when one returns no thread of
 * ours uses those objects any more; containers recycle them for later requests (Tomcat hands the
 * same output buffer to the next connection).
 *
 * <p><b>Listening.</b> With an {@link SseListener} other than {@code NONE}, the stream keeps the
 * publish time of the oldest live event queued and not yet written; each write reports its size,
 * and the first write of live events and every {@value #LAG_SAMPLE_EVERY}th after it also the
 * delivery lag of that event, on the writing thread under {@code io} (a lag sample costs two
 * clock reads and a histogram update, several times what the write's counters do). A write that
 * leaves frames behind (its batch reached {@link #MAX_WRITE}) leaves the time with them, so their
 * lag is counted from an event at least as old: an upper bound. The stream's end is
 * reported once, with the first reason that ended it, after the locks are released.
 *
 * <p><b>Bounds.</b> The queue holds at most {@code maxQueuedBytes} (an empty queue takes any
 * frame, so one large event always fits). A stream that would need more has fallen behind: its
 * bytes are dropped, its response is completed, and its client reconnects and replays.
 */
final class SseConnection implements StreamSink, WriteListener, AsyncListener {
  /** One write of live events in this many reports its delivery lag, the first one included. */
  static final int LAG_SAMPLE_EVERY = 4;

  /** The largest write a turn builds from queued frames. */
  static final int MAX_WRITE = 64 * 1024;

  /** The most a stream waiting for a turn may hold before publishers wait for the writer. */
  static final int CONGESTION_MARK = 16 * 1024;

  /** Queue slots past which a queue that has emptied is replaced by a small one. */
  private static final int SHRINK_SLOTS = 64;

  private static final Logger LOG = LoggerFactory.getLogger(SseConnection.class);

  /** The stream's states; see the class comment. */
  enum State {
    /** Nothing queued, nobody writing: the next offer asks for a writer turn. */
    IDLE,
    /** A writer turn owns the output: queued for one, or in one. */
    SCHEDULED,
    /** The container owns the output: it owes, or is in, a call of onWritePossible. */
    PARKED,
    /** As SCHEDULED; the response completes once the queue is written. */
    FINISHING_SCHEDULED,
    /** As PARKED; the response completes once the queue is written. */
    FINISHING_PARKED,
    /** An offer did not fit: the queue is dropped, and end() completes the response at once. */
    FELL_BEHIND,
    /** The response is completed (or the container ended it); nothing is written. Final. */
    CLOSED;

    boolean finishing() {
      return this == FINISHING_SCHEDULED || this == FINISHING_PARKED;
    }

    boolean writerOwned() {
      return this == SCHEDULED || this == FINISHING_SCHEDULED;
    }

    boolean containerOwned() {
      return this == PARKED || this == FINISHING_PARKED;
    }

    /** Whether offers are taken. */
    boolean open() {
      return this == IDLE || this == SCHEDULED || this == PARKED;
    }
  }

  private final Connections owner;
  private final StreamWriter writer;
  private final AsyncContext async;
  private final ServletOutputStream out;
  private final int maxQueuedBytes;
  private final int congestionMark;
  private final long openedNanos;
  private final SseListener listener;
  private final boolean listening;

  /** Held for every use of {@link #async} and {@link #out}. */
  private final Object io = new Object();

  /** Bytes were written and not flushed yet. Guarded by io. */
  private boolean unflushed;
  /** Writes of live events so far, for the lag's sampling. Guarded by io. */
  private int liveWrites;

  // Guarded by this.
  private State state = State.PARKED;
  private ArrayDeque<byte[]> queue = new ArrayDeque<>(4);
  private boolean grown;
  private int queuedBytes;
  /** Of those, bytes of the servlet's own (greeting, keep-alives, notices): no hub credit. */
  private int ownQueuedBytes;
  /** When the stream began to finish (System.nanoTime()), for the cut-off; 0 before. */
  private long finishingSince;
  /** Counted as congested in the writer; follows the state and the queue. */
  private boolean congested;
  /** Timer tasks of this stream, cancelled when it closes. */
  private List<Future<?>> timers;
  /** When the oldest live event queued and not yet taken was published (nanoTime); 0: none. */
  private long oldestQueuedNanos;
  /** Why the stream ends: the first reason given, reported when it is released. */
  private CloseReason closeReason;

  private volatile Subscription subscription;
  private volatile long lastQueuedNanos;
  /** Run once when the stream is released; see {@link #onRelease}. */
  private volatile Runnable onRelease;

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
    this.listener = owner.listener();
    this.listening = listener != SseListener.NONE;
    queue.add(greeting);
    queuedBytes = greeting.length;
    ownQueuedBytes = greeting.length;
  }

  synchronized State state() {
    return state;
  }

  long openedNanos() {
    return openedNanos;
  }

  /** Cancels {@code task} when the stream closes; at once if it has. */
  void cancelOnRelease(Future<?> task) {
    boolean gone;
    synchronized (this) {
      gone = state == State.CLOSED;
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

  /**
   * Runs {@code action} once when the stream is released, on the thread that releases it. Set
   * before the stream is handed to anything that can close it.
   */
  void onRelease(Runnable action) {
    this.onRelease = action;
  }

  // --- what the hub and the timer call ---

  /** The hub's registration: grants the first credit, or closes it if the client is gone. */
  @Override
  public void onSubscribe(Subscription value) {
    subscription = value;
    if (state() == State.CLOSED) {
      value.close();
    } else {
      value.request(Math.max(1, maxQueuedBytes / 2));
    }
  }

  @Override
  public boolean offer(byte[] head, byte[] body) {
    return queue(head, body, false, 0);
  }

  @Override
  public boolean offer(byte[] head, byte[] body, long publishedNanos) {
    return queue(head, body, false, publishedNanos);
  }

  /**
   * Queues bytes of the hub's ({@code own} false: they used its credit) or of the servlet's own.
   * Called by the hub under its stream's lock: it takes this monitor only, and a writer that
   * cannot be had makes the offer fail (the hub's end() then completes the response outside its
   * lock) instead of closing the stream here.
   */
  private boolean queue(byte[] head, byte[] body, boolean own, long publishedNanos) {
    int size = (head == null ? 0 : head.length) + body.length;
    synchronized (this) {
      if (!state.open()) {
        return false;
      }
      if (queuedBytes > 0 && queuedBytes + size > maxQueuedBytes) {
        LOG.debug("stream {} fell behind by more than {} bytes; closing it", this, maxQueuedBytes);
        clearQueue();
        because(CloseReason.FELL_BEHIND);
        to(State.FELL_BEHIND);
        return false;
      }
      if (head != null) {
        queue.add(head);
      }
      queue.add(body);
      if (publishedNanos != 0
          && (oldestQueuedNanos == 0 || publishedNanos - oldestQueuedNanos < 0)) {
        oldestQueuedNanos = publishedNanos;
      }
      queuedBytes += size;
      if (own) {
        ownQueuedBytes += size;
      }
      grown |= queue.size() > SHRINK_SLOTS;
      lastQueuedNanos = System.nanoTime();
      if (state != State.IDLE) {
        updateCongestion();
        return true;
      }
      to(State.SCHEDULED);
    }
    if (writer.schedule(this)) {
      return true;
    }
    LOG.debug("{} cannot be written to any more: the servlet has stopped", this);
    synchronized (this) {
      clearQueue();
      if (state.open()) {
        because(CloseReason.SHUTDOWN);
        to(State.FELL_BEHIND);
      }
    }
    return false;
  }

  /** The hub ended the stream: finish after the queued bytes, or at once if it fell behind. */
  @Override
  public void end() {
    finish(null, CloseReason.ENDED);
  }

  /**
   * Queues {@code last} as the stream's final bytes (beyond the queue bound), then finishes;
   * {@code reason} is why, unless the stream is ending already.
   */
  void finishWith(byte[] last, CloseReason reason) {
    finish(last, reason);
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
    if (!queue(null, frame, true, 0)) {
      end();
    }
  }

  private void finish(byte[] last, CloseReason reason) {
    boolean completeNow = false;
    boolean turnNow = false;
    synchronized (this) {
      because(reason);
      switch (state) {
        case FELL_BEHIND -> completeNow = true;
        case IDLE -> {
          if (last == null) {
            completeNow = true;
          } else {
            queueLast(last);
            to(State.FINISHING_SCHEDULED);
            turnNow = true;
          }
        }
        case SCHEDULED -> {
          queueLast(last);
          to(State.FINISHING_SCHEDULED);
        }
        case PARKED -> {
          queueLast(last);
          to(State.FINISHING_PARKED);
        }
        default -> { } // finishing or closed already
      }
    }
    if (completeNow) {
      closeAndComplete(reason);
    } else if (turnNow) {
      askForTurn();
    }
  }

  private void queueLast(byte[] last) {
    finishingSince = System.nanoTime();
    if (last != null) {
      queue.add(last);
      queuedBytes += last.length;
      ownQueuedBytes += last.length;
    }
  }

  /**
   * How much of a write of {@code written} bytes was the hub's, so much credit it gets back: the
   * servlet's own bytes come first in the count (the totals are exact once the queue empties).
   * The caller holds this monitor, as it takes the batch.
   */
  private int hubBytes(int written) {
    int own = Math.min(ownQueuedBytes, written);
    ownQueuedBytes -= own;
    return written - own;
  }

  /**
   * Whether the stream has been finishing for {@code graceNanos} or more, its client not
   * reading its last bytes: the timer then cuts it off.
   */
  synchronized boolean finishingLongerThan(long nowNanos, long graceNanos) {
    return state.finishing() && nowNanos - finishingSince >= graceNanos;
  }

  /** Queues this stream for a writer turn; the caller has just moved it to a scheduled state. */
  private void askForTurn() {
    if (!writer.schedule(this)) {
      LOG.debug("{} cannot be written to any more: the servlet has stopped", this);
      closeAndComplete(CloseReason.SHUTDOWN);
    }
  }

  // --- the writers: a turn of ours, or the container's onWritePossible ---

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
      closeAndComplete(writeFailure(e));
      return;
    }
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
      }
    } catch (IOException | RuntimeException e) {
      LOG.debug("write to {} failed; closing it", this, e);
      closeAndComplete(writeFailure(e));
    }
  }

  /** A write that threw: the client is gone, or (anything but I/O) the container failed. */
  private static CloseReason writeFailure(Exception e) {
    return e instanceof IOException ? CloseReason.CLIENT_GONE : CloseReason.ERROR;
  }

  /**
   * One write of what is queued and its flush, by the owner of the output; {@code true} when
   * more is queued. The caller holds {@code io}, so a stream closed meanwhile is never written
   * to. A write that leaves the output not ready parks the stream: the container calls {@code
   * onWritePossible}, whose first step flushes what the container may still hold.
   */
  private boolean step() throws IOException {
    byte[] batch;
    synchronized (this) {
      if (!state.writerOwned() && !state.containerOwned()) {
        return false; // closed, or fell behind: end() completes it
      }
    }
    if (!out.isReady()) {
      return park();
    }
    int granted = 0;
    long oldestPublished = 0;
    synchronized (this) {
      batch = takeBatch();
      if (batch != null) {
        granted = hubBytes(batch.length);
        oldestPublished = oldestQueuedNanos;
        if (queue.isEmpty()) {
          oldestQueuedNanos = 0;
        }
      }
      updateCongestion();
    }
    if (batch != null) {
      out.write(batch);
      unflushed = true;
      if (listening) {
        reportWrite(batch.length, oldestPublished);
      }
      Subscription credit = subscription;
      if (credit != null && granted > 0) {
        credit.request(granted);
      }
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
      finished = state.finishing();
      if (!finished && state.open()) {
        to(State.IDLE);
      }
      if (grown) {
        // A burst grew the queue; an idle stream keeps a small one.
        queue = new ArrayDeque<>(4);
        grown = false;
      }
    }
    if (finished) {
      closeAndComplete(null);
    }
    return false;
  }

  /**
   * Tells the listener of a write and, when it carried live events, of the lag of the oldest
   * ({@code oldestPublished}, 0 for none) on one such write in {@value #LAG_SAMPLE_EVERY}: one
   * sample per write, so that a write of many events costs what a write of one does. The caller
   * holds io.
   */
  private void reportWrite(int bytes, long oldestPublished) {
    listener.written(bytes);
    if (oldestPublished != 0 && liveWrites++ % LAG_SAMPLE_EVERY == 0) {
      listener.sent(System.nanoTime() - oldestPublished);
    }
  }

  /** Leaves the output to the container, which owes a call to {@code onWritePossible}. */
  private boolean park() {
    synchronized (this) {
      if (state == State.SCHEDULED) {
        to(State.PARKED);
      } else if (state == State.FINISHING_SCHEDULED) {
        to(State.FINISHING_PARKED);
      }
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

  /** Drops everything queued. The caller holds this monitor. */
  private void clearQueue() {
    queue.clear();
    oldestQueuedNanos = 0;
    queuedBytes = 0;
    ownQueuedBytes = 0;
  }

  /** Sets why the stream ends, unless it is ending for another reason already. Holds this monitor. */
  private void because(CloseReason reason) {
    if (closeReason == null) {
      closeReason = reason;
    }
  }

  // --- the container's callbacks, and the end ---

  @Override
  public void onError(Throwable failure) {
    LOG.debug("write to {} failed; closing it", this, failure);
    closeAndComplete(CloseReason.CLIENT_GONE);
  }

  @Override
  public void onComplete(AsyncEvent event) {
    boolean closedNow;
    synchronized (io) {
      closedNow = close(CloseReason.CLIENT_GONE);
    }
    if (closedNow) {
      release();
    }
  }

  @Override
  public void onTimeout(AsyncEvent event) {
    // The servlet sets no async timeout; a container that imposes one still gets a clean end.
    closeAndComplete(CloseReason.ERROR);
  }

  @Override
  public void onError(AsyncEvent event) {
    LOG.debug("stream {} failed; closing it", this, event.getThrowable());
    closeAndComplete(CloseReason.CLIENT_GONE);
  }

  @Override
  public void onStartAsync(AsyncEvent event) {
    // Not restarted.
  }

  /**
   * Ends the response now, dropping anything still queued. The response is completed exactly
   * once, and the container's objects are not touched afterwards. {@code reason} is why, unless
   * the stream was ending for another reason already ({@code null}: it was).
   */
  void closeAndComplete(CloseReason reason) {
    boolean closedNow;
    synchronized (io) {
      closedNow = close(reason);
      if (closedNow) {
        try {
          async.complete();
        } catch (IllegalStateException alreadyDone) {
          // The container ended the request already.
        }
      }
    }
    if (closedNow) {
      release();
    }
  }

  /** Moves to CLOSED and drops the queue; {@code true} for the one caller that did. */
  private synchronized boolean close(CloseReason reason) {
    if (state == State.CLOSED) {
      return false;
    }
    if (reason != null) {
      because(reason);
    }
    to(State.CLOSED);
    clearQueue();
    updateCongestion();
    return true;
  }

  /** The bytes queued now, for the listener's gauge. */
  synchronized int queuedBytes() {
    return queuedBytes;
  }

  /**
   * After the move to CLOSED, once: releases the hub registration (closing a subscription calls
   * nothing back), the timer tasks and the connection slot.
   */
  private void release() {
    Subscription registered = subscription;
    if (registered != null) {
      registered.close();
    }
    List<Future<?>> tasks;
    CloseReason reason;
    synchronized (this) {
      tasks = timers;
      timers = null;
      reason = closeReason != null ? closeReason : CloseReason.ERROR;
    }
    if (tasks != null) {
      tasks.forEach(task -> task.cancel(false));
    }
    owner.remove(this);
    Runnable action = onRelease;
    if (action != null) {
      action.run();
    }
    writer.relieveLater();
    listener.streamClosed(reason);
  }

  /** The one place the state changes; the caller holds this monitor. */
  private void to(State next) {
    state = next;
    updateCongestion();
  }

  /** Tells the writer whether this stream is congested. The caller holds this monitor. */
  private void updateCongestion() {
    boolean now = state.writerOwned() && queuedBytes > congestionMark;
    if (now != congested) {
      congested = now;
      writer.congested(now ? 1 : -1);
    }
  }

  @Override
  public String toString() {
    Subscription registered = subscription;
    return "SseConnection" + (registered == null ? "[]" : registered.topics());
  }
}
