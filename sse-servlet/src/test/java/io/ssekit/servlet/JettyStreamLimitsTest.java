package io.ssekit.servlet;

import jakarta.servlet.http.HttpServlet;

/** The stream caps on Jetty. */
class JettyStreamLimitsTest extends StreamLimitsTest {
  @Override
  TestServer startServer(HttpServlet servlet) throws Exception {
    return TestServer.Jetty.start(servlet);
  }
}
