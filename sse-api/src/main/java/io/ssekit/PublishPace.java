package io.ssekit;

import java.util.concurrent.CompletionStage;

/**
 * Says whether the threads that write some streams keep up, so that publishers go at their
 * pace instead of overflowing the queues of streams whose clients read perfectly well. A servlet
 * registers the pace of its writers with {@link SseHub#pacedBy}. A stream that waits for a slow
 * client is never behind in this sense: a slow client never slows publishers (it falls behind
 * and is ended).
 */
@FunctionalInterface
public interface PublishPace {
  /**
   * {@code null} while the writers keep up; else a stage completed once they have caught up,
   * never failed. Called on every publish: it must be cheap and must not block.
   */
  CompletionStage<Void> behind();
}
