package io.ssekit.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Publishes {@code {"t":<nanoTime>}} with {@code POST /send} (or with {@code POST /publish} to a
 * topic of its own) over keep-alive HTTP/1.1 connections: at a fixed rate, or as fast as {@code
 * connections} senders can, one request in flight each. Counts what the server accepted.
 */
final class Publisher {
  private final URI send;
  /** The topic of {@code POST /publish}; {@code null}: {@code POST /send}. */
  private final String topic;
  private final AtomicLong accepted = new AtomicLong();
  private final AtomicLong refused = new AtomicLong();

  Publisher(URI send) {
    this(send, null);
  }

  /** Publishes to {@code topic} with the sample app's {@code POST /publish} at {@code publish}. */
  Publisher(URI publish, String topic) {
    this.send = publish;
    this.topic = topic;
  }

  long accepted() {
    return accepted.get();
  }

  long refused() {
    return refused.get();
  }

  /** {@code rate} events a second for {@code duration}, on one sender; returns when done. */
  void fixedRate(int rate, Duration duration) throws InterruptedException {
    HttpClient http = client();
    long period = TimeUnit.SECONDS.toNanos(1) / rate;
    long start = System.nanoTime();
    long end = start + duration.toNanos();
    List<java.util.concurrent.CompletableFuture<?>> inFlight = new ArrayList<>();
    for (long next = start; next < end; next += period) {
      long wait = next - System.nanoTime();
      if (wait > 0) {
        LockSupport.parkNanos(wait);
      }
      inFlight.add(http.sendAsync(request(), HttpResponse.BodyHandlers.discarding())
          .whenComplete((response, failure) -> count(response, failure)));
      inFlight.removeIf(java.util.concurrent.CompletableFuture::isDone);
    }
    for (java.util.concurrent.CompletableFuture<?> pending : inFlight) {
      try {
        pending.get(10, TimeUnit.SECONDS);
      } catch (Exception ignored) {
        // Counted as refused.
      }
    }
  }

  /** As fast as {@code connections} senders can, for {@code duration}; returns when done. */
  void max(int connections, Duration duration) throws InterruptedException {
    long end = System.nanoTime() + duration.toNanos();
    List<Thread> senders = new ArrayList<>();
    for (int i = 0; i < connections; i++) {
      HttpClient http = client();
      Thread sender = new Thread(() -> {
        while (System.nanoTime() < end) {
          try {
            count(http.send(request(), HttpResponse.BodyHandlers.discarding()), null);
          } catch (Exception e) {
            count(null, e);
          }
        }
      }, "sse-bench-publisher-" + i);
      sender.setDaemon(true);
      sender.start();
      senders.add(sender);
    }
    for (Thread sender : senders) {
      sender.join();
    }
  }

  private HttpRequest request() {
    return HttpRequest.newBuilder(send).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(topic == null
            ? "{\"t\":" + System.nanoTime() + "}"
            : "{\"topic\":\"" + topic + "\",\"data\":{\"t\":" + System.nanoTime() + "}}"))
        .build();
  }

  private void count(HttpResponse<?> response, Throwable failure) {
    if (failure == null && response.statusCode() == 200) {
      accepted.incrementAndGet();
    } else {
      refused.incrementAndGet();
    }
  }

  private static HttpClient client() {
    return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5)).build();
  }
}
