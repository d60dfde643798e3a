package io.ssekit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ssekit.HubCatchUpTest.HeldHistory;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A hub with a replay budget of one: streams whose replay waits for its turn stay open, lose
 * nothing, and get their events in order once their turn comes; a stream that ends while it
 * waits gives its place up.
 */
class HubReplayBudgetTest {
  private static final Duration WAIT = Duration.ofSeconds(10);

  private final HeldHistory history = new HeldHistory();
  private SseHub hub;

  @AfterEach
  void close() {
    hub.close();
  }

  private String publish(String topic, String data) {
    return hub.publish(topic, data).toCompletableFuture().join();
  }

  @Test
  void aSecondReplayWaitsForTheFirstThenBothGetEverythingInOrderOnce() {
    hub = SseHub.builder().history(history).replayConcurrency(1).build();
    String first = publish("t", "e1");
    publish("t", "e2");
    publish("t", "e3");
    history.hold();
    DecodingSink a = new DecodingSink();
    DecodingSink b = new DecodingSink();
    hub.subscribe(List.of("t"), first, a);
    await().atMost(WAIT).until(() -> history.replaysAsked() == 1);
    hub.subscribe(List.of("t"), first, b);
    await().atMost(WAIT).until(() -> hub.replays().waiting() == 1);
    publish("t", "e4");

    assertEquals(1, history.replaysAsked(), "the second replay waits for its turn");
    assertEquals(1, hub.replays().inFlight());
    assertTrue(b.frames().isEmpty() && !b.ended(), "the waiting stream stays open: " + b);

    history.release();
    await().atMost(WAIT).until(() -> a.data().size() == 3 && b.data().size() == 3);
    publish("t", "e5");
    List<String> expected = List.of("e2", "e3", "e4", "e5");
    await().atMost(WAIT).until(() -> a.data().size() == 4 && b.data().size() == 4);
    assertEquals(expected, a.data());
    assertEquals(expected, b.data());
    assertEquals(2, history.replaysAsked());
    assertEquals(0, hub.replays().inFlight());
    assertFalse(a.ended() || b.ended());
  }

  @Test
  void aStreamClosedOrEndedWhileItWaitsGivesItsPlaceUp() {
    hub = SseHub.builder().history(history).replayConcurrency(1).maxPendingEvents(1).build();
    history.hold();
    DecodingSink reading = new DecodingSink();
    DecodingSink closed = new DecodingSink();
    DecodingSink overflowing = new DecodingSink();
    DecodingSink last = new DecodingSink();
    hub.subscribe(List.of("x"), null, reading);
    await().atMost(WAIT).until(() -> history.replaysAsked() == 1);
    Subscription closing = hub.subscribe(List.of("y"), null, closed);
    hub.subscribe(List.of("z"), null, overflowing);
    await().atMost(WAIT).until(() -> hub.replays().waiting() == 2);
    hub.subscribe(List.of("w"), null, last);
    await().atMost(WAIT).until(() -> hub.replays().waiting() == 3);

    closing.close();
    // More live events than a waiting stream may hold: the hub ends it.
    publish("z", "z1");
    publish("z", "z2");
    await().atMost(WAIT).until(overflowing::ended);
    assertEquals(1, hub.replays().waiting(), "both places are given up");

    history.release();
    publish("w", "w1");
    publish("x", "x1");
    await().atMost(WAIT).until(() -> last.data().equals(List.of("w1"))
        && reading.data().equals(List.of("x1")));
    assertEquals(2, history.replaysAsked(), "no read for the streams that ended");
    assertTrue(closed.frames().isEmpty());
    assertEquals(0, hub.replays().inFlight());
    assertEquals(0, hub.replays().waiting());
  }

  @Test
  void aBudgetOfNothingIsRefusedNamingTheSetting() {
    hub = SseHub.builder().history(history).build();
    IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(
        IllegalArgumentException.class, () -> SseHub.builder().replayConcurrency(0));
    assertEquals("replayConcurrency must be positive, was 0", e.getMessage());
  }
}
