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
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;

/**
 * Publishes {@code {"t":<nanoTime>}} with {@code POST /send} (or with {@code POST /publish} to a
 * topic of its own) over keep-alive HTTP/1.1 connections: at a fixed rate, or as fast as {@code
 * connections} senders can, one request in flight each. Counts what the server accepted.
 *
 * <p>Given several {@linkplain Target targets} (instances and topics), it publishes to each in
 * turn, and each event's time carries its target's {@linkplain #origin origin} in its lowest
 * {@value #ORIGIN_BITS} bits, so that a receiver can tell on which instance it was published.
 */
final class Publisher {
  /** The low bits of an event's time that say where it was published. */
  static final int ORIGIN_BITS = 2;
  private static final long ORIGIN_MASK = (1L << ORIGIN_BITS) - 1;

  /**
   * Where a publish goes: {@code POST /send}, or {@code POST /publish} to {@code topic} when that
   * is not null; {@code origin} (the instance's number, below 2^{@value #ORIGIN_BITS}) is stamped
   * into the event's time, or nothing when negative.
   */
  record Target(URI uri, String topic, int origin) {
    Target {
      if (origin > ORIGIN_MASK) {
        throw new IllegalArgumentException("origin " + origin + " does not fit " + ORIGIN_BITS
            + " bits");
      }
    }
  }

  private final List<Target> targets;
  private final AtomicLong next = new AtomicLong();
  private final AtomicLongArray acceptedBy;
  private final AtomicLong accepted = new AtomicLong();
  private final AtomicLong refused = new AtomicLong();

  Publisher(URI send) {
    this(send, null);
  }

  /** Publishes to {@code topic} with the sample app's {@code POST /publish} at {@code publish}. */
  Publisher(URI publish, String topic) {
    this(List.of(new Target(publish, topic, -1)));
  }

  /** Publishes to each of {@code targets} in turn. */
  Publisher(List<Target> targets) {
    this.targets = List.copyOf(targets);
    this.acceptedBy = new AtomicLongArray(targets.size());
  }

  long accepted() {
    return accepted.get();
  }

  /** What the server of {@code targets.get(index)} accepted. */
  long accepted(int index) {
    return acceptedBy.get(index);
  }

  /** {@code nanos} with its lowest bits replaced by {@code origin}. */
  static long stamp(long nanos, int origin) {
    return nanos & ~ORIGIN_MASK | origin;
  }

  /** Where the event of time {@code stamped} was published, as {@link #stamp} put it. */
  static int origin(long stamped) {
    return (int) (stamped & ORIGIN_MASK);
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
      int target = nextTarget();
      inFlight.add(http.sendAsync(request(target), HttpResponse.BodyHandlers.discarding())
          .whenComplete((response, failure) -> count(target, response, failure)));
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
          int target = nextTarget();
          try {
            count(target, http.send(request(target), HttpResponse.BodyHandlers.discarding()),
                null);
          } catch (Exception e) {
            count(target, null, e);
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

  private int nextTarget() {
    return (int) (next.getAndIncrement() % targets.size());
  }

  private HttpRequest request(int index) {
    Target target = targets.get(index);
    long t = target.origin() < 0 ? System.nanoTime() : stamp(System.nanoTime(), target.origin());
    return HttpRequest.newBuilder(target.uri()).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(target.topic() == null
            ? "{\"t\":" + t + "}"
            : "{\"topic\":\"" + target.topic() + "\",\"data\":{\"t\":" + t + "}}"))
        .build();
  }

  private void count(int target, HttpResponse<?> response, Throwable failure) {
    if (failure == null && response.statusCode() == 200) {
      acceptedBy.incrementAndGet(target);
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
