package io.ssekit.sample;

import io.ssekit.SseHub;
import io.ssekit.auth.JwtAuthenticator;
import io.ssekit.fanout.redis.RedisFanout;
import io.ssekit.history.memory.MemoryEventHistory;
import io.ssekit.history.redis.RedisEventHistory;
import io.ssekit.servlet.SseServlet;
import io.ssekit.servlet.TicketServlet;
import io.ssekit.spi.Authenticator;
import io.ssekit.spi.SseListener;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.http2.server.HTTP2CServerConnectionFactory;
import org.eclipse.jetty.io.ArrayByteBufferPool;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.AcceptRateLimit;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * The sample app: {@link SseServlet} on embedded Jetty 12, HTTP/1.1 and h2c on one port.
 *
 * <ul>
 *   <li>{@code GET /} the live page; {@code GET /events} the stream;</li>
 *   <li>{@code POST /send} and {@code POST /publish} publish; {@code GET /health}, {@code
 *       /health/live} and {@code /health/ready} report; {@code GET /metrics} serves the meters
 *       in the Prometheus format (unless {@code SSE_METRICS=off});</li>
 *   <li>with {@code SSE_AUTH_JWT_SECRET} set, every stream and publish needs a JWT with the
 *       topic's permission, and {@code POST /auth/ticket} hands out stream tickets.</li>
 * </ul>
 * Configured by environment variables (see {@link AppConfig}). On SIGTERM every stream gets
 * {@code server-shutdown}, and the process exits with status 0. Requests are logged through
 * {@link AccessLog}, credentials hidden. {@code java -jar sample-app.jar token ...} prints a token
 * for trying auth (see {@link TokenCommand}).
 */
