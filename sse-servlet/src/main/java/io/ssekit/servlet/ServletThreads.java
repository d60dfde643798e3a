package io.ssekit.servlet;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Makes the few threads of one servlet: daemons named {@code ssekit-<role>-<servlet>-<n>}, in the
 * application's class loader, and joined when the servlet stops, because a container checks for
 * threads an application left behind (Tomcat warns of a memory leak). The pools that use it keep
 * their threads for their lifetime, so it remembers a bounded number of them.
 */
final class ServletThreads implements ThreadFactory {
  private final String prefix;
  private final ClassLoader loader = Thread.currentThread().getContextClassLoader();
  private final AtomicInteger numbers = new AtomicInteger();
  private final List<Thread> made = new CopyOnWriteArrayList<>();

  ServletThreads(String role, String servletName) {
    this.prefix = "ssekit-" + role + "-" + servletName + "-";
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
  boolean awaitExit(long millis) throws InterruptedException {
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
