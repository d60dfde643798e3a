package io.ssekit.client;

import io.ssekit.servlet.SseServlet;
import jakarta.servlet.http.HttpServlet;
import java.net.URI;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.http2.server.HTTP2CServerConnectionFactory;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.component.LifeCycle;

/** Jetty 12 on a loopback port, serving one servlet at {@code /events} over HTTP/1.1 and h2c. */
final class JettyServer implements AutoCloseable {
  private final Server server;
  private final int port;

  private JettyServer(Server server, int port) {
    this.server = server;
    this.port = port;
  }

  /** On a free port. */
  static JettyServer start(HttpServlet servlet) throws Exception {
    return start(servlet, 0);
  }

  /** On {@code port}, or a free one for 0. */
  static JettyServer start(HttpServlet servlet, int port) throws Exception {
    Server server = new Server();
    HttpConfiguration config = new HttpConfiguration();
    ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(config),
        new HTTP2CServerConnectionFactory(config));
    connector.setHost("127.0.0.1");
    connector.setPort(port);
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
    return new JettyServer(server, connector.getLocalPort());
  }

  int port() {
    return port;
  }

  URI uri(String pathAndQuery) {
    return URI.create("http://127.0.0.1:" + port + pathAndQuery);
  }

  @Override
  public void close() throws Exception {
    if (!server.isStopped()) {
      server.stop();
    }
  }
}