public final class SampleApp implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SampleApp.class);

  /** The largest body {@code /send} and {@code /publish} read. */
  static final int MAX_BODY_BYTES = SseHub.DEFAULT_MAX_EVENT_SIZE + 4096;

  private final Server server;
  /**
   * The buffer pool's bucket size. Every open stream holds its response buffer (1 KB, direct)
   * for as long as it is open, and a pool hands out a bucket's size: with Jetty's default of 4 KB
   * an idle stream holds 4 KB of native memory, with 1 KB buckets 1 KB.
   */
  static final int BUFFER_POOL_BUCKET_BYTES = 1024;
  /** The largest buffer the pool keeps, as Jetty's default pool does. */
  static final int BUFFER_POOL_MAX_BYTES = 64 * 1024;
  /** Connections the kernel queues for accepting. */
  static final int ACCEPT_QUEUE_SIZE = 4096;

  private final ServerConnector connector;
  private final SseServlet events;
  private final SseHub hub;
  private final AtomicBoolean shuttingDown;
  private final AppMeters meters;

  private SampleApp(Server server, ServerConnector connector, SseServlet events, SseHub hub,
      AtomicBoolean shuttingDown, AppMeters meters) {
    this.server = server;
    this.connector = connector;
    this.events = events;
    this.hub = hub;
    this.shuttingDown = shuttingDown;
    this.meters = meters;
  }

  /** Starts the app from the environment; a bad variable stops it with exit status 2. */
  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals("token")) {
      try {
        System.out.println(TokenCommand.mint(Arrays.asList(args).subList(1, args.length),
            System.getenv()));
        return;
      } catch (IllegalArgumentException e) {
        System.err.println("sample-app token: " + e.getMessage());
        System.exit(2);
      }
    }
    SampleApp app;
    try {
      app = start(AppConfig.fromEnvironment(System.getenv()));
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

  /**
   * The bytes of an HS256 secret from {@code SSE_AUTH_JWT_SECRET}.
   *
   * @throws IllegalArgumentException for fewer than 32 bytes, saying why
   */
  static byte[] jwtSecretBytes(String secret) {
    byte[] bytes = secret.getBytes(StandardCharsets.UTF_8);
    if (bytes.length < 32) {
      throw new IllegalArgumentException("SSE_AUTH_JWT_SECRET must be at least 32 bytes, was "
          + bytes.length + ": an HS256 key shorter than its 256-bit hash can be guessed offline"
          + " from a single token (RFC 7518, section 3.2); generate one with"
          + " 'openssl rand -base64 32'");
    }
    return bytes;
  }

  /** The server's buffer pool: buckets of {@value #BUFFER_POOL_BUCKET_BYTES} bytes. */
  static ArrayByteBufferPool bufferPool() {
    return new ArrayByteBufferPool(0, BUFFER_POOL_BUCKET_BYTES, BUFFER_POOL_MAX_BYTES);
  }

  /** Starts Jetty with the app's servlets; port 0 picks a free port. */
  public static SampleApp start(AppConfig config) throws Exception {
    AppMeters meters = AppMeters.of(config.metrics());
    SseListener listener = meters.listener();
    SseHub.Builder hubBuilder = SseHub.builder().listener(listener)
        .replayConcurrency(config.replayConcurrency())
        .idempotencyWindow(config.idempotencyWindow());
    Optional<BooleanSupplier> redisUp = Optional.empty();
    if (config.redisUri().isPresent()) {
      String uri = config.redisUri().get();
      RedisEventHistory history;
      try {
        RedisEventHistory.Builder builder = RedisEventHistory.builder().uri(uri)
            .maxEventsPerTopic(config.historySize()).replicas(config.redisReplicas());
        config.redisReplicaTimeout().ifPresent(builder::replicaTimeout);
        history = builder.build();
      } catch (IllegalArgumentException | IllegalStateException e) {
        throw new IllegalArgumentException("SSE_REDIS_URI: " + e.getMessage(), e);
      }
      RedisFanout fanout = RedisFanout.builder().uri(uri).build();
      hubBuilder.history(history).fanout(fanout);
      redisUp = Optional.of(() -> history.isConnected() && fanout.isConnected());
    } else {
      hubBuilder.history(MemoryEventHistory.builder().maxEventsPerTopic(config.historySize())
          .build());
    }
    Optional<JwtAuthenticator> jwt = config.jwtSecret().map(secret ->
        JwtAuthenticator.builder().hs256Secret(jwtSecretBytes(secret)).build());
    Authenticator authenticator = jwt.<Authenticator>map(a -> a).orElse(Authenticator.allowAll());
    redisUp.ifPresent(meters::bindRedis);
    SseHub hub = hubBuilder.build();
    SseServlet.Builder servlet = SseServlet.builder()
        .hub(hub)
        .listener(listener)
        .authenticator(authenticator)
        .keepAlive(config.keepAlive())
        .maxConnections(config.maxConnections())
        .corsOrigins(config.corsOrigins())
        .shutdownGrace(config.shutdownGrace());
    config.retry().ifPresent(servlet::retry);
    config.maxConnectsPerSecond().ifPresent(servlet::maxConnectsPerSecond);
    config.streamLimits().applyTo(servlet);
    // While Redis cannot be reached (down since the start, or now), new streams get sse-busy
    // and come back after its retry: hint, instead of a stream that ends at once.
    redisUp.ifPresent(servlet::availableWhen);
    SseServlet events = servlet.build();

    QueuedThreadPool threads = new QueuedThreadPool(200, 8);
    threads.setName("sample-app");
    meters.bindJetty(threads);
    Server server = new Server(threads, null, bufferPool());
    HttpConfiguration http = new HttpConfiguration();
    http.setSendServerVersion(false);
    ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http),
        new HTTP2CServerConnectionFactory(http));
    connector.setPort(config.port());
    // A burst of reconnecting clients would overflow the JDK's default backlog of 50: the kernel
    // drops their SYNs and they retry a second or more later.
    connector.setAcceptQueueSize(ACCEPT_QUEUE_SIZE);
    server.addConnector(connector);
    // Over the rate the connector stops accepting for a while: a reconnect storm waits in the
    // kernel's queue, at no cost, instead of in the thread pool's, where it would hold back the
    // requests of connections already open (publishes among them).
    config.maxAcceptsPerSecond().ifPresent(rate ->
        server.addBean(new AcceptRateLimit(rate, 1, TimeUnit.SECONDS, connector)));

    ServletContextHandler context = new ServletContextHandler("/");
    ServletHolder stream = new ServletHolder("events", events);
    stream.setAsyncSupported(true);
    stream.setInitOrder(1);
    context.addServlet(stream, "/events");
    context.addServlet(new ServletHolder("send",
        new PublishServlet(hub, authenticator, listener, PublishServlet.Mode.SEND,
            MAX_BODY_BYTES)),
        "/send");
    context.addServlet(new ServletHolder("publish",
        new PublishServlet(hub, authenticator, listener, PublishServlet.Mode.PUBLISH,
            MAX_BODY_BYTES)),
        "/publish");
    jwt.ifPresent(tokens -> context.addServlet(new ServletHolder("tickets",
        new TicketServlet(tokens, listener)), "/auth/ticket"));
    AtomicBoolean shuttingDown = new AtomicBoolean();
    context.addServlet(new ServletHolder("health",
        new HealthServlet(events::connectionCount, redisUp, shuttingDown::get)), "/health/*");
    meters.servlet().ifPresent(metrics ->
        context.addServlet(new ServletHolder("metrics", metrics), "/metrics"));
    context.addServlet(new ServletHolder("page", new PageServlet()), "/");
    server.setErrorHandler(ProblemErrorHandler.forServer());
    context.setErrorHandler(ProblemErrorHandler.forContext());
    server.setHandler(context);
    server.setRequestLog(new AccessLog());
    server.setStopTimeout(config.shutdownGrace().toMillis() + 500);
    server.start();
    return new SampleApp(server, connector, events, hub, shuttingDown, meters);
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
   * Turns {@code /health/ready} to 503, then sends every stream {@code server-shutdown}, waits up
   * to the shutdown grace for them, then stops Jetty. Streams end before Jetty closes its
   * connections.
   */
  @Override
  public void close() {
    shuttingDown.set(true);
    events.shutdown();
    try {
      server.stop();
    } catch (Exception e) {
      LOG.warn("Jetty did not stop cleanly", e);
    }
    hub.close();
    meters.close();
  }
}
