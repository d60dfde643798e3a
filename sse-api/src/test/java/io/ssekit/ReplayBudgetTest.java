package io.ssekit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** The permit queue of history reads: at most so many in flight, the rest in arrival order. */
class ReplayBudgetTest {
  private final List<String> started = new ArrayList<>();
  private final List<CompletableFuture<Void>> answers = new ArrayList<>();
  private boolean handOffWorks = true;
  private final ReplayBudget budget = new ReplayBudget(2, read -> {
    if (handOffWorks) {
      read.run();
    }
    return handOffWorks;
  });

  private ReplayBudget.Place read(String name) {
    return budget.enter(() -> {
      started.add(name);
      CompletableFuture<Void> answer = new CompletableFuture<>();
      answers.add(answer);
      return answer;
    });
  }

  @Test
  void readsBeyondThePermitsWaitAndStartInTheOrderTheyCame() {
    read("a");
    read("b");
    read("c");
    read("d");
    assertEquals(List.of("a", "b"), started);
    assertEquals(2, budget.inFlight());
    assertEquals(2, budget.waiting());

    answers.get(1).complete(null);
    assertEquals(List.of("a", "b", "c"), started);
    answers.get(0).completeExceptionally(new IllegalStateException("a failed read"));
    assertEquals(List.of("a", "b", "c", "d"), started);
    answers.get(2).complete(null);
    answers.get(3).complete(null);
    assertEquals(0, budget.inFlight());
    assertEquals(0, budget.waiting());
  }

  @Test
  void aPlaceLeftBeforeItsTurnNeverStartsAndCostsNoPermit() {
    read("a");
    read("b");
    ReplayBudget.Place c = read("c");
    read("d");
    c.leave();
    c.leave();
    assertEquals(1, budget.waiting());

    answers.get(0).complete(null);
    assertEquals(List.of("a", "b", "d"), started);
    answers.get(1).complete(null);
    answers.get(2).complete(null);
    assertEquals(0, budget.inFlight());
  }

  @Test
  void aReadInFlightKeepsItsPermitUntilItsAnswerEvenWhenLeft() {
    ReplayBudget.Place a = read("a");
    read("b");
    read("c");
    a.leave();
    assertEquals(List.of("a", "b"), started, "a's read is still in the history");
    answers.get(0).complete(null);
    assertEquals(List.of("a", "b", "c"), started);
  }

  @Test
  void aReadThatThrowsGivesItsPermitBack() {
    assertThrows(IllegalStateException.class, () -> budget.enter(() -> {
      throw new IllegalStateException("no stage");
    }));
    read("a");
    read("b");
    assertEquals(List.of("a", "b"), started);
    assertEquals(2, budget.inFlight());
  }

  @Test
  void aReadGrantedWhenItsStartCannotBeHandedOnGivesItsPermitBack() {
    read("a");
    read("b");
    read("c");
    handOffWorks = false;
    answers.get(0).complete(null);
    assertEquals(1, budget.inFlight(), "c was granted, not started, and gave its permit back");
    assertEquals(0, budget.waiting());
    assertTrue(started.equals(List.of("a", "b")), started.toString());
  }

  @Test
  void aBudgetOfNothingIsRefused() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new ReplayBudget(0, read -> true));
    assertEquals("replayConcurrency must be positive, was 0", e.getMessage());
  }
}
