package io.ssekit.servlet;

import io.undertow.Undertow;
import io.undertow.servlet.Servlets;
import io.undertow.servlet.api.DeploymentInfo;
import io.undertow.servlet.api.DeploymentManager;
import io.undertow.servlet.util.ImmediateInstanceFactory;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;
import org.apache.catalina.Context;
import org.apache.catalina.Lifecycle;
import org.apache.catalina.Wrapper;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.core.StandardContext;
import org.apache.catalina.startup.Tomcat;
import org.apache.coyote.http2.Http2Protocol;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpHeaderValue;
import org.eclipse.jetty.http2.WindowRateControl;
import org.eclipse.jetty.http2.server.HTTP2CServerConnectionFactory;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.server.handler.gzip.GzipHandler;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.component.LifeCycle;

/**
 * A real servlet container on a free loopback port, serving one servlet at {@code /events}, over
 * HTTP/1.1 and h2c (upgrade) on the same port (Undertow: HTTP/1.1).
 */
interface TestServer extends AutoCloseable {
  /**
   * The containers' default async timeout in these tests (Tomcat's connector setting; Jetty's
   * system property, set in the build; on Undertow, whose default of 30 s is fixed, a filter sets
   * it on every started async request): far shorter than the tests, so that a stream outliving it
   * proves the servlet overrides it.
   */
  Duration CONTAINER_ASYNC_TIMEOUT = Duration.ofSeconds(1);

  /** {@code http://127.0.0.1:port} + {@code pathAndQuery}. */
  URI uri(String pathAndQuery);

  /** Stops the container the way an operator would (the servlet is destroyed). */
  void stop() throws Exception;

  @Override
  default void close() throws Exception {
    stop();
  }

  /** Jetty 12 ee10. */
  final class Jetty implements TestServer {
    private final Server server;
    private final int port;

    private Jetty(Server server, int port) {
      this.server = server;
      this.port = port;
    }

    static Jetty start(HttpServlet servlet) throws Exception {
      return start(servlet, false);
    }

    /**
     * Jetty with its compression handler in front of the servlet, told to compress event
     * streams too (it leaves them alone by default) and to sync-flush the compressor whenever the
     * servlet flushes.
     */
    static Jetty startBehindGzip(HttpServlet servlet) throws Exception {
      return start(servlet, true);
    }

    private static Jetty start(HttpServlet servlet, boolean gzip) throws Exception {
      Server server = new Server();
      HttpConfiguration config = new HttpConfiguration();
      HTTP2CServerConnectionFactory h2c = new HTTP2CServerConnectionFactory(config);
      // The cycle test opens and resets streams far faster than Jetty's rapid-reset protection
      // allows on one connection (which a browser never does).
      h2c.setRateControlFactory(new WindowRateControl.Factory(1_000_000));
      ServerConnector connector =
          new ServerConnector(server, new HttpConnectionFactory(config), h2c);
      connector.setHost("127.0.0.1");
      connector.setPort(0);
      server.addConnector(connector);
      ServletContextHandler context = new ServletContextHandler("/");
      ServletHolder holder = new ServletHolder("sse", servlet);
      holder.setAsyncSupported(true);
      holder.setInitOrder(1);
      context.addServlet(holder, "/events");
      if (gzip) {
        GzipHandler compression = new GzipHandler();
        compression.setExcludedMimeTypes();
        compression.setIncludedMimeTypes("text/event-stream");
        compression.setMinGzipSize(0);
        compression.setSyncFlush(true);
        compression.setHandler(context);
        server.setHandler(compression);
      } else {
        server.setHandler(context);
      }
      if (servlet instanceof SseServlet sse) {
        // Jetty closes connections before it destroys servlets: streams end first.
        server.addEventListener(new LifeCycle.Listener() {
          @Override
          public void lifeCycleStopping(LifeCycle event) {
            sse.shutdown();
          }
        });
      }
      server.setErrorHandler(new ClosingErrorHandler());
      server.start();
      return new Jetty(server, connector.getLocalPort());
    }

    @Override
    public URI uri(String pathAndQuery) {
      return URI.create("http://127.0.0.1:" + port + pathAndQuery);
    }

    @Override
    public void stop() throws Exception {
      if (!server.isStopped()) {
        server.stop();
      }
    }
  }

  /**
   * The server-level error handler of Jetty, configured as the README's "SseServlet in your
   * application" says. It answers what never reached a context, above all requests Jetty could
   * not parse, whose connection Jetty then closes; it says {@code Connection: close}, which
   * Jetty leaves out when it never read the request's HTTP version (a request line too long for
   * its buffer: 414).
   */
  final class ClosingErrorHandler extends ErrorHandler {
    @Override
    public boolean handle(Request request, Response response, Callback callback)
        throws Exception {
      if (request.getConnectionMetaData().getHttpVersion().getVersion() < 20) {
        response.getHeaders().put(HttpHeader.CONNECTION, HttpHeaderValue.CLOSE.asString());
      }
      return super.handle(request, response, callback);
    }
  }

  /** Tomcat 11 (Servlet 6.1), NIO connector with the HTTP/2 upgrade protocol. */
  final class Tomcat11 implements TestServer {
    /** Tomcat logs through java.util.logging; its start and stop lines are noise here. */
    private static final Logger TOMCAT_LOG = Logger.getLogger("org.apache");

    static {
      TOMCAT_LOG.setLevel(Level.WARNING);
    }

    private final Tomcat tomcat;
    private final Path baseDir;
    private final int port;

    private Tomcat11(Tomcat tomcat, Path baseDir, int port) {
      this.tomcat = tomcat;
      this.baseDir = baseDir;
      this.port = port;
    }

