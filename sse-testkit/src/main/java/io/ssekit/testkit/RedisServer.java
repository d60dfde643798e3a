package io.ssekit.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

/**
 * A real {@code redis-server} process of the test's own, on a free loopback port, without
 * persistence: stop it, kill it or restart it on the same port to test what clients do. The
 * binary is {@code redis-server} on the {@code PATH}, or the one {@code REDIS_SERVER} names.
 */
public final class RedisServer implements TestRedis {
  private static final Duration START_TIMEOUT = Duration.ofSeconds(10);
  /** Redis Cluster's bus port is the client port plus this. */
  private static final int BUS_PORT_OFFSET = 10_000;

  private final int port;
  private final Path dir;
  private final boolean clusterNode;
  private final List<String> extraArgs;
  private Process process;

  private RedisServer(int port, Path dir, boolean clusterNode, List<String> extraArgs) {
    this.port = port;
    this.dir = dir;
    this.clusterNode = clusterNode;
    this.extraArgs = extraArgs;
  }

  /** Starts a server on a free port. */
  public static RedisServer start() {
    return start(false, List.of());
  }

  /**
   * Starts a server on a free port with more {@code redis-server} options, kept across
   * restarts: {@code start("--requirepass", "secret")}, TLS options, ...
   */
  public static RedisServer start(String... options) {
    return start(false, List.of(options));
  }

  /**
   * Starts a server on {@code port}, which a client may have been told of before: a Redis that
   * comes up after its clients.
   */
  public static RedisServer startOnPort(int port) {
    try {
      RedisServer server = new RedisServer(port, Files.createTempDirectory("redis"), false,
          List.of());
      server.launch();
      return server;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start redis-server", e);
    }
  }

  /**
   * Starts a server in cluster mode, not yet part of a cluster ({@link RedisCluster} joins
   * them). Its cluster configuration survives {@link #restart}, so it rejoins as the same node.
   */
  static RedisServer startClusterNode() {
    return start(true, List.of());
  }

  private static RedisServer start(boolean clusterNode, List<String> extraArgs) {
    try {
      RedisServer server = new RedisServer(clusterNode ? freePortWithBusPort() : freePort(),
          Files.createTempDirectory("redis"), clusterNode, extraArgs);
      server.launch();
      return server;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start redis-server", e);
    }
  }

  /** {@code redis://127.0.0.1:port}. */
  public String uri() {
    return "redis://127.0.0.1:" + port;
  }

  public int port() {
    return port;
  }

  /**
   * The server's directory: its log, and its {@code dump.rdb} or append-only files when it
   * saves. A test can copy a snapshot aside and put it back before a {@link #restart}, as a
   * restore from a backup would.
   */
  public Path dataDir() {
    return dir;
  }

  /** Whether the process runs. */
  public synchronized boolean isRunning() {
    return process != null && process.isAlive();
  }

  /** Stops the server with SIGKILL, as a crash would: clients see their connections reset. */
  public synchronized void kill() {
    if (process != null) {
      process.destroyForcibly();
      awaitExit();
    }
  }

  /** Stops the server with SIGTERM and waits for it to exit. */
  public synchronized void stop() {
    if (process != null) {
      process.destroy();
      awaitExit();
    }
  }

  /**
   * Starts the server again on the same port. It loads what its {@linkplain #dataDir() data
   * directory} holds: nothing, unless the test saved ({@code SAVE}), put a file there or
   * started the server with persistence options.
   */
  public synchronized void restart() {
    stop();
    launch();
  }

  @Override
  public void flushAll() {
    String reply = command("FLUSHALL");
    if (!reply.equals("+OK")) {
      throw new IllegalStateException("FLUSHALL on port " + port + " answered " + reply);
    }
  }

  @Override
  public void killPubSubClients() {
    command("CLIENT", "KILL", "TYPE", "pubsub");
  }

  /**
   * Sends one command (each argument a bulk string) and returns the reply: the raw reply line
   * ({@code +OK}, {@code :1}, {@code -ERR ...}), the text of a bulk string reply, or the
   * elements of an array of bulk strings, one per line.
   */
  public String command(String... args) {
    return command(port, args);
  }

