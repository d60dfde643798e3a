package io.ssekit.history.redis;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ssekit.SseHub;
import io.ssekit.Subscription;
import io.ssekit.fanout.redis.RedisFanout;
import io.ssekit.spi.Cursor;
import io.ssekit.testkit.RecordingSink;
import io.ssekit.testkit.RecordingSink.Frame;
import io.ssekit.testkit.RedisExtension;
import io.ssekit.testkit.RedisServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A Redis that comes back with older data than it had (a restore from an earlier snapshot, a
 * replica promoted before it got the last writes) never makes the history hand out a position
 * twice: streams that were open, and clients that come back with any id they held, get every
 * event the history holds after it, or {@code sse-reset} first.
 */
class RedisOlderDataTest {
  static final Duration WAIT = Duration.ofSeconds(30);
  static final String TOPIC = "t";

  @RegisterExtension
  final RedisExtension<RedisServer> server = RedisExtension.server();
  final List<AutoCloseable> open = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (int i = open.size() - 1; i >= 0; i--) {
      open.get(i).close();
    }
  }

  @Test
  void aRedisRestoredFromAnOlderSnapshotNeverHandsOutAPositionAgain() throws IOException {
    RedisServer redis = server.redis();
    SseHub hub = instance(redis.uri());
    RecordingSink openStream = stream(hub, null);
    Held held = new Held(openStream.frames().get(0).id());

    held.publish(hub, "e", 1, 100);
    assertEquals("+OK", redis.command("SAVE"));
    Path snapshot = Files.createTempFile("ssekit-snapshot", ".rdb");
    Files.copy(redis.dataDir().resolve("dump.rdb"), snapshot, StandardCopyOption.REPLACE_EXISTING);
    held.publish(hub, "e", 101, 150);
    soon().until(() -> openStream.events().size() == 150);

    redis.kill();
    Files.copy(snapshot, redis.dataDir().resolve("dump.rdb"), StandardCopyOption.REPLACE_EXISTING);
    Files.delete(snapshot);
    redis.restart();

    List<Published> fresh = held.publishAfterwards(hub, 20);
    held.assertNoPositionHandedOutTwice(fresh);
    assertOpenStreamGetsEveryNewEventAfterAReset(openStream, fresh);
    held.assertEveryCursorResumes(hub, 100, fresh);
  }

  @Test
  void aReplicaPromotedBeforeItGotTheLastWritesNeverHandsOutAPositionAgain() {
    RedisServer master = server.redis();
    RedisServer replica = RedisServer.start();
    open.add(replica::close);
    assertEquals("+OK", replica.command("REPLICAOF", "127.0.0.1", Integer.toString(master.port())));
    soon().until(() -> replica.command("INFO", "replication")
        .contains("master_link_status:up"));
    SseHub onMaster = instance(master.uri());
    RecordingSink openStream = stream(onMaster, null);
    Held held = new Held(openStream.frames().get(0).id());

    held.publish(onMaster, "e", 1, 100);
    assertEquals(":1", master.command("WAIT", "1", "10000"), "the replica has the first 100");
    // The replica loses its master (it keeps its data) and misses the last 50.
    assertEquals("+OK", replica.command("REPLICAOF", "127.0.0.1",
        Integer.toString(RedisServer.freeLoopbackPort())));
    held.publish(onMaster, "e", 101, 150);
    soon().until(() -> openStream.events().size() == 150);
    master.kill();
    assertEquals("+OK", replica.command("REPLICAOF", "NO", "ONE"));

    // The instance's clients move to one that uses the promoted replica.
    SseHub onReplica = instance(replica.uri());
    RecordingSink moved = new RecordingSink();
    onReplica.subscribe(List.of(TOPIC), openStream.lastId(), moved);
    List<Published> fresh = held.publishAfterwards(onReplica, 20);
    held.assertNoPositionHandedOutTwice(fresh);
    assertOpenStreamGetsEveryNewEventAfterAReset(moved, fresh);
    held.assertEveryCursorResumes(onReplica, 100, fresh);
  }

  /** A bounded wait that polls often: many short waits follow one another. */
  static org.awaitility.core.ConditionFactory soon() {
    return await().atMost(WAIT).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(5));
  }

  SseHub instance(String uri) {
    SseHub hub = SseHub.builder()
        .history(RedisEventHistory.builder().uri(uri).commandTimeout(Duration.ofSeconds(2))
            .build())
        .fanout(RedisFanout.builder().uri(uri).build())
        .build();
    open.add(hub);
    return hub;
  }

  static RecordingSink stream(SseHub hub, String lastEventId) {
    RecordingSink sink = new RecordingSink();
    hub.subscribe(List.of(TOPIC), lastEventId, sink);
    soon().until(() -> !sink.frames().isEmpty());
    return sink;
  }

  /**
   * A stream that had every lost event: after the Redis came back it gets {@code sse-reset} and
   * then each new event once, in order, and nothing after the reset that it had before the loss.
   */
  static void assertOpenStreamGetsEveryNewEventAfterAReset(RecordingSink sink,
      List<Published> fresh) {
    List<String> expected = fresh.stream().map(Published::data).toList();
    soon().until(() -> newData(sink).equals(expected));
    List<Frame> frames = sink.frames();
    int reset = -1;
    for (int i = 0; i < frames.size(); i++) {
      if ("sse-reset".equals(frames.get(i).event())) {
        reset = i;
      }
    }
    assertTrue(reset >= 0, "the stream was told: " + frames);
    int firstNew = frames.indexOf(frames.stream()
        .filter(f -> f.data() != null && f.data().startsWith("n")).findFirst().orElseThrow());
    assertTrue(reset < firstNew, "the reset comes before the new events");
    assertTrue(frames.subList(reset, frames.size()).stream().noneMatch(f -> f.data() != null
        && f.data().startsWith("e") && Integer.parseInt(f.data().substring(1)) > 100),
        "no event the history lost comes after the reset");
  }

  static List<String> newData(RecordingSink sink) {
    return sink.data().stream().filter(data -> data.startsWith("n")).toList();
  }

  static long position(String id) {
    return Cursor.parse(id).orElseThrow().position(TOPIC).getAsLong();
  }

  /** One published event: its id and data. */
  record Published(String id, String data) {}

  /** Every id a client may hold: the open stream's start cursor and each event's id. */
  static final class Held {
    final String start;
    final List<Published> events = new ArrayList<>();

    Held(String start) {
      this.start = start;
    }

    void publish(SseHub hub, String prefix, int from, int to) {
      for (int i = from; i <= to; i++) {
        String data = prefix + i;
        events.add(new Published(hub.publish(TOPIC, data).toCompletableFuture().join(), data));
      }
    }

    /** Publishes once the history works again (the first attempts may find Redis starting). */
    List<Published> publishAfterwards(SseHub hub, int count) {
      List<Published> fresh = new ArrayList<>();
      for (int i = 1; i <= count; i++) {
        String data = "n" + i;
        String id = soon().ignoreExceptions()
            .until(() -> hub.publish(TOPIC, data).toCompletableFuture().join(), done -> true);
        fresh.add(new Published(id, data));
      }
      return fresh;
    }

    void assertNoPositionHandedOutTwice(List<Published> fresh) {
      long highestBefore = Math.max(position(start),
          events.stream().mapToLong(e -> position(e.id())).max().orElseThrow());
      for (Published event : fresh) {
        assertTrue(position(event.id()) > highestBefore, event + " after " + highestBefore);
      }
    }

    /**
     * A client that comes back with any id it held gets every event the history holds after it
     * (the first {@code kept} and the new ones); one that held an id the history lost gets
     * {@code sse-reset} and the new events.
     */
    void assertEveryCursorResumes(SseHub hub, int kept, List<Published> fresh) {
      Map<String, List<String>> expected = new TreeMap<>();
      List<String> freshData = fresh.stream().map(Published::data).toList();
      List<String> keptData = events.subList(0, kept).stream().map(Published::data).toList();
      expected.put(start, concat(keptData, freshData));
      for (int i = 0; i < events.size(); i++) {
        expected.put(events.get(i).id(), i < kept
            ? concat(keptData.subList(i + 1, kept), freshData) : freshData);
      }
      expected.forEach((cursor, data) -> {
        RecordingSink client = new RecordingSink();
        Subscription subscription = hub.subscribe(List.of(TOPIC), cursor, client);
        soon().until(() -> client.data().size() >= data.size());
        boolean lost = events.stream().skip(kept).anyMatch(e -> e.id().equals(cursor));
        boolean reset = client.frames().stream().anyMatch(f -> "sse-reset".equals(f.event()));
        assertEquals(data, client.data(), "resumed from " + cursor);
        assertEquals(lost, reset, "reset exactly when the cursor was lost: " + cursor);
        subscription.close();
      });
    }

    static List<String> concat(List<String> first, List<String> second) {
      List<String> all = new ArrayList<>(first);
      all.addAll(second);
      return all;
    }
  }
}
