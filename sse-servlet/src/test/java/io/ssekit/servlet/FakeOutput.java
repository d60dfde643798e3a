package io.ssekit.servlet;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/** A response output stream with a chosen speed, and its request's async context, for tests. */
final class FakeOutput extends ServletOutputStream {
  final AtomicBoolean completed = new AtomicBoolean();
  /** When the response was completed, by {@link System#nanoTime()}. */
  volatile long completedNanos;
  private final long writeNanos;
  private final boolean stalls;
  private final int pauseEvery;
  private final StringBuilder text = new StringBuilder();
  private int writes;
  private int sincePause;
  private boolean wroteOnce;
  private boolean unflushed;
  private boolean waiting;
  private CountDownLatch held;
  volatile WriteListener listener;

  private FakeOutput(long writeNanos, boolean stalls, int pauseEvery) {
    this.writeNanos = writeNanos;
    this.stalls = stalls;
    this.pauseEvery = pauseEvery;
  }

  /** A client that reads everything at once, behind a write that costs {@code nanos}. */
  static FakeOutput reading(long nanos) {
    return new FakeOutput(nanos, false, 0);
  }

  /** A client that stops reading after the first write. */
  static FakeOutput stalled() {
    return new FakeOutput(0, true, 0);
  }

  /**
   * A client that is not ready after every {@code every}th write; like a container, the output
   * calls {@code onWritePossible} on another thread 200 µs after {@code isReady()} said so.
   */
  static FakeOutput pausing(int every) {
    return new FakeOutput(0, false, every);
  }

  /** A client that takes the first write, then holds every later write until {@link #release}. */
  static FakeOutput holding() {
    FakeOutput output = new FakeOutput(0, false, 0);
    output.held = new CountDownLatch(1);
    return output;
  }

  void release() {
    held.countDown();
  }

  synchronized String text() {
    return text.toString();
  }

  synchronized boolean unflushed() {
    return unflushed;
  }

  /**
   * Opens a stream on this output as {@code SseServlet} does: a slot, the connection, and the
   * container's first {@code onWritePossible}, which writes {@code greeting}.
   */
  SseConnection open(Connections connections, int queueBound, byte[] greeting) {
    if (!connections.tryReserve()) {
      throw new IllegalStateException("no connection slot left");
    }
    SseConnection connection = new SseConnection(connections, async(), this, queueBound, greeting);
    connections.add(connection);
    listener = connection;
    connection.onWritePossible();
    return connection;
  }

  private AsyncContext async() {
    return (AsyncContext) Proxy.newProxyInstance(getClass().getClassLoader(),
        new Class<?>[] {AsyncContext.class}, (proxy, method, args) -> {
          if (method.getName().equals("complete")) {
            completedNanos = System.nanoTime();
            completed.set(true);
          }
          return method.getReturnType() == long.class ? 0L : null;
        });
  }

  synchronized int events() {
    int events = 0;
    for (int at = text.indexOf("data:"); at >= 0; at = text.indexOf("data:", at + 1)) {
      events++;
    }
    return events;
  }

  synchronized int writes() {
    return writes;
  }

  @Override
  public synchronized boolean isReady() {
    if (stalls && wroteOnce) {
      return false;
    }
    if (pauseEvery > 0 && sincePause >= pauseEvery && !waiting) {
      waiting = true;
      sincePause = 0;
      CompletableFuture.runAsync(() -> {
        LockSupport.parkNanos(200_000);
        synchronized (this) {
          waiting = false;
        }
        try {
          listener.onWritePossible();
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
      return false;
    }
    return !waiting;
  }

  @Override
  public synchronized void flush() {
    unflushed = false;
  }

  @Override
  public void setWriteListener(WriteListener writeListener) {
    listener = writeListener;
  }

  @Override
  public void write(int b) {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public void write(byte[] bytes, int offset, int length) {
    boolean hold;
    synchronized (this) {
      hold = held != null && writes > 0;
    }
    if (hold) {
      try {
        held.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    long until = System.nanoTime() + writeNanos;
    while (System.nanoTime() < until) {
      Thread.onSpinWait(); // the cost of a system call
    }
    synchronized (this) {
      writes++;
      sincePause++;
      wroteOnce = true;
      unflushed = true;
      text.append(new String(bytes, offset, length, StandardCharsets.UTF_8));
    }
  }
}
