package io.ssekit.client;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An HTTP/1.1 server on a bare socket, for answers no real server gives: each connection's
 * request is read and recorded, and the answer is written by the test, byte by byte if it likes.
 */
final class RawServer implements AutoCloseable {
  /** Writes the answer to the {@code index}-th request (from 0). */
  @FunctionalInterface
  interface Answer {
    void write(int index, Request request, OutputStream out) throws Exception;
  }

  /** A request's head; header names in lower case. */
  record Request(String line, Map<String, String> headers) {
    String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }
  }

  private final ServerSocket socket;
  private final ExecutorService threads;
  private final List<Request> requests = new CopyOnWriteArrayList<>();
  private final List<Socket> open = new CopyOnWriteArrayList<>();

  RawServer(Answer answer) throws IOException {
    this.socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    AtomicInteger names = new AtomicInteger();
    this.threads = Executors.newCachedThreadPool(task -> {
      Thread thread = new Thread(task, "raw-server-" + names.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    });
    threads.execute(() -> {
      while (!socket.isClosed()) {
        try {
          Socket connection = socket.accept();
          connection.setTcpNoDelay(true);
          open.add(connection);
          threads.execute(() -> serve(connection, answer));
        } catch (IOException closed) {
          return;
        }
      }
    });
  }

  private void serve(Socket connection, Answer answer) {
    try (connection) {
      Request request = readHead(connection.getInputStream());
      int index;
      synchronized (requests) {
        index = requests.size();
        requests.add(request);
      }
      OutputStream out = connection.getOutputStream();
      answer.write(index, request, out);
      out.flush();
    } catch (Exception gone) {
      // the client went away, or the test closed the server
    } finally {
      open.remove(connection);
    }
  }

  private static Request readHead(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    while (matched < 4) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("the request ended in its head");
      }
      head.write(b);
      matched = (b == "\r\n\r\n".charAt(matched)) ? matched + 1 : (b == '\r' ? 1 : 0);
    }
    String[] lines = head.toString(StandardCharsets.ISO_8859_1).split("\r\n");
    Map<String, String> headers = new HashMap<>();
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      if (colon > 0) {
        headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
            lines[i].substring(colon + 1).trim());
      }
    }
    return new Request(lines[0], headers);
  }

  URI uri() {
    return URI.create("http://127.0.0.1:" + socket.getLocalPort() + "/events");
  }

  List<Request> requests() {
    return requests;
  }

  /** How many connections are being answered now. */
  int openConnections() {
    return open.size();
  }

  /** The head of an event-stream answer whose body ends when the connection closes. */
  static void streamHead(OutputStream out) throws IOException {
    out.write(("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\n"
        + "Connection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
    out.flush();
  }

  /**
   * Keeps the connection open, writing nothing more, until the server closes (its close
   * interrupts the answering thread).
   */
  static void holdOpen() throws InterruptedException {
    new CountDownLatch(1).await();
  }

  /** A complete answer with {@code status}, extra header lines and an empty body. */
  static void status(OutputStream out, int status, String... headerLines) throws IOException {
    StringBuilder head = new StringBuilder("HTTP/1.1 " + status + " Status\r\n");
    for (String line : headerLines) {
      head.append(line).append("\r\n");
    }
    head.append("Content-Length: 0\r\nConnection: close\r\n\r\n");
    out.write(head.toString().getBytes(StandardCharsets.US_ASCII));
    out.flush();
  }

  @Override
  public void close() throws IOException {
    socket.close();
    for (Socket connection : open) {
      connection.close();
    }
    threads.shutdownNow();
    try {
      threads.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
