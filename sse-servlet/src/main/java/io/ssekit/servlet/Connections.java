package io.ssekit.servlet;

import io.ssekit.ProtocolEvents;
import io.ssekit.SseEncoder;
import io.ssekit.internal.OwnedThreads;
import io.ssekit.spi.KeepAlivePolicy;
import io.ssekit.spi.SseEvent;
import io.ssekit.spi.SseListener;
import io.ssekit.spi.SseListener.CloseReason;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The open streams of one servlet: the connection cap, the {@link StreamWriter} that writes them,
 * one shared timer for keep-alive, lifetime and credential expiry, and the graceful shutdown.
 *
 * <p>The timer is one daemon thread for all connections. Each sweep (a quarter of the keep-alive
 * interval, between 10 ms and 1 s) queues a keep-alive comment on every stream that queued
 * nothing for the interval, finishes streams that reached their maximum lifetime, and cuts off
 * streams whose client has not taken their last bytes {@value #FINISH_GRACE_MILLIS} ms after they
 * began to finish. A stream
 * whose credentials expire has one task at a time on the same timer, at the exact instants: the
 * warning, then the close (see {@link #expireAt}).
 *
 * <p>It is the {@link SseListener.Source} of its servlet's gauges: the open streams and the bytes
 * they have queued.
 */
final class Connections implements SseListener.Source {
  /**
   * How long a finishing stream (credentials expired, lifetime over, ended by the hub) may take
   * to write its last bytes before it is cut off; shutdown has its own grace.
   */
  static final long FINISH_GRACE_MILLIS = 5000;

  private static final Logger LOG = LoggerFactory.getLogger(Connections.class);
  private static final byte[] KEEP_ALIVE = SseEncoder.keepAlive();

  private final Set<SseConnection> open = ConcurrentHashMap.newKeySet();
  private final AtomicInteger reserved = new AtomicInteger();
  private final int maxConnections;
  private final KeepAlivePolicy policy;
  private final Duration expiryWarning;
  private final OwnedThreads timerThread;
  private final ScheduledThreadPoolExecutor timer;
  private final StreamWriter writer;
  private final SseListener listener;
  private volatile boolean stopping;

  Connections(int maxConnections, KeepAlivePolicy policy, Duration expiryWarning, String name) {
    this(maxConnections, policy, expiryWarning, name, SseListener.NONE);
  }

  /** {@code listener} is guarded already (its exceptions stop there). */
  Connections(int maxConnections, KeepAlivePolicy policy, Duration expiryWarning, String name,
      SseListener listener) {
    this.listener = listener;
    this.maxConnections = maxConnections;
    this.policy = policy;
    this.expiryWarning = expiryWarning;
    this.writer = new StreamWriter(name);
    this.timerThread = new OwnedThreads("keepalive", name);
    this.timer = new ScheduledThreadPoolExecutor(1, timerThread);
    // Expiry tasks of streams that ended earlier are cancelled; drop them from the queue at once.
    timer.setRemoveOnCancelPolicy(true);
    long period = Math.max(10, Math.min(1000, policy.interval().toMillis() / 4));
    timer.scheduleAtFixedRate(this::sweep, period, period, TimeUnit.MILLISECONDS);
  }

  /** The threads that write these streams. */
  StreamWriter writer() {
    return writer;
  }

  /** What hears of these streams. */
  SseListener listener() {
    return listener;
  }

  @Override
  public int openStreams() {
    return open.size();
  }

  @Override
  public long queuedBytes() {
    long total = 0;
    for (SseConnection connection : open) {
      total += connection.queuedBytes();
    }
    return total;
  }

  /** Takes a connection slot; {@code false} when the cap is reached or the servlet is stopping. */
  boolean tryReserve() {
    if (stopping) {
      return false;
    }
    while (true) {
      int current = reserved.get();
      if (current >= maxConnections) {
        return false;
      }
      if (reserved.compareAndSet(current, current + 1)) {
        return true;
      }
    }
  }

  /** Gives back a slot taken by {@link #tryReserve()} for a request that did not open a stream. */
  void unreserve() {
    reserved.decrementAndGet();
  }

  /** Counts an opened stream, which holds the slot its request reserved. */
  void add(SseConnection connection) {
    open.add(connection);
    if (stopping) {
      connection.finishWith(closingFrame(ProtocolEvents.SHUTDOWN), CloseReason.SHUTDOWN);
    }
  }

  /** Called once per stream when it is released; frees its slot. */
  void remove(SseConnection connection) {
    if (open.remove(connection)) {
      reserved.decrementAndGet();
      synchronized (this) {
        notifyAll();
      }
    }
  }

  /**
   * Warns {@code connection} {@code expiryWarning} before {@code expiresAt} with an {@code
   * sse-token-expiring} event, whose data gives the instant and the seconds left, and ends it at
   * {@code expiresAt} with a jittered {@code retry:} hint and {@code sse-token-expired}; a stream
   * whose client does not take those last bytes within {@value #FINISH_GRACE_MILLIS} ms is cut
   * off by the sweep. The tasks are cancelled when the stream ends first.
   */
  void expireAt(SseConnection connection, Instant expiresAt) {
    // One task at a time per stream: each step schedules the next.
    long untilWarning = Math.max(0, millisUntil(expiresAt) - expiryWarning.toMillis());
    later(connection, untilWarning, () -> {
      connection.offerOrEnd(expiringFrame(expiresAt));
      later(connection, Math.max(0, millisUntil(expiresAt)), () -> {
        connection.finishWith(closingFrame(ProtocolEvents.TOKEN_EXPIRED),
            CloseReason.CREDENTIALS_EXPIRED);
      });
    });
  }

  /** Runs {@code step} for {@code connection} in {@code millis}, unless the stream ends first. */
  private void later(SseConnection connection, long millis, Runnable step) {
    try {
      connection.cancelOnRelease(timer.schedule(step, millis, TimeUnit.MILLISECONDS));
    } catch (RejectedExecutionException stopped) {
      // The servlet is stopping: every stream gets server-shutdown instead.
    }
  }

  private static long millisUntil(Instant instant) {
    Instant now = Instant.now();
    try {
      return Duration.between(now, instant).toMillis();
    } catch (ArithmeticException farAway) {
      return instant.isBefore(now) ? 0 : Long.MAX_VALUE / 2;
    }
  }

  private static byte[] expiringFrame(Instant expiresAt) {
    long secondsLeft = Math.max(0, (millisUntil(expiresAt) + 999) / 1000);
    return SseEncoder.encode(SseEvent.named(ProtocolEvents.TOKEN_EXPIRING, "{\"expiresAt\":\"" + expiresAt
        + "\",\"expiresIn\":" + secondsLeft + "}"));
  }

  /** Open streams. */
  int count() {
    return open.size();
  }

  /** Slots in use (open streams and requests about to open one), from 0 to 1 of the cap. */
  double load() {
    return Math.min(1.0, reserved.get() / (double) maxConnections);
  }

  boolean isStopping() {
    return stopping;
  }

  /**
   * A final frame: a jittered {@code retry:} hint (between the policy's hint for the current load
   * and half as much again) and the named event, whose data repeats the hint in milliseconds.
   */
  byte[] closingFrame(String event) {
    return closingFrame(event, Duration.ZERO);
  }

  /** A final frame as {@link #closingFrame(String)}, its hint {@code later} than that. */
  byte[] closingFrame(String event, Duration later) {
    Duration retry = closingHint(later);
    return SseEncoder.encode(
        new SseEvent(null, event, "{\"retry\":" + retry.toMillis() + "}", retry));
  }

  /** The jittered hint for the current load, plus {@code later}. */
  Duration closingHint(Duration later) {
    return jittered(policy.retryBeforeClose(load())).plus(later);
  }

  /**
   * Sends every stream {@code server-shutdown} and waits up to {@code grace} for them to be
   * written; streams still open then are closed. New requests are refused from the start.
   */
  void shutdown(Duration grace) {
    if (stopping) {
      return;
    }
    stopping = true;
    for (SseConnection connection : open) {
      connection.finishWith(closingFrame(ProtocolEvents.SHUTDOWN), CloseReason.SHUTDOWN);
    }
    long deadline = System.nanoTime() + grace.toNanos();
    synchronized (this) {
      long left;
      while (!open.isEmpty() && (left = deadline - System.nanoTime()) > 0) {
        try {
          TimeUnit.NANOSECONDS.timedWait(this, left);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
    }
    if (!open.isEmpty()) {
      LOG.info("{} streams did not finish within {}; closing them", open.size(), grace);
      for (SseConnection connection : open) {
        connection.closeAndComplete(CloseReason.SHUTDOWN);
      }
    }
    timer.shutdownNow();
    try {
      // A container checks for threads left behind by a stopped application.
      if (!timer.awaitTermination(1, TimeUnit.SECONDS) || !timerThread.awaitExit(1000)) {
        LOG.warn("the keep-alive timer did not stop within 1 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    writer.stop();
  }

  private void sweep() {
    try {
      long now = System.nanoTime();
      long idle = policy.interval().toNanos();
      long lifetime = policy.maxLifetime().map(Duration::toNanos).orElse(Long.MAX_VALUE);
      long grace = TimeUnit.MILLISECONDS.toNanos(FINISH_GRACE_MILLIS);
      for (SseConnection connection : open) {
        if (!stopping && connection.finishingLongerThan(now, grace)) {
          // A client that stopped reading would hold a finishing stream open: cut it off.
          // While the servlet shuts down, its own grace decides instead.
          connection.closeAndComplete(null);
        } else if (now - connection.openedNanos() >= lifetime) {
          connection.finishWith(SseEncoder.retry(jittered(policy.retryBeforeClose(load()))),
              CloseReason.MAX_LIFETIME);
        } else {
          connection.keepAliveIfIdle(now, idle, KEEP_ALIVE);
        }
      }
    } catch (RuntimeException e) {
      LOG.warn("keep-alive sweep failed; it runs again at the next tick", e);
    }
  }

  /** {@code base} plus a uniformly random amount up to half of it. */
  static Duration jittered(Duration base) {
    long millis = base.toMillis();
    return Duration.ofMillis(millis + ThreadLocalRandom.current().nextLong(millis / 2 + 1));
  }
}
