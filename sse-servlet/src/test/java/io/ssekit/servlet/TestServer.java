package io.ssekit.servlet;

import jakarta.servlet.http.HttpServlet;
import java.net.URI;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.http2.WindowRateControl;
import org.eclipse.jetty.http2.server.HTTP2CServerConnectionFactory;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.component.LifeCycle;

/**
 * A real servlet container on a free loopback port, serving one servlet at {@code /events}, over
 * HTTP/1.1 and h2c (upgrade) on the same port.
 */
interface TestServer extends AutoCloseable {
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
      server.setHandler(context);
      if (servlet instanceof SseServlet sse) {
        // Jetty closes connections before it destroys servlets: streams end first.
        server.addEventListener(new LifeCycle.Listener() {
          @Override
          public void lifeCycleStopping(LifeCycle event) {
            sse.shutdown();
          }
        });
      }
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
}
