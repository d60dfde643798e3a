package io.ssekit.servlet;

import jakarta.servlet.http.HttpServlet;

/** Connection: close where the connection closes, on Jetty. */
class JettyConnectionCloseTest extends ConnectionCloseTest {
  @Override
  TestServer startServer(HttpServlet servlet) throws Exception {
    return TestServer.Jetty.start(servlet);
  }
}
