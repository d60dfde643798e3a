package io.ssekit.spring.boot;

/** The starter on Boot's default web server, Tomcat. */
class TomcatStreamingTest extends StreamingAppContract {
  @Override
  String webServer() {
    return "Tomcat";
  }
}
