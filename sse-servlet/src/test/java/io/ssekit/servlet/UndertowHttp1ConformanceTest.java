package io.ssekit.servlet;

import jakarta.servlet.http.HttpServlet;
import java.net.http.HttpClient;

/** The conformance cases on Undertow, HTTP/1.1. */
class UndertowHttp1ConformanceTest extends ServletConformanceTest {
  @Override
  TestServer startServer(HttpServlet servlet) throws Exception {
    return TestServer.UndertowServer.start(servlet);
  }

  @Override
  HttpClient.Version protocol() {
    return HttpClient.Version.HTTP_1_1;
  }
}
