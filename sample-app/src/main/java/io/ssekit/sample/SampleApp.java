package io.ssekit.sample;

import io.ssekit.SseHub;
import io.ssekit.fanout.redis.RedisFanout;
import io.ssekit.history.memory.MemoryEventHistory;
import io.ssekit.history.redis.RedisEventHistory;
import io.ssekit.servlet.SseServlet;
import io.ssekit.spi.KeepAlivePolicy;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.http2.server.HTTP2CServerConnectionFactory;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * The sample app: {@link SseServlet} on embedded Jetty 12, HTTP/1.1 and h2c on one port.
 *
 * <ul>
 *   <li>{@code GET /} the live page; {@code GET /events} the stream;</li>
 *   <li>{@code POST /send} and {@code POST /publish} publish; {@code GET /health} reports.</li>
 * </ul>
 * Configured by environment variables (see {@link AppConfig}). On SIGTERM every stream gets
 * {@code server-shutdown}, and the process exits with status 0.
 */
public final class SampleApp implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SampleApp.class);

  /** The largest body {@code /send} and {@code /publish} read. */
  static final int MAX_BODY_BYTES = SseHub.DEFAULT_MAX_EVENT_SIZE + 4096;

  private final Server server;
  private final ServerConnector connector;
  private final SseServlet events;
  private final SseHub hub;

  private SampleApp(Server server, ServerConnector connector, SseServlet events, SseHub hub) {
    this.server = server;
    this.connector = connector;
    this.events = events;
    this.hub = hub;
  }

  /** Starts the app from the environment; a bad variable stops it with exit status 2. */
  public static void main(String[] args) throws Exception {
    SampleApp app;
    try {
      AppConfig config = AppConfig.fromEnvironment(System.getenv());
      requireSupported(config);
      app = start(config);
    } catch (IllegalArgumentException e) {
      System.err.println("sample-app cannot start: " + e.getMessage());
      System.exit(2);
      return;
    }
    Signal.handle(new Signal("TERM"), signal -> {
      LOG.info("SIGTERM: closing streams");
      app.close();
      System.exit(0);
    });
    LOG.info("ssekit sample app on http://localhost:{}/ (stream: /events, publish: POST /send)",
        app.port());
    app.server.join();
  }

  /** Refuses settings whose modules this build does not contain, naming the variable. */
  static void requireSupported(AppConfig config) {
    if (config.jwtSecret().isPresent()) {
      throw new IllegalArgumentException("SSE_AUTH_JWT_SECRET is set, but this build has no"
          + " auth module; unset it to run without authentication");
    }
  }

  /** Starts Jetty with the app's servlets; port 0 picks a free port. */
  public static SampleApp start(AppConfig config) throws Exception {
    SseHub.Builder hubBuilder = SseHub.builder();
    Optional<BooleanSupplier> redisUp = Optional.empty();
    if (config.redisUri().isPresent()) {
      String uri = config.redisUri().get();
      RedisEventHistory history;
      try {
        history = RedisEventHistory.builder().uri(uri)
            .maxEventsPerTopic(config.historySize()).build();
      } catch (IllegalArgumentException | IllegalStateException e) {
        throw new IllegalArgumentException("SSE_REDIS_URI: " + e.getMessage(), e);
      }
      hubBuilder.history(history).fanout(RedisFanout.builder().uri(uri).build());
      redisUp = Optional.of(history::isConnected);
    } else {
      hubBuilder.history(MemoryEventHistory.builder().maxEventsPerTopic(config.historySize())
          .build());
    }
    SseHub hub = hubBuilder.build();
    KeepAlivePolicy.Fixed keepAlive = KeepAlivePolicy.every(config.keepAlive());
    if (config.retry().isPresent()) {
      keepAlive = keepAlive.withRetry(config.retry().get());
    }
    SseServlet events = SseServlet.builder()
        .hub(hub)
        .keepAlive(keepAlive)
        .maxConnections(config.maxConnections())
        .corsOrigins(config.corsOrigins())
        .shutdownGrace(config.shutdownGrace())
        .build();

    QueuedThreadPool threads = new QueuedThreadPool(200, 8);
    threads.setName("sample-app");
    Server server = new Server(threads);
    HttpConfiguration http = new HttpConfiguration();
    http.setSendServerVersion(false);
    ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http),
        new HTTP2CServerConnectionFactory(http));
    connector.setPort(config.port());
    server.addConnector(connector);

    ServletContextHandler context = new ServletContextHandler("/");
    ServletHolder stream = new ServletHolder("events", events);
    stream.setAsyncSupported(true);
    stream.setInitOrder(1);
    context.addServlet(stream, "/events");
    context.addServlet(new ServletHolder("send",
        new PublishServlet(hub, PublishServlet.Mode.SEND, MAX_BODY_BYTES)), "/send");
    context.addServlet(new ServletHolder("publish",
        new PublishServlet(hub, PublishServlet.Mode.PUBLISH, MAX_BODY_BYTES)), "/publish");
    context.addServlet(new ServletHolder("health", new HealthServlet(events::connectionCount, redisUp)),
        "/health");
    context.addServlet(new ServletHolder("page", new PageServlet()), "/");
    ErrorHandler errors = new ErrorHandler();
    errors.setShowStacks(false);
    errors.setShowMessageInTitle(false);
    server.setErrorHandler(errors);
    server.setHandler(context);
    server.setStopTimeout(config.shutdownGrace().toMillis() + 500);
    server.start();
    return new SampleApp(server, connector, events, hub);
  }

  /** The port the app listens on. */
  public int port() {
    return connector.getLocalPort();
  }

  /** The hub behind {@code /events}. */
  SseHub hub() {
    return hub;
  }

  /**
   * Sends every stream {@code server-shutdown}, waits up to the shutdown grace for them, then
   * stops Jetty. Streams end before Jetty closes its connections.
   */
  @Override
  public void close() {
    events.shutdown();
    try {
      server.stop();
    } catch (Exception e) {
      LOG.warn("Jetty did not stop cleanly", e);
    }
    hub.close();
  }
}
