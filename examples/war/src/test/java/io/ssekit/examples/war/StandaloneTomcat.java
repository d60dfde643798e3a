package io.ssekit.examples.war;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

/**
 * A Tomcat distribution run as an operator runs it: {@code bin/catalina.sh run} in a process of
 * its own, with a fresh {@code CATALINA_BASE} (its {@code conf/} copied from the distribution,
 * the HTTP connector moved to a free loopback port, the shutdown port disabled) and one WAR in
 * {@code webapps/}. It is stopped with SIGTERM, on which Tomcat stops its applications and exits.
 */
final class StandaloneTomcat implements AutoCloseable {
  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

  private final Process process;
  private final Path base;
  private final int port;

  private StandaloneTomcat(Process process, Path base, int port) {
    this.process = process;
    this.base = base;
    this.port = port;
  }

  /**
   * Starts the distribution in {@code home} with {@code war} deployed at {@code /contextPath}
   * and waits until {@code readyPath} answers.
   *
   * @param base an empty or missing directory for {@code CATALINA_BASE}
   */
  static StandaloneTomcat start(Path home, Path war, String contextPath, Path base,
      String readyPath) throws IOException {
    if (!Files.isRegularFile(home.resolve("bin/catalina.sh"))) {
      throw new IllegalStateException("no Tomcat distribution at " + home
          + " (the build unpacks it in pre-integration-test)");
    }
    if (!Files.isRegularFile(war)) {
      throw new IllegalStateException("no WAR at " + war + " (the build packages it first)");
    }
    int port = freePort();
    for (String dir : new String[] {"logs", "temp", "work", "webapps"}) {
      Files.createDirectories(base.resolve(dir));
    }
    copyDirectory(home.resolve("conf"), base.resolve("conf"));
    Path serverXml = base.resolve("conf/server.xml");
    Files.writeString(serverXml, withPorts(Files.readString(serverXml), port));
    Files.copy(war, base.resolve("webapps/" + contextPath + ".war"),
        StandardCopyOption.REPLACE_EXISTING);

    ProcessBuilder builder = new ProcessBuilder("/bin/sh", home.resolve("bin/catalina.sh").toString(), "run")
        .redirectErrorStream(true)
        .redirectOutput(base.resolve("logs/console.log").toFile());
    builder.environment().put("CATALINA_HOME", home.toString());
    builder.environment().put("CATALINA_BASE", base.toString());
    builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
    builder.environment().put("CATALINA_OPTS", "-Xmx256m");
    builder.environment().remove("JAVA_OPTS");
    Process process = builder.start();
    // Should the test JVM end without running its @AfterAll, Tomcat still goes with it.
    Runtime.getRuntime().addShutdownHook(new Thread(process::destroyForcibly, "tomcat-killer"));
    StandaloneTomcat tomcat = new StandaloneTomcat(process, base, port);
    try {
      tomcat.awaitReady(readyPath);
    } catch (RuntimeException e) {
      tomcat.close();
      throw e;
    }
    return tomcat;
  }

  /**
   * The distribution's {@code server.xml} with its HTTP connector on {@code port} of the loopback
   * address and its shutdown port disabled ({@code -1}: only a signal stops this Tomcat).
   */
  static String withPorts(String serverXml, int port) {
    String shutdown = "<Server port=\"8005\"";
    String connector = "<Connector port=\"8080\" protocol=\"HTTP/1.1\"";
    if (!serverXml.contains(shutdown) || !serverXml.contains(connector)) {
      throw new IllegalStateException("conf/server.xml does not have the distribution's "
          + shutdown + " and " + connector);
    }
    return serverXml.replace(shutdown, "<Server port=\"-1\"")
        .replace(connector, "<Connector port=\"" + port + "\" address=\"127.0.0.1\""
            + " protocol=\"HTTP/1.1\"");
  }

  /** {@code http://127.0.0.1:port} + {@code pathAndQuery}. */
  URI uri(String pathAndQuery) {
    return URI.create("http://127.0.0.1:" + port + pathAndQuery);
  }

  /** The process id of Tomcat's JVM ({@code catalina.sh run} replaces the shell with it). */
  long pid() {
    return process.pid();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** What Tomcat wrote to its console, for a failure's message. */
  String console() {
    try {
      return Files.readString(base.resolve("logs/console.log"));
    } catch (IOException e) {
      return "(console log unreadable: " + e + ")";
    }
  }

  /**
   * Sends SIGTERM and waits for the process to end; kills it if it has not after 30 s. Returns
   * whether it stopped by itself. Idempotent.
   */
  boolean stop() {
    if (!process.isAlive()) {
      return true;
    }
    process.destroy();
    try {
      if (process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        return true;
      }
      process.destroyForcibly().waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    return false;
  }

  @Override
  public void close() {
    stop();
  }

  private void awaitReady(String readyPath) {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    Instant deadline = Instant.now().plus(START_TIMEOUT);
    while (Instant.now().isBefore(deadline)) {
      if (!process.isAlive()) {
        throw new IllegalStateException("Tomcat exited with " + process.exitValue() + ":\n" + console());
      }
      try {
        HttpResponse<Void> response = http.send(HttpRequest.newBuilder(uri(readyPath))
            .timeout(Duration.ofSeconds(2)).GET().build(), HttpResponse.BodyHandlers.discarding());
        if (response.statusCode() != 404) {
          return;
        }
      } catch (IOException e) {
        // Not listening yet (Tomcat starts its connector once the applications are deployed).
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while Tomcat started", e);
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
    }
    throw new IllegalStateException("Tomcat did not serve " + readyPath + " within "
        + START_TIMEOUT + ":\n" + console());
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private static void copyDirectory(Path from, Path to) throws IOException {
    try (Stream<Path> files = Files.walk(from)) {
      for (Path file : (Iterable<Path>) files::iterator) {
        Path target = to.resolve(from.relativize(file).toString());
        if (Files.isDirectory(file)) {
          Files.createDirectories(target);
        } else {
          Files.copy(file, target, StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
  }
}