    static Tomcat11 start(HttpServlet servlet) throws Exception {
      Path baseDir = Files.createTempDirectory("tomcat");
      Tomcat tomcat = new Tomcat();
      tomcat.setBaseDir(baseDir.toString());
      Connector connector = new Connector("HTTP/1.1");
      connector.setPort(0);
      connector.setProperty("address", "127.0.0.1");
      connector.setAsyncTimeout(CONTAINER_ASYNC_TIMEOUT.toMillis());
      Http2Protocol h2c = new Http2Protocol();
      // The cycle test resets thousands of streams on one connection, which Tomcat's overhead
      // protection counts against it (a browser never does this).
      h2c.setOverheadResetFactor(0);
      connector.addUpgradeProtocol(h2c);
      tomcat.setConnector(connector);
      Context context = tomcat.addContext("", baseDir.toString());
      if (context instanceof StandardContext standard) {
        // Leak detection that needs --add-opens, and warns on every stop without it.
        standard.setClearReferencesThreadLocals(false);
        standard.setClearReferencesRmiTargets(false);
      }
      Wrapper wrapper = Tomcat.addServlet(context, "sse", servlet);
      wrapper.setAsyncSupported(true);
      wrapper.setLoadOnStartup(1);
      context.addServletMappingDecoded("/events", "sse");
      if (servlet instanceof SseServlet sse) {
        // Streams end before Tomcat pauses its connectors (HTTP/2 sends GOAWAY then).
        tomcat.getServer().addLifecycleListener(event -> {
          if (Lifecycle.BEFORE_STOP_EVENT.equals(event.getType())) {
            sse.shutdown();
          }
        });
      }
      tomcat.start();
      return new Tomcat11(tomcat, baseDir, connector.getLocalPort());
    }

    @Override
    public URI uri(String pathAndQuery) {
      return URI.create("http://127.0.0.1:" + port + pathAndQuery);
    }

    @Override
    public void stop() throws Exception {
      if (tomcat.getServer().getState().isAvailable()) {
        tomcat.stop();
        tomcat.destroy();
        try (Stream<Path> files = Files.walk(baseDir)) {
          files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
      }
    }

    @Override
    public String toString() {
      return "Tomcat[" + baseDir + "]";
    }
  }

  /**
   * Undertow 2.3 (Servlet 6.0), one HTTP/1.1 listener. Its HTTP/2 (h2c) is left out: the README
   * (Containers) says why.
   */
  final class UndertowServer implements TestServer {
    /**
     * Undertow logs through JBoss Logging to java.util.logging: its start and stop lines are
     * noise here, and so is UT005088, an error with a stack trace that it logs whenever a stream
     * whose client has gone is completed.
     */
    private static final Logger UNDERTOW_LOG = Logger.getLogger("io.undertow");
    private static final Logger XNIO_LOG = Logger.getLogger("org.xnio");
    /** Where Undertow logs the failed I/O of requests. */
    private static final Logger UNDERTOW_REQUEST_LOG = Logger.getLogger("io.undertow.request.io");

    static {
      UNDERTOW_LOG.setLevel(Level.WARNING);
      XNIO_LOG.setLevel(Level.WARNING);
      UNDERTOW_REQUEST_LOG.setFilter(record -> record.getMessage() == null
          || !record.getMessage().contains("UT005088"));
    }

    private final Undertow undertow;
    private final DeploymentManager deployment;
    private final int port;

    private UndertowServer(Undertow undertow, DeploymentManager deployment, int port) {
      this.undertow = undertow;
      this.deployment = deployment;
      this.port = port;
    }

    static UndertowServer start(HttpServlet servlet) throws Exception {
      // Undertow's default async timeout (30 s) has no setting: this filter gives every request
      // that starts async the tests' short one, as Tomcat's connector and Jetty's property do.
      Filter shortAsyncTimeout = (request, response, chain) -> chain.doFilter(
          new HttpServletRequestWrapper((HttpServletRequest) request) {
            @Override
            public AsyncContext startAsync() {
              AsyncContext async = super.startAsync();
              async.setTimeout(CONTAINER_ASYNC_TIMEOUT.toMillis());
              return async;
            }
          }, response);
      DeploymentInfo info = Servlets.deployment()
          .setClassLoader(TestServer.class.getClassLoader())
          .setContextPath("/")
          .setDeploymentName("sse")
          .addFilter(Servlets.filter("async-timeout", Filter.class,
              new ImmediateInstanceFactory<>(shortAsyncTimeout)).setAsyncSupported(true))
          .addFilterUrlMapping("async-timeout", "/*", DispatcherType.REQUEST)
          .addServlet(Servlets.servlet("sse", HttpServlet.class,
              new ImmediateInstanceFactory<>(servlet))
              .setAsyncSupported(true).setLoadOnStartup(1).addMapping("/events"));
      DeploymentManager deployment = Servlets.newContainer().addDeployment(info);
      deployment.deploy();
      Undertow undertow = Undertow.builder()
          .addHttpListener(0, "127.0.0.1")
          .setHandler(deployment.start())
          .build();
      undertow.start();
      InetSocketAddress address =
          (InetSocketAddress) undertow.getListenerInfo().get(0).getAddress();
      return new UndertowServer(undertow, deployment, address.getPort());
    }

    @Override
    public URI uri(String pathAndQuery) {
      return URI.create("http://127.0.0.1:" + port + pathAndQuery);
    }

    @Override
    public void stop() throws Exception {
      if (undertow.getWorker() != null) {
        // Stopping the deployment destroys the servlet while the listener still serves, so the
        // streams get server-shutdown; Undertow.stop() alone closes connections without it.
        deployment.stop();
        deployment.undeploy();
        undertow.stop();
      }
    }
  }
}
