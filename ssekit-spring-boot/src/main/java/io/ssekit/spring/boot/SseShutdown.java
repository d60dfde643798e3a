package io.ssekit.spring.boot;

import io.ssekit.servlet.SseServlet;
import org.springframework.boot.web.server.context.WebServerGracefulShutdownLifecycle;
import org.springframework.context.SmartLifecycle;

/**
 * Ends every stream with {@code server-shutdown} (and a jittered {@code retry:} hint) when the
 * application context closes, before the web server stops accepting: its phase is above that of
 * Boot's graceful shutdown ({@code server.shutdown=graceful}, which would otherwise wait for the
 * never-ending streams) and of the web server's own stop. Streams that ask to open from then on
 * get {@code server-shutdown} too.
 */
public final class SseShutdown implements SmartLifecycle {
  /** Stops before the web server's graceful shutdown and before the web server itself. */
  public static final int PHASE = WebServerGracefulShutdownLifecycle.SMART_LIFECYCLE_PHASE + 512;

  private final SseServlet servlet;
  private volatile boolean running;

  /** Shuts {@code servlet}'s streams down when the context stops. */
  public SseShutdown(SseServlet servlet) {
    this.servlet = servlet;
  }

  @Override
  public void start() {
    running = true;
  }

  /** Sends {@code server-shutdown} to every stream, waiting up to {@code ssekit.shutdown-grace}. */
  @Override
  public void stop() {
    running = false;
    servlet.shutdown();
  }

  @Override
  public boolean isRunning() {
    return running;
  }

  @Override
  public int getPhase() {
    return PHASE;
  }
}
