package io.ssekit.spring.boot;

/**
 * The starter on Jetty ({@code spring-boot-starter-jetty}); the build runs this class in an
 * execution of its own, with Tomcat taken off the class path as an application that excludes it
 * has it.
 */
class JettyStreamingTest extends StreamingAppContract {
  @Override
  String webServer() {
    return "Jetty";
  }
}
