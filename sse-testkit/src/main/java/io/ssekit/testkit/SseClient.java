package io.ssekit.testkit;

import io.ssekit.testkit.EventStreamParser.Event;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.zip.GZIPInputStream;

/**
 * A test client for a {@code text/event-stream} over real HTTP: it reads the response on a
 * thread of its own and interprets it as a browser does, with an {@link EventStreamParser}.
 *
 * <p>Every received byte is also kept, for checks of the exact wire format (after gzip decoding,
 * when the response is compressed: send {@code Accept-Encoding: gzip} to ask for that).
 */
public final class SseClient implements AutoCloseable {
  private final HttpClient http; // kept reachable: a collected HttpClient closes its connections
  private final HttpResponse<InputStream> response;
  private final Thread reader;
  private final ByteArrayOutputStream raw = new ByteArrayOutputStream();
  private final List<Event> events = new ArrayList<>();
  private final EventStreamParser parser = new EventStreamParser(new EventStreamParser.Listener() {
    @Override
    public void event(Event event) {
      events.add(event);
    }

    @Override
    public void comment(String text) {
      comments++;
    }
  });
  private int comments;
  private boolean ended;
  private boolean paused;
  private IOException failure;

  private SseClient(HttpClient http, HttpResponse<InputStream> response) {
    this.http = http;
    this.response = response;
    this.reader = new Thread(this::read, "sse-client " + response.uri());
    reader.setDaemon(true);
    reader.start();
  }

  /**
   * Sends {@code GET uri} with {@code headers} and starts reading once the response headers
   * arrived; whatever the status, the body is read the same way.
   */
  public static SseClient open(HttpClient http, URI uri, Map<String, String> headers) {
    HttpRequest.Builder request = HttpRequest.newBuilder(uri).GET()
        .header("Accept", "text/event-stream");
    headers.forEach(request::header);
    try {
      return new SseClient(http, http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream()));
    } catch (IOException e) {
      throw new UncheckedIOException("GET " + uri + " failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while opening " + uri, e);
    }
  }

  /** {@link #open(HttpClient, URI, Map)} without extra headers. */
  public static SseClient open(HttpClient http, URI uri) {
    return open(http, uri, Map.of());
  }

  public int status() {
    return response.statusCode();
  }

  public HttpHeaders headers() {
    return response.headers();
  }

  public HttpClient.Version version() {
    return response.version();
  }

  /** The events dispatched so far. */
  public synchronized List<Event> events() {
    return List.copyOf(events);
  }

  /** The last event id, as the browser would send it as {@code Last-Event-ID}. */
  public synchronized String lastEventId() {
    return parser.lastEventId();
  }

  /** The last {@code retry:} value, or {@code null}. */
  public synchronized Long retry() {
    return parser.retry();
  }

  /** The number of comment lines received. */
  public synchronized int comments() {
    return comments;
  }

  /** Every byte received so far, as UTF-8 text. */
  public synchronized String text() {
    return raw.toString(StandardCharsets.UTF_8);
  }

  /** Whether the server ended the response (or the connection failed). */
  public synchronized boolean ended() {
    return ended;
  }

  /** Waits until {@code count} events arrived, and returns the first {@code count}. */
  public List<Event> awaitEvents(int count, Duration timeout) {
    awaitState(c -> c.events.size() >= count, timeout,
        () -> "expected " + count + " events, got " + events.size() + ", ending with "
            + summary());
    synchronized (this) {
      return List.copyOf(events.subList(0, count));
    }
  }

  /** Waits for the first event of {@code type}. */
  public Event awaitEvent(String eventType, Duration timeout) {
    awaitState(c -> c.events.stream().anyMatch(e -> e.type().equals(eventType)), timeout,
        () -> "no '" + eventType + "' event; got " + summary());
    synchronized (this) {
      return events.stream().filter(e -> e.type().equals(eventType)).findFirst().orElseThrow();
    }
  }

  /** Waits until the received bytes contain {@code text}. */
  public void awaitText(String text, Duration timeout) {
    awaitState(c -> c.raw.toString(StandardCharsets.UTF_8).contains(text), timeout,
        () -> "no " + quote(text) + " in " + quote(shorten(raw.toString(StandardCharsets.UTF_8))));
  }

  /** Waits until the server ended the response. */
  public void awaitEnd(Duration timeout) {
    awaitState(c -> c.ended, timeout, () -> "the stream did not end; got " + summary());
  }

  /** Waits until {@code condition} holds for this client. */
  public void awaitState(Predicate<SseClient> condition, Duration timeout,
      java.util.function.Supplier<String> message) {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (this) {
      while (!condition.test(this)) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          AssertionError error = new AssertionError(message.get()
              + (failure != null ? " (read failed: " + failure + causes(failure) + ")" : ""));
          if (failure != null) {
            error.initCause(failure);
          }
          throw error;
        }
        try {
          TimeUnit.NANOSECONDS.timedWait(this, left);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new AssertionError("interrupted", e);
        }
      }
    }
  }

  /**
   * Stops reading from the connection, as a client that hangs would: the server's writes back up
   * once the buffers in between are full.
   */
  public synchronized void pauseReading() {
    paused = true;
  }

  /** Stops reading and closes the response body (the connection, or the HTTP/2 stream). */
  @Override
  public void close() {
    try {
      response.body().close();
    } catch (IOException ignored) {
      // Closing anyway.
    }
    reader.interrupt();
  }

  private void read() {
    byte[] buffer = new byte[8192];
    try (InputStream in = decoded(response)) {
      int n;
      while ((n = in.read(buffer)) >= 0) {
        synchronized (this) {
          while (paused) {
            wait();
          }
          raw.write(buffer, 0, n);
          parser.feed(buffer, 0, n);
          notifyAll();
        }
      }
    } catch (IOException e) {
      synchronized (this) {
        failure = e;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      synchronized (this) {
        ended = true;
        notifyAll();
      }
    }
  }

  /** The body, gunzipped as it arrives when the server compressed it. */
  private static InputStream decoded(HttpResponse<InputStream> response) throws IOException {
    boolean gzip = response.headers().firstValue("content-encoding")
        .map(encoding -> encoding.equalsIgnoreCase("gzip")).orElse(false);
    return gzip ? new GZIPInputStream(response.body(), 512) : response.body();
  }

  private static String causes(Throwable failure) {
    StringBuilder out = new StringBuilder();
    for (Throwable cause = failure.getCause(); cause != null; cause = cause.getCause()) {
      out.append(", caused by ").append(cause);
    }
    return out.toString();
  }

  /** The number of events and the last three, shortened, for failure messages. */
  private String summary() {
    StringBuilder out = new StringBuilder().append(events.size()).append(" events");
    for (Event event : events.subList(Math.max(0, events.size() - 3), events.size())) {
      out.append(", ").append(event.type()).append(' ').append(quote(shorten(event.data())))
          .append(" id ").append(event.lastEventId());
    }
    return out.toString();
  }

  private static String shorten(String text) {
    return text.length() <= 200 ? text : text.substring(0, 100) + "..." + text.length() + " chars..."
        + text.substring(text.length() - 100);
  }

  private static String quote(String text) {
    return "\"" + text.replace("\n", "\\n").replace("\r", "\\r") + "\"";
  }

  @Override
  public String toString() {
    return "SseClient[" + response.uri() + " " + http.version() + "]";
  }
}