  /** {@link #command} to whatever listens on {@code port} of the loopback address. */
  static String command(int port, String... args) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 2000);
      socket.setSoTimeout(5000);
      StringBuilder request = new StringBuilder("*").append(args.length).append("\r\n");
      for (String arg : args) {
        byte[] bytes = arg.getBytes(StandardCharsets.UTF_8);
        request.append('$').append(bytes.length).append("\r\n").append(arg).append("\r\n");
      }
      OutputStream out = socket.getOutputStream();
      out.write(request.toString().getBytes(StandardCharsets.UTF_8));
      out.flush();
      InputStream in = socket.getInputStream();
      String line = readLine(in);
      if (line.startsWith("*") && !line.equals("*-1")) {
        List<String> elements = new ArrayList<>();
        for (int i = Integer.parseInt(line.substring(1)); i > 0; i--) {
          elements.add(readBulk(in, readLine(in)));
        }
        return String.join("\n", elements);
      }
      return readBulk(in, line);
    } catch (IOException e) {
      throw new UncheckedIOException("redis-server on port " + port + " did not answer", e);
    }
  }

  @Override
  public synchronized void close() {
    kill();
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The text of a bulk string reply, whose first line is {@code line}; else the line. */
  private static String readBulk(InputStream in, String line) throws IOException {
    if (!line.startsWith("$") || line.equals("$-1")) {
      return line;
    }
    byte[] bulk = in.readNBytes(Integer.parseInt(line.substring(1)));
    readLine(in); // the CRLF after it
    return new String(bulk, StandardCharsets.UTF_8);
  }

  private static String readLine(InputStream in) throws IOException {
    StringBuilder line = new StringBuilder();
    int c;
    while ((c = in.read()) >= 0 && c != '\n') {
      if (c != '\r') {
        line.append((char) c);
      }
    }
    return line.toString();
  }

  /** The redis-server binary: {@code REDIS_SERVER}, or {@code redis-server} on the PATH. */
  static String binary() {
    return System.getenv().getOrDefault("REDIS_SERVER", "redis-server");
  }

  private synchronized void launch() {
    String binary = binary();
    List<String> command = new ArrayList<>(List.of(binary, "--port", Integer.toString(port),
        "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir.toString(),
        "--daemonize", "no", "--logfile", dir.resolve("redis.log").toString()));
    if (clusterNode) {
      command.addAll(List.of("--cluster-enabled", "yes", "--cluster-config-file",
          dir.resolve("nodes.conf").toString(), "--cluster-node-timeout", "2000",
          "--cluster-require-full-coverage", "no",
          // A replica takes over a killed master however long ago it last heard from it.
          "--cluster-replica-validity-factor", "0"));
    }
    command.addAll(extraArgs);
    try {
      process = new ProcessBuilder(command).redirectErrorStream(true)
          .redirectOutput(dir.resolve("redis.out").toFile()).start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + binary + ": install Redis (Debian package "
          + "redis-server) or point REDIS_SERVER at the binary", e);
    }
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (true) {
      try {
        String pong = command("PING");
        if (pong.equals("+PONG") || pong.startsWith("-NOAUTH")) {
          return;
        }
      } catch (UncheckedIOException notYet) {
        // Not listening yet.
      }
      if (!process.isAlive() || System.nanoTime() > deadline) {
        throw new IllegalStateException("redis-server did not start on port " + port + ": "
            + readQuietly(dir.resolve("redis.log")) + readQuietly(dir.resolve("redis.out")));
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
    }
  }

  private void awaitExit() {
    awaitExit(process);
  }

  /** Waits for {@code process} to exit after it was signalled, killing it if it lingers. */
  static void awaitExit(Process process) {
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** A port free on the loopback address now, for a second listener (TLS, say). */
  public static int freeLoopbackPort() {
    try {
      return freePort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  /** A free port whose cluster bus port (port + 10000) is free as well. */
  private static int freePortWithBusPort() throws IOException {
    for (int attempt = 0; attempt < 100; attempt++) {
      int port = freePort();
      if (port + BUS_PORT_OFFSET > 65_535) {
        continue;
      }
      try (ServerSocket bus = new ServerSocket(port + BUS_PORT_OFFSET, 1,
          java.net.InetAddress.getLoopbackAddress())) {
        return port;
      } catch (IOException taken) {
        // Try another.
      }
    }
    throw new IOException("no free port with a free cluster bus port");
  }

  static String readQuietly(Path file) {
    try {
      return Files.exists(file) ? Files.readString(file) : "";
    } catch (IOException e) {
      return "";
    }
  }

  @Override
  public String toString() {
    return "RedisServer[" + uri() + "]";
  }
}
