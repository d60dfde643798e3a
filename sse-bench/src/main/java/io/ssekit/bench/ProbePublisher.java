package io.ssekit.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Publishes {@code {"t":<nanoTime>}} to one topic with the sample app's {@code POST /publish} at
 * a steady rate, as a backend service does: over a fixed set of keep-alive connections, each
 * opened (with a first publish) before the rate starts, so that the server's accept queue, which
 * a storm fills, is not in the measured path, while its request handling is. Each event carries
 * the time it was due, not the time a sender got to it, so an event that waits for a free
 * connection (every one busy with a slow request) counts that wait in its latency.
 */
final class ProbePublisher implements AutoCloseable {
  /** Tells a sender to stop. */
  private static final long STOP = Long.MIN_VALUE;

  private final URI publish;
  private final String topic;
  private final LinkedBlockingQueue<Long> due = new LinkedBlockingQueue<>();
  private final List<Thread> threads = new ArrayList<>();
  private final AtomicLong accepted = new AtomicLong();
  private final AtomicLong refused = new AtomicLong();
  private volatile boolean running = true;

  /**
   * Opens {@code connections} connections to {@code publish}, each with one publish to {@code
   * topic}; throws when one of those fails.
   */
  ProbePublisher(URI publish, String topic, int connections) throws IOException,
      InterruptedException {
    this.publish = publish;
    this.topic = topic;
    for (int i = 0; i < connections; i++) {
      HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5)).build();
      HttpResponse<Void> first = http.send(request(System.nanoTime()),
          HttpResponse.BodyHandlers.discarding());
      if (first.statusCode() != 200) {
        throw new IOException("the probe's publish answered " + first.statusCode());
      }
      Thread sender = new Thread(() -> send(http), "sse-bench-probe-sender-" + i);
      sender.setDaemon(true);
      sender.start();
      threads.add(sender);
    }
  }

  /** Publishes {@code rate} events a second, on a thread of its own, until closed. */
  void start(int rate) {
    Thread pacer = new Thread(() -> {
      long period = TimeUnit.SECONDS.toNanos(1) / rate;
      for (long next = System.nanoTime(); running; next += period) {
        long wait = next - System.nanoTime();
        if (wait > 0) {
          LockSupport.parkNanos(wait);
        }
        due.add(next);
      }
    }, "sse-bench-probe-pacer");
    pacer.setDaemon(true);
    pacer.start();
    threads.add(pacer);
  }

  long accepted() {
    return accepted.get();
  }

  long refused() {
    return refused.get();
  }

  private void send(HttpClient http) {
    try {
      for (long at = due.take(); at != STOP; at = due.take()) {
        try {
          HttpResponse<Void> answer = http.send(request(at),
              HttpResponse.BodyHandlers.discarding());
          (answer.statusCode() == 200 ? accepted : refused).incrementAndGet();
        } catch (IOException e) {
          refused.incrementAndGet();
        }
      }
    } catch (InterruptedException stopped) {
      Thread.currentThread().interrupt();
    }
  }

  private HttpRequest request(long dueNanos) {
    return HttpRequest.newBuilder(publish).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(
            "{\"topic\":\"" + topic + "\",\"data\":{\"t\":" + dueNanos + "}}"))
        .build();
  }

  /** Stops publishing; waits up to 15 s for the requests in flight. */
  @Override
  public void close() throws InterruptedException {
    running = false;
    due.clear();
    for (int i = 0; i < threads.size(); i++) {
      due.add(STOP);
    }
    for (Thread thread : threads) {
      thread.join(TimeUnit.SECONDS.toMillis(15));
    }
  }
}
