package io.ssekit.servlet;

import jakarta.servlet.http.HttpServlet;

/** Connection: close where the connection closes, on Tomcat 11. */
class TomcatConnectionCloseTest extends ConnectionCloseTest {
  @Override
  TestServer startServer(HttpServlet servlet) throws Exception {
    return TestServer.Tomcat11.start(servlet);
  }
}
