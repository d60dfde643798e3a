package io.ssekit.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ssekit.servlet.StreamCaps.Cap;
import io.ssekit.servlet.StreamCaps.Claim;
import io.ssekit.servlet.StreamCaps.Limit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The counts behind the stream caps, exact under concurrency. */
class StreamCapsTest {
  @Test
  void supersedingTakesTheOldestAndANewClaimSupersededBeforeItIsAttachedEndsAsItAttaches() {
    StreamCaps caps = new StreamCaps(2, 0, StreamLimitPolicy.SUPERSEDE_OLDEST);
    List<Limit> ends = new ArrayList<>();
    Claim first = caps.admit("alice", "1.2.3.4");
    Claim second = caps.admit("alice", "1.2.3.4");
    second.attach(ends::add);
    caps.admit("alice", "1.2.3.4").attach(ends::add);
    assertEquals(List.of(), ends, "the second is not the oldest");
    first.attach(ends::add);
    assertEquals(List.of(new Limit(Cap.PRINCIPAL, 2)), ends, "the first ends as it attaches");
    assertEquals(2, caps.held(Cap.PRINCIPAL, "alice"));
    assertEquals(0, caps.held(Cap.ADDRESS, "1.2.3.4"), "no address cap, no count");

    first.release();
    assertEquals(2, caps.held(Cap.PRINCIPAL, "alice"), "the superseded claim left already");
  }

  @Test
  void refuseNewGivesBackWhatItTookOnTheOtherHolder() {
    StreamCaps caps = new StreamCaps(5, 1, StreamLimitPolicy.REFUSE_NEW);
    Claim held = caps.admit("alice", "1.2.3.4");
    Claim refused = caps.admit("bob", "1.2.3.4");
    assertNull(held.refusal());
    assertEquals(new Limit(Cap.ADDRESS, 1), refused.refusal());
    assertEquals(0, caps.held(Cap.PRINCIPAL, "bob"));
    assertEquals(2, caps.holders());

    held.release();
    held.release();
    assertEquals(0, caps.holders());
    assertNull(caps.admit("bob", "1.2.3.4").refusal());
  }

  @Test
  void manyThreadsOpeningAndClosingNeverExceedTheCapAndEndAtZero() throws Exception {
    for (StreamLimitPolicy policy : StreamLimitPolicy.values()) {
      StreamCaps caps = new StreamCaps(3, 4, policy);
      ExecutorService threads = Executors.newFixedThreadPool(8);
      AtomicInteger over = new AtomicInteger();
      List<Claim> open = new CopyOnWriteArrayList<>();
      CountDownLatch go = new CountDownLatch(1);
      List<Future<?>> done = new ArrayList<>();
      try {
        for (int t = 0; t < 8; t++) {
          int thread = t;
          done.add(threads.submit(() -> {
            go.await();
            for (int i = 0; i < 2000; i++) {
              Claim claim = caps.admit("user" + (i % 3), "10.0.0." + (thread % 2));
              if (claim.refusal() == null) {
                claim.attach(limit -> claim.release());
                open.add(claim);
              }
              if (caps.held(Cap.PRINCIPAL, "user" + (i % 3)) > 3
                  || caps.held(Cap.ADDRESS, "10.0.0." + (thread % 2)) > 4) {
                over.incrementAndGet();
              }
              if (i % 3 == 0 && !open.isEmpty()) {
                open.remove(0).release();
              }
            }
            return null;
          }));
        }
        go.countDown();
        for (Future<?> each : done) {
          each.get(30, TimeUnit.SECONDS);
        }
      } finally {
        threads.shutdownNow();
      }
      assertEquals(0, over.get(), policy + ": a holder was seen over its cap");
      assertTrue(caps.holders() > 0, policy.toString());
      open.forEach(Claim::release);
      assertEquals(0, caps.holders(), policy + ": every count is back to zero");
    }
  }
}
