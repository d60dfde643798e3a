package io.ssekit.sample;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ssekit.spi.Cursor;
import io.ssekit.testkit.EventStreamParser.Event;
import io.ssekit.testkit.SseClient;
import io.ssekit.testkit.TestRedis;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Several sample-app instances sharing Redis, under faults: an instance killed with SIGKILL, and
 * a soak with clients reconnecting at random to random instances. Every client must end with
 * every event of its topics, in order and once. Run on one redis-server and on a Redis Cluster.
 */
abstract class SampleFaultsCases {
  static final Duration WAIT = Duration.ofSeconds(20);
  static final String[] TOPICS = {"soak/a", "soak/b", "soak/c", "soak/d"};

  final List<SampleApp> apps = new ArrayList<>();
  final List<Process> processes = new ArrayList<>();
  final HttpClient http = HttpClient.newHttpClient();

  /** The Redis of the running test. */
  abstract TestRedis redis();

  @AfterEach
  void stopAll() {
    processes.forEach(Process::destroyForcibly);
    apps.forEach(SampleApp::close);
  }

  Map<String, String> env(int port) {
    return Map.of("PORT", Integer.toString(port), "SSE_REDIS_URI", redis().uri(),
        "SSE_HISTORY_SIZE", "20000", "SSE_RETRY_MS", "200", "SSE_SHUTDOWN_GRACE_MS", "500");
  }

  int inJvmInstance() throws Exception {
    SampleApp app = SampleApp.start(AppConfig.fromEnvironment(env(0)));
    apps.add(app);
    return app.port();
  }

  /** A sample app in a JVM of its own, which the test can kill. */
  Process processInstance(int port) throws Exception {
    Process process = ChildApp.start(env(port), List.of(), ProcessBuilder.Redirect.DISCARD);
    processes.add(process);
    return process;
  }

