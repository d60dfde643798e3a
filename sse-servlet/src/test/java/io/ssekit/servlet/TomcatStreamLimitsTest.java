package io.ssekit.servlet;

import jakarta.servlet.http.HttpServlet;

/** The stream caps on Tomcat 11. */
class TomcatStreamLimitsTest extends StreamLimitsTest {
  @Override
  TestServer startServer(HttpServlet servlet) throws Exception {
    return TestServer.Tomcat11.start(servlet);
  }
}
