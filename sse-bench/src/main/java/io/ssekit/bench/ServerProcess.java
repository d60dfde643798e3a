package io.ssekit.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A server under test in a JVM of its own, pinned to one core with {@code taskset} when it is
 * there, with the same JVM flags for every server; its CPU time and resident memory are read from
 * {@code /proc/PID}.
 */
final class ServerProcess implements AutoCloseable {
  /** The JVM flags of every server under test. */
  static final List<String> JVM_FLAGS = List.of("-Xms512m", "-Xmx2g", "-XX:+UseG1GC");

  private static final long CLOCK_TICKS_PER_SECOND = 100; // USER_HZ on Linux

  final String name;
  final int port;
  private final Process process;

  private ServerProcess(String name, int port, Process process) {
    this.name = name;
    this.port = port;
    this.process = process;
  }

  /**
   * Starts {@code mainArgs} (a {@code -jar} or {@code -cp} invocation) with {@code env} and
   * waits up to 30 s for {@code port} to accept connections.
   */
  static ServerProcess start(String name, int port, String cpu, List<String> mainArgs,
      Map<String, String> env, Path log) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(JVM_FLAGS);
    command.addAll(mainArgs);
    Map<String, String> withPort = new HashMap<>(env);
    withPort.put("PORT", Integer.toString(port));
    return launch(name, port, cpu, command, withPort, log);
  }

  /** Starts {@code command} on {@code cpu} and waits up to 30 s for {@code port}. */
  static ServerProcess launch(String name, int port, String cpu, List<String> command,
      Map<String, String> env, Path log) throws IOException {
    List<String> pinned = new ArrayList<>();
    if (cpu != null && Files.isExecutable(Path.of("/usr/bin/taskset"))) {
      pinned.addAll(List.of("/usr/bin/taskset", "-c", cpu));
    }
    pinned.addAll(command);
    ProcessBuilder builder = new ProcessBuilder(pinned);
    builder.environment().putAll(env);
    builder.redirectErrorStream(true).redirectOutput(log.toFile());
    Process process = builder.start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (true) {
      try (Socket probe = new Socket()) {
        probe.connect(new InetSocketAddress("127.0.0.1", port), 200);
        return new ServerProcess(name, port, process);
      } catch (IOException notYet) {
        if (!process.isAlive() || System.nanoTime() > deadline) {
          String why = process.isAlive() ? "it did not listen within 30 s"
              : "it exited with " + process.exitValue() + firstException(log);
          process.destroyForcibly();
          throw new IOException(name + " did not start on port " + port + " (" + why + "); see "
              + log);
        }
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
      }
    }
  }

  /** {@code ": "} and the first line of {@code log} that names an exception; else nothing. */
  private static String firstException(Path log) {
    try (var lines = Files.lines(log)) {
      return lines.filter(line -> line.contains("Exception")).findFirst().map(line -> ": " + line)
          .orElse("");
    } catch (IOException | java.io.UncheckedIOException e) {
      return "";
    }
  }

  /** User plus system CPU time of the server so far, in nanoseconds. */
  long cpuNanos() throws IOException {
    return cpuNanos(process.pid());
  }

  /** User plus system CPU time of process {@code pid} so far, in nanoseconds. */
  static long cpuNanos(long pid) throws IOException {
    String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
    // Fields after the command name, which is in parentheses and may hold spaces.
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    return ticks * TimeUnit.SECONDS.toNanos(1) / CLOCK_TICKS_PER_SECOND;
  }

  /** The server's resident memory, in bytes. */
  long rssBytes() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()),
        "status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
      }
    }
    throw new IOException("no VmRSS for " + name);
  }

  /** The server's open file descriptors, sockets included. */
  long openFiles() throws IOException {
    try (var files = Files.list(Path.of("/proc", Long.toString(process.pid()), "fd"))) {
      return files.count();
    }
  }

  long pid() {
    return process.pid();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  @Override
  public void close() throws InterruptedException {
    stop(10);
  }

  /** Asks the server to stop (SIGTERM) and kills it after {@code seconds} if it has not. */
  void stop(int seconds) throws InterruptedException {
    process.destroy();
    if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
    }
  }

  /** Where a server is started: a port, or an {@link IOException} when none is free. */
  @FunctionalInterface
  interface Ports {
    int next() throws IOException;
  }

  /** Starts a server on {@code port}. */
  @FunctionalInterface
  interface Start {
    ServerProcess on(int port) throws IOException;
  }

  /**
   * {@code start} on a port from {@code ports}, and on the next one when it fails, three tries
   * in all: a port free when asked may be taken before the server binds it, for instance as the
   * local port of a connection that another process opens meanwhile.
   */
  static ServerProcess startOnFreePort(Ports ports, Start start) throws IOException {
    for (int attempt = 1; ; attempt++) {
      try {
        return start.on(ports.next());
      } catch (IOException e) {
        if (attempt == 3) {
          throw e;
        }
        System.out.printf("%s; trying another port%n", e.getMessage());
      }
    }
  }

  /**
   * A port between {@code from} (inclusive) and {@code to} (exclusive), picked at random, on
   * which {@code address} (null: every address) can listen now. Below the kernel's ephemeral
   * range (32768 and up on Linux) no outgoing connection takes it meanwhile, as happens to a
   * free port from that range on a machine holding many connections.
   */
  static int freePort(int from, int to, java.net.InetAddress address) throws IOException {
    for (int attempt = 0; attempt < 100; attempt++) {
      int port = java.util.concurrent.ThreadLocalRandom.current().nextInt(from, to);
      try (ServerSocket socket = new ServerSocket(port, 1, address)) {
        return port;
      } catch (IOException taken) {
        // Try another.
      }
    }
    throw new IOException("no free port from " + from + " to " + to);
  }

  /**
   * A port free now, below the kernel's ephemeral range: a port of that range, as {@code new
   * ServerSocket(0)} gives, may be taken by a load generator's outgoing connection (its own or
   * another run's on the same machine) before the server binds it.
   */
  static int freePort() throws IOException {
    int below = ephemeralStart();
    for (int attempt = 0; attempt < 100; attempt++) {
      int port = ThreadLocalRandom.current().nextInt(Math.max(1024, below / 2), below);
      try (ServerSocket socket = new ServerSocket()) {
        socket.bind(new InetSocketAddress(port));
        return port;
      } catch (IOException taken) {
        // Another one.
      }
    }
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  /** The first port of the kernel's ephemeral range; Linux's default when it cannot be read. */
  private static int ephemeralStart() {
    try {
      // One line, "first last"; read as lines: procfs gives a size of 0.
      String range = Files.readAllLines(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).get(0);
      int first = Integer.parseInt(range.trim().split("\\s+")[0]);
      return first > 2048 ? first : 32768;
    } catch (IOException | RuntimeException e) {
      return 32768;
    }
  }
}
