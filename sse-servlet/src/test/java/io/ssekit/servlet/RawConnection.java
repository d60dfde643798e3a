package io.ssekit.servlet;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;

/**
 * One HTTP/1.1 connection by hand, from a chosen local address: for what the JDK's client hides
 * (the peer address, connection reuse and closing, bytes a client may not send).
 */
final class RawConnection implements AutoCloseable {
  private final Socket socket;
  private final OutputStream out;
  private final InputStream in;
  private final ByteArrayOutputStream received = new ByteArrayOutputStream();
  private boolean closedByServer;

  private RawConnection(Socket socket) throws IOException {
    this.socket = socket;
    this.out = socket.getOutputStream();
    this.in = socket.getInputStream();
  }

  /** A connection to {@code server} from {@code localAddress} (a loopback address). */
  static RawConnection open(URI server, String localAddress) throws IOException {
    Socket socket = new Socket();
    socket.bind(new InetSocketAddress(InetAddress.getByName(localAddress), 0));
    socket.connect(new InetSocketAddress(server.getHost(), server.getPort()), 10_000);
    return new RawConnection(socket);
  }

  /** Sends {@code head} (request line and headers, CRLF-separated, without the blank line). */
  RawConnection send(String head) throws IOException {
    out.write((head + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
    out.flush();
    return this;
  }

  /** A {@code GET} of {@code target} with {@code headers} (each {@code "Name: value"}). */
  RawConnection get(String target, String... headers) throws IOException {
    StringBuilder head = new StringBuilder("GET " + target + " HTTP/1.1\r\nHost: localhost");
    for (String header : headers) {
      head.append("\r\n").append(header);
    }
    return send(head.toString());
  }

  /** Everything received so far, as ISO-8859-1 text (chunk sizes included). */
  synchronized String text() {
    return received.toString(StandardCharsets.ISO_8859_1);
  }

  /** Reads until {@code text} has been received; fails after {@code timeout}. */
  String awaitText(String text, Duration timeout) throws IOException {
    readUntil(() -> text().contains(text), timeout);
    if (!text().contains(text)) {
      throw new AssertionError("no '" + text + "' within " + timeout + " in: " + text());
    }
    return text();
  }

  /**
   * Reads one complete response with a {@code Content-Length} (or none and no body) and returns
   * it, dropping it from what was received.
   */
  String awaitResponse(Duration timeout) throws IOException {
    readUntil(() -> complete(text()) > 0, timeout);
    int end = complete(text());
    if (end < 0) {
      throw new AssertionError("no complete response within " + timeout + " in: " + text());
    }
    String all = text();
    received.reset();
    received.writeBytes(all.substring(end).getBytes(StandardCharsets.ISO_8859_1));
    return all.substring(0, end);
  }

  /** Whether the server closed the connection, waiting up to {@code timeout} for it. */
  boolean closedByServer(Duration timeout) throws IOException {
    readUntil(() -> closedByServer, timeout);
    return closedByServer;
  }

  private static int complete(String text) {
    int headEnd = text.indexOf("\r\n\r\n");
    if (headEnd < 0) {
      return -1;
    }
    int length = 0;
    for (String line : text.substring(0, headEnd).split("\r\n")) {
      if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
        length = Integer.parseInt(line.substring("content-length:".length()).trim());
      }
    }
    int end = headEnd + 4 + length;
    return text.length() >= end ? end : -1;
  }

  private void readUntil(java.util.function.BooleanSupplier done, Duration timeout)
      throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    byte[] buffer = new byte[8192];
    while (!done.getAsBoolean() && !closedByServer) {
      long left = (deadline - System.nanoTime()) / 1_000_000;
      if (left <= 0) {
        return;
      }
      socket.setSoTimeout((int) Math.max(1, Math.min(left, 200)));
      try {
        int n = in.read(buffer);
        if (n < 0) {
          closedByServer = true;
        } else {
          synchronized (this) {
            received.write(buffer, 0, n);
          }
        }
      } catch (SocketTimeoutException e) {
        // Look at the clock and the condition again.
      } catch (IOException e) {
        closedByServer = true;
      }
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
