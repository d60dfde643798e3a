package io.ssekit.sample;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/** The sample app in a JVM of its own, which a test can signal or kill. */
final class ChildApp {
  private ChildApp() {}

  /**
   * Starts the app with {@code env} (which must set {@code PORT}) and {@code jvmOptions}, its
   * output to {@code output}, and returns once {@code /health} answers 200.
   *
   * @throws IllegalStateException when it is not up within 30 s or exits
   */
  static Process start(Map<String, String> env, List<String> jvmOptions,
      ProcessBuilder.Redirect output) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmOptions);
    command.addAll(List.of("-cp", System.getProperty("java.class.path"),
        SampleApp.class.getName()));
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().putAll(env);
    builder.redirectErrorStream(true).redirectOutput(output);
    Process process = builder.start();
    URI health = URI.create("http://127.0.0.1:" + env.get("PORT") + "/health");
    HttpClient http = HttpClient.newHttpClient();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (true) {
      try {
        if (http.send(HttpRequest.newBuilder(health).build(),
            HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
          return process;
        }
      } catch (IOException notYet) {
        // Not listening yet.
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        process.destroyForcibly();
        throw new IllegalStateException("interrupted while the child app started", e);
      }
      if (System.nanoTime() > deadline || !process.isAlive()) {
        process.destroyForcibly();
        throw new IllegalStateException("the child app did not start on " + health);
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
    }
  }

  /** A port free on this machine now. */
  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
