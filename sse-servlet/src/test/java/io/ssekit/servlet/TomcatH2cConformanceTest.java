package io.ssekit.servlet;

import jakarta.servlet.http.HttpServlet;
import java.net.http.HttpClient;

/** The conformance cases on Tomcat, HTTP/2 cleartext (h2c). */
class TomcatH2cConformanceTest extends ServletConformanceTest {
  @Override
  TestServer startServer(HttpServlet servlet) throws Exception {
    return TestServer.Tomcat11.start(servlet);
  }

  @Override
  HttpClient.Version protocol() {
    return HttpClient.Version.HTTP_2;
  }
}
