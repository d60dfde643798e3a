package io.ssekit.client;

import java.time.Duration;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * The events of an {@link EventSource}, for code that blocks: {@link #hasNext()} waits for the
 * next event. At most {@value #PREFETCH} events are held ahead of the reader; the source reads
 * no further until the reader takes them. The iterator ends when the source is closed or stops
 * on {@code 204}; when the source stops for another reason, {@code hasNext} and {@code next}
 * throw its {@link EventSourceException}. Closing the iterator closes the source. One reading
 * thread at a time.
 */
public final class EventIterator implements Iterator<MessageEvent>, AutoCloseable {
  /** How many events the iterator holds at most ahead of its reader. */
  public static final int PREFETCH = 64;

  private static final Object END = new Object();

  private final EventSource source;
  private final BlockingQueue<Object> queue = new ArrayBlockingQueue<>(PREFETCH + 1);
  private final Subscriber subscriber = new Subscriber();
  private Object next;
  private int taken;

  EventIterator(EventSource source) {
    this.source = source;
  }

  Flow.Subscriber<MessageEvent> subscriber() {
    return subscriber;
  }

  /**
   * Waits for the next event.
   *
   * @return false once the source is closed and every event before was taken
   * @throws EventSourceException when the source stopped for another reason than close or 204
   * @throws IllegalStateException when the thread is interrupted while waiting
   */
  @Override
  public boolean hasNext() {
    if (next == null) {
      try {
        next = queue.take();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for an event", e);
      }
    }
    return check(next);
  }

  /**
   * The next event, waiting for it.
   *
   * @throws NoSuchElementException when the source is closed
   */
  @Override
  public MessageEvent next() {
    if (!hasNext()) {
      throw new NoSuchElementException("the event source is closed");
    }
    return take();
  }

  /**
   * The next event if one arrives within {@code timeout}; empty when none did or the source is
   * closed.
   */
  public Optional<MessageEvent> poll(Duration timeout) {
    if (next == null) {
      try {
        next = queue.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for an event", e);
      }
      if (next == null) {
        return Optional.empty();
      }
    }
    return check(next) ? Optional.of(take()) : Optional.empty();
  }

  /** The events as a sequential stream; closing it closes the source. */
  public Stream<MessageEvent> stream() {
    return StreamSupport.stream(Spliterators.spliteratorUnknownSize(this,
        Spliterator.ORDERED | Spliterator.NONNULL), false).onClose(this::close);
  }

  /** Closes the source. */
  @Override
  public void close() {
    source.close();
  }

  private boolean check(Object item) {
    if (item == END) {
      return false;
    }
    if (item instanceof Failure failure) {
      throw failure.error instanceof EventSourceException known ? known
          : new IllegalStateException(failure.error.getMessage(), failure.error);
    }
    return true;
  }

  private MessageEvent take() {
    MessageEvent event = (MessageEvent) next;
    next = null;
    if (++taken == PREFETCH / 2) {
      subscriber.subscription.request(taken);
      taken = 0;
    }
    return event;
  }

  private record Failure(Throwable error) {}

  private final class Subscriber implements Flow.Subscriber<MessageEvent> {
    private Flow.Subscription subscription;

    @Override
    public void onSubscribe(Flow.Subscription value) {
      subscription = value;
      value.request(PREFETCH);
    }

    @Override
    public void onNext(MessageEvent event) {
      queue.add(event);
    }

    @Override
    public void onError(Throwable error) {
      queue.add(new Failure(error));
    }

    @Override
    public void onComplete() {
      queue.add(END);
    }
  }
}
