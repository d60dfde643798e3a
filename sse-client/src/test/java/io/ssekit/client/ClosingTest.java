package io.ssekit.client;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ssekit.SseHub;
import io.ssekit.history.memory.MemoryEventHistory;
import io.ssekit.servlet.SseServlet;
import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** close() leaves nothing behind: no thread, no connection, no timer. */
@Timeout(60)
class ClosingTest {
  @ParameterizedTest
  @EnumSource(HttpClient.Version.class)
  void closeLeavesNoThreadOrConnection(HttpClient.Version version) throws Exception {
    try (SseHub hub = SseHub.builder().history(MemoryEventHistory.create()).build();
         JettyServer jetty = JettyServer.start(SseServlet.builder().hub(hub)
             .keepAlive(Duration.ofMillis(100)).build())) {
      // Clients of other tests in this JVM may still be going; only this one's threads count.
      Set<Thread> before = clientThreads();
      RecordingListener listener = new RecordingListener();
      EventSource source = EventSource.builder(jetty.uri("/events?topic=c"))
          .httpVersion(version).build();
      source.start(listener);
      await().atMost(Duration.ofSeconds(20)).until(() -> hub.streamCount() == 1);
      hub.publish("c", "x").toCompletableFuture().join();
      await().atMost(Duration.ofSeconds(20)).until(() -> listener.events.size() == 1);
      assertEquals(1, establishedTo(jetty.port()), "one connection while open");
      Set<Thread> running = clientThreads();
      running.removeAll(before);
      assertTrue(running.stream().anyMatch(t -> t.getName().startsWith("ssekit-client-")));
      assertTrue(running.stream().allMatch(Thread::isDaemon),
          "no thread of the client keeps the JVM alive: " + running);

      source.close();
      assertEquals(EventSource.ReadyState.CLOSED, source.readyState());
      assertEquals("closed", listener.log.get(listener.log.size() - 1));
      if (version == HttpClient.Version.HTTP_1_1) {
        assertEquals(0, establishedTo(jetty.port()), "the connection is closed at once");
      }
      // On Java 17 the JDK's HTTP client stops its selector thread, and closes a pooled HTTP/2
      // connection, once it is collected; on 21 and later close() shuts it down at once.
      await().atMost(Duration.ofSeconds(20)).until(() -> {
        System.gc();
        return before.containsAll(clientThreads()) && establishedTo(jetty.port()) == 0;
      });
      await().atMost(Duration.ofSeconds(20)).until(() -> hub.streamCount() == 0);
    }
  }

  @Test
  void closeBeforeStartAndTwiceIsQuiet() {
    EventSource source = EventSource.builder(java.net.URI.create("http://127.0.0.1:9/")).build();
    source.close();
    source.close();
    RecordingListener listener = new RecordingListener();
    EventSource closed = EventSource.builder(java.net.URI.create("http://127.0.0.1:9/")).build();
    closed.close();
    closed.start(listener);
    await().atMost(Duration.ofSeconds(20)).until(listener::isClosed);
    assertEquals(List.of("closed"), listener.log);
  }

  /** Threads of the client and of the JDK HTTP clients it made. */
  private static Set<Thread> clientThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(Thread::isAlive)
        .filter(t -> t.getName().startsWith("ssekit-client-") || t.getName().startsWith("HttpClient-"))
        .collect(Collectors.toSet());
  }

  /**
   * This process's TCP connections to {@code port} in state ESTABLISHED: the sockets among its
   * file descriptors, looked up in /proc/net/tcp by inode.
   */
  private static long establishedTo(int port) throws IOException {
    Set<String> inodes;
    try (var fds = Files.list(Path.of("/proc/self/fd"))) {
      inodes = fds.map(fd -> {
        try {
          return Files.readSymbolicLink(fd).toString();
        } catch (IOException gone) {
          return "";
        }
      }).filter(link -> link.startsWith("socket:["))
          .map(link -> link.substring("socket:[".length(), link.length() - 1))
          .collect(Collectors.toSet());
    }
    String remote = String.format(":%04X", port);
    long count = 0;
    for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
      Path path = Path.of(table);
      if (!Files.exists(path)) {
        continue;
      }
      for (String line : Files.readAllLines(path)) {
        String[] fields = line.trim().split("\\s+");
        if (fields.length > 9 && fields[2].endsWith(remote) && fields[3].equals("01")
            && inodes.contains(fields[9])) {
          count++;
        }
      }
    }
    return count;
  }
}
