package io.ssekit.spi;

import java.lang.System.Logger.Level;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * {@link Fanout#local()}: delivers on the publishing thread, to this process only; {@code publish}
 * completes once the listener has queued the event on the local streams.
 */
final class LocalFanout implements Fanout {
  private static final System.Logger LOG = System.getLogger(LocalFanout.class.getName());
  private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);

  private volatile Listener listener;
  private volatile boolean closed;

  @Override
  public synchronized void start(Listener newListener) {
    Objects.requireNonNull(newListener, "listener");
    if (listener != null) {
      throw new IllegalStateException("fanout already started");
    }
    listener = newListener;
  }

  @Override
  public CompletionStage<Void> subscribe(String topic) {
    return closed ? closedStage() : DONE;
  }

  @Override
  public CompletionStage<Void> unsubscribe(String topic) {
    return DONE;
  }

  @Override
  public CompletionStage<Void> publish(StoredEvent event) {
    Objects.requireNonNull(event, "event");
    Listener current = listener;
    if (closed) {
      return closedStage();
    }
    if (current == null) {
      return CompletableFuture.failedFuture(new IllegalStateException("fanout not started"));
    }
    try {
      current.onEvent(event);
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "fanout listener failed on an event of topic " + event.topic(), e);
    }
    return DONE;
  }

  @Override
  public void close() {
    closed = true;
  }

  private static CompletableFuture<Void> closedStage() {
    return CompletableFuture.failedFuture(new IllegalStateException("fanout is closed"));
  }
}