  int health(int port) throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health"))
        .build(), HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  void publish(int port, String topic, String data) throws Exception {
    HttpResponse<String> answer = http.send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + port + "/publish"))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(
            "{\"topic\":\"" + topic + "\",\"data\":\"" + data + "\"}")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, answer.statusCode(), answer.body());
  }

  /**
   * A client that keeps its last event id across connections, as a browser does, and records
   * the positions it got per topic.
   */
  final class MovingClient {
    final List<String> topics;
    final Map<String, List<Long>> positions = new TreeMap<>();
    final HttpClient own = HttpClient.newHttpClient();
    String lastId;
    int connections;
    int resets;

    MovingClient(List<String> topics) {
      this.topics = topics;
      topics.forEach(topic -> positions.put(topic, new ArrayList<>()));
    }

    /** Opens a stream on {@code port}; answers it once it started (or null if it could not). */
    SseClient connect(int port) {
      StringBuilder query = new StringBuilder();
      for (String topic : topics) {
        query.append(query.length() == 0 ? "?" : "&").append("topic=").append(topic);
      }
      try {
        SseClient client = SseClient.open(own,
            URI.create("http://127.0.0.1:" + port + "/events" + query),
            lastId == null ? Map.of() : Map.of("Last-Event-ID", lastId));
        connections++;
        return client;
      } catch (RuntimeException refused) {
        return null; // that instance is gone; the client tries another
      }
    }

    /** Takes what {@code client} received, after it was closed or ended. */
    void collect(SseClient client) {
      for (Event event : client.events()) {
        if (event.type().equals("sse-reset")) {
          resets++;
          continue;
        }
        String topic = event.data().substring(0, event.data().indexOf('|'));
        positions.get(topic).add(Cursor.parse(event.lastEventId()).orElseThrow()
            .position(topic).getAsLong());
      }
      if (!client.lastEventId().isEmpty()) {
        lastId = client.lastEventId();
      }
    }

    /** Reads {@code port} until it holds {@code heads} for every topic. */
    void catchUp(int port, Map<String, Long> heads) {
      SseClient client = connect(port);
      client.awaitState(c -> {
        if (c.lastEventId().isEmpty()) {
          return false;
        }
        Cursor at = Cursor.parse(c.lastEventId()).orElseThrow();
        return topics.stream().allMatch(t -> at.position(t).orElse(0) >= heads.get(t));
      }, WAIT, () -> "did not catch up with " + heads);
      client.close();
      collect(client);
    }

    /** Gap-free and duplicate-free per topic, from the first event received. */
    void assertComplete(Map<String, Long> heads) {
      for (String topic : topics) {
        List<Long> got = positions.get(topic);
        assertTrue(!got.isEmpty(), topic + ": nothing received");
        for (int i = 1; i < got.size(); i++) {
          assertEquals(got.get(i - 1) + 1, got.get(i),
              topic + ": a gap or a duplicate after position " + got.get(i - 1));
        }
        assertEquals(heads.get(topic), got.get(got.size() - 1), topic + ": the last event");
      }
      assertEquals(0, resets, "nothing was lost, so nothing was reset");
    }
  }

  /** The last position of each topic, as a fresh stream's start cursor says. */
  Map<String, Long> heads(int port) {
    Map<String, Long> heads = new HashMap<>();
    MovingClient probe = new MovingClient(List.of(TOPICS));
    SseClient client = probe.connect(port);
    client.awaitText("id: ", WAIT);
    client.close();
    Cursor start = Cursor.parse(client.lastEventId()).orElseThrow();
    for (String topic : TOPICS) {
      heads.put(topic, start.position(topic).getAsLong());
    }
    return heads;
  }

  @Test
  void clientsOfAnInstanceKilledWithSigkillMoveToAnotherAndLoseNothing() throws Exception {
    int doomed = ChildApp.freePort();
    processInstance(doomed);
    int survivor = inJvmInstance();
    List<MovingClient> clients = new ArrayList<>();
    List<SseClient> open = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      MovingClient client = new MovingClient(List.of(TOPICS[i % 2], TOPICS[2]));
      clients.add(client);
      SseClient stream = client.connect(doomed);
      stream.awaitText("id: ", WAIT);
      open.add(stream);
    }

    AtomicLong sent = new AtomicLong();
    CompletableFuture<Void> publishing = CompletableFuture.runAsync(() -> {
      for (int i = 0; i < 300; i++) {
        String topic = TOPICS[i % 3];
        try {
          publish(survivor, topic, topic + "|" + i);
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
        sent.incrementAndGet();
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
      }
    });
    while (sent.get() < 100) {
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
    }
    processes.get(0).destroyForcibly().waitFor(10, TimeUnit.SECONDS); // kill -9

    for (int i = 0; i < clients.size(); i++) {
      open.get(i).awaitEnd(WAIT);
      clients.get(i).collect(open.get(i));
    }
    publishing.get(60, TimeUnit.SECONDS);
    Map<String, Long> heads = heads(survivor);
    for (MovingClient client : clients) {
      client.catchUp(survivor, heads); // reconnects with its last id, to the other instance
      client.assertComplete(heads);
    }
  }

  @Test
  void soakClientsReconnectingAtRandomToRandomInstancesGetEveryEventOnceInOrder()
      throws Exception {
    long seconds = Long.getLong("ssekit.soakSeconds", 60);
    int[] ports = {inJvmInstance(), inJvmInstance(), inJvmInstance()};
    Random random = new Random(20261125);
    AtomicBoolean running = new AtomicBoolean(true);
    AtomicLong published = new AtomicLong();

    // Publishers and readers loop until the soak ends: each needs a thread of its own, which
    // the common pool (sized by the machine's cores) does not promise.
    ExecutorService soakThreads = Executors.newFixedThreadPool(3 + 8);
    try {
      soak(seconds, ports, random, running, published, soakThreads);
    } finally {
      soakThreads.shutdownNow();
    }
  }

  private void soak(long seconds, int[] ports, Random random, AtomicBoolean running,
      AtomicLong published, ExecutorService soakThreads) throws Exception {
    List<CompletableFuture<Void>> publishers = new ArrayList<>();
    for (int p = 0; p < 3; p++) {
      long seed = random.nextLong();
      publishers.add(CompletableFuture.runAsync(() -> {
        Random mine = new Random(seed);
        while (running.get()) {
          String topic = TOPICS[mine.nextInt(TOPICS.length)];
          try {
            publish(ports[mine.nextInt(ports.length)], topic, topic + "|" + published.get());
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
          published.incrementAndGet();
          LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10 + mine.nextInt(10)));
        }
      }, soakThreads));
    }
    List<MovingClient> clients = new ArrayList<>();
    List<CompletableFuture<Void>> readers = new ArrayList<>();
    for (int c = 0; c < 8; c++) {
      List<String> topics = new ArrayList<>();
      for (String topic : TOPICS) {
        if (random.nextBoolean() || topics.isEmpty() && topic.equals(TOPICS[3])) {
          topics.add(topic);
        }
      }
      MovingClient client = new MovingClient(topics);
      clients.add(client);
      long seed = random.nextLong();
      readers.add(CompletableFuture.runAsync(() -> {
        Random mine = new Random(seed);
        while (running.get()) {
          SseClient stream = client.connect(ports[mine.nextInt(ports.length)]);
          assertTrue(stream != null, "every instance is up during the soak");
          LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100 + mine.nextInt(1500)));
          stream.close();
          client.collect(stream);
        }
      }, soakThreads));
    }

    LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(seconds));
    running.set(false);
    CompletableFuture.allOf(publishers.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
    CompletableFuture.allOf(readers.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);

    Map<String, Long> heads = heads(ports[0]);
    long received = 0;
    int connections = 0;
    for (MovingClient client : clients) {
      client.catchUp(ports[random.nextInt(ports.length)], heads);
      client.assertComplete(heads);
      received += client.positions.values().stream().mapToLong(List::size).sum();
      connections += client.connections;
    }
    System.out.printf("soak: %d s, %d events published on %d topics through 3 instances, %d"
        + " clients over %d connections received %d events, none lost or repeated%n",
        seconds, published.get(), TOPICS.length, clients.size(), connections, received);
  }
}
