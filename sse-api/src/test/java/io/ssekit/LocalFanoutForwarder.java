package io.ssekit;

import io.ssekit.spi.Fanout;
import io.ssekit.spi.StoredEvent;
import java.util.concurrent.CompletionStage;

/**
 * The in-process fanout, every call forwarded to it: tests extend it and override the one call
 * they break.
 */
class LocalFanoutForwarder implements Fanout {
  private final Fanout local = Fanout.local();
  /** The hub's listener, once started. */
  protected volatile Listener listener;

  @Override
  public void start(Listener value) {
    listener = value;
    local.start(value);
  }

  @Override
  public CompletionStage<Void> subscribe(String topic) {
    return local.subscribe(topic);
  }

  @Override
  public CompletionStage<Void> unsubscribe(String topic) {
    return local.unsubscribe(topic);
  }

  @Override
  public CompletionStage<Void> publish(StoredEvent event) {
    return local.publish(event);
  }

  @Override
  public void close() {
    local.close();
  }
}
