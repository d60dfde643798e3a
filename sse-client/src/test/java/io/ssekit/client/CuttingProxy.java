package io.ssekit.client;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP proxy in front of a server that cuts each connection after a random number of the
 * server's bytes, anywhere: in the response head, inside an event, between events.
 */
final class CuttingProxy implements AutoCloseable {
  private final ServerSocket socket;
  private final ExecutorService threads;
  private final AtomicInteger cuts = new AtomicInteger();

  CuttingProxy(int upstreamPort, int maxBytes, long seed) throws IOException {
    this.socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    AtomicInteger names = new AtomicInteger();
    this.threads = Executors.newCachedThreadPool(task -> {
      Thread thread = new Thread(task, "cutting-proxy-" + names.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    });
    Random random = new Random(seed);
    threads.execute(() -> {
      while (!socket.isClosed()) {
        try {
          Socket client = socket.accept();
          Socket server = new Socket();
          server.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), upstreamPort));
          client.setTcpNoDelay(true);
          server.setTcpNoDelay(true);
          int budget = random.nextInt(maxBytes + 1);
          threads.execute(() -> pipe(client, server, Long.MAX_VALUE));
          threads.execute(() -> {
            pipe(server, client, budget);
            cuts.incrementAndGet();
          });
        } catch (IOException closed) {
          return;
        }
      }
    });
  }

  /** Copies until {@code budget} bytes went through or either side ends; then closes both. */
  private static void pipe(Socket from, Socket to, long budget) {
    byte[] buffer = new byte[8192];
    try (from; to) {
      InputStream in = from.getInputStream();
      OutputStream out = to.getOutputStream();
      long left = budget;
      while (left > 0) {
        int read = in.read(buffer, 0, (int) Math.min(buffer.length, left));
        if (read < 0) {
          return;
        }
        out.write(buffer, 0, read);
        out.flush();
        left -= read;
      }
    } catch (IOException gone) {
      // the other pipe closed the sockets
    }
  }

  URI uri(String pathAndQuery) {
    return URI.create("http://127.0.0.1:" + socket.getLocalPort() + pathAndQuery);
  }

  /** How many connections were cut (or ended) so far. */
  int cuts() {
    return cuts.get();
  }

  @Override
  public void close() throws IOException {
    socket.close();
    threads.shutdownNow();
    try {
      threads.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
