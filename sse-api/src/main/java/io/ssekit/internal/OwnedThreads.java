package io.ssekit.internal;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Makes the threads of one ssekit component: daemons named {@code ssekit-<role>-<owner>-<n>}, in
 * the class loader of the code that created the component (never the common pool's, which in a
 * container is the wrong one), and joined when the component stops, because a container checks
 * for threads an application left behind (Tomcat warns of a memory leak). The pools that use it
 * keep their threads for their lifetime, so it remembers a bounded number of them.
 */
public final class OwnedThreads implements ThreadFactory {
  private final String prefix;
  private final ClassLoader loader = Thread.currentThread().getContextClassLoader();
  private final AtomicInteger numbers = new AtomicInteger();
  private final List<Thread> made = new CopyOnWriteArrayList<>();

  /** Threads named {@code ssekit-<role>-<owner>-<n>}. */
  public OwnedThreads(String role, String owner) {
    this.prefix = "ssekit-" + role + "-" + owner + "-";
  }

  @Override
  public Thread newThread(Runnable runnable) {
    Thread thread = new Thread(runnable, prefix + numbers.incrementAndGet());
    thread.setDaemon(true);
    thread.setContextClassLoader(loader);
    made.add(thread);
    return thread;
  }

  /**
   * Waits up to {@code millis} in all for the threads, once their pool has been shut down;
   * answers whether all have ended.
   */
  public boolean awaitExit(long millis) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
    for (Thread thread : made) {
      long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
      if (left > 0) {
        thread.join(left);
      }
    }
    made.removeIf(thread -> !thread.isAlive());
    return made.isEmpty();
  }
}
