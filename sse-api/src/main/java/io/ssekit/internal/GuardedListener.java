package io.ssekit.internal;

import io.ssekit.spi.SseListener;
import java.lang.System.Logger.Level;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * An {@link SseListener} whose exceptions stop here (its contract, clause 4): the first is
 * logged, the others are dropped; the hub and the streams go on.
 */
public final class GuardedListener implements SseListener {
  private static final System.Logger LOG = System.getLogger(GuardedListener.class.getName());

  private final SseListener delegate;
  private final AtomicBoolean warned = new AtomicBoolean();

  private GuardedListener(SseListener delegate) {
    this.delegate = delegate;
  }

  /** {@code listener}, guarded; {@link SseListener#NONE} as it is, so callers can skip it. */
  public static SseListener of(SseListener listener) {
    if (listener == SseListener.NONE || listener instanceof GuardedListener) {
      return listener;
    }
    return new GuardedListener(listener);
  }

  private void failed(RuntimeException e) {
    if (warned.compareAndSet(false, true)) {
      LOG.log(Level.WARNING, "the SseListener " + delegate + " failed; its later failures are"
          + " not logged", e);
    }
  }

  @Override
  public void published(PublishResult result, long nanos) {
    try {
      delegate.published(result, nanos);
    } catch (RuntimeException e) {
      failed(e);
    }
  }

  @Override
  public void published(String topic, PublishResult result, long nanos) {
    try {
      delegate.published(topic, result, nanos);
    } catch (RuntimeException e) {
      failed(e);
    }
  }

  @Override
  public void delivered(String topic) {
    try {
      delegate.delivered(topic);
    } catch (RuntimeException e) {
      failed(e);
    }
  }

  @Override
  public void delivered() {
    try {
      delegate.delivered();
    } catch (RuntimeException e) {
      failed(e);
    }
  }

  @Override
  public void resumed(ResumeResult result, int replayed) {
    try {
      delegate.resumed(result, replayed);
    } catch (RuntimeException e) {
      failed(e);
    }
  }

  @Override
  public void catchingUp() {
    try {
      delegate.catchingUp();
    } catch (RuntimeException e) {
      failed(e);
    }
  }

  @Override
  public void failed(Operation operation) {
    try {
      delegate.failed(operation);
    } catch (RuntimeException e) {
      failed(e);
    }
  }

  @Override
  public void streamOpened(OpenResult result) {
    try {
      delegate.streamOpened(result);
    } catch (RuntimeException e) {
      failed(e);
    }
  }

  @Override
  public void streamClosed(CloseReason reason) {
    try {
      delegate.streamClosed(reason);
    } catch (RuntimeException e) {
      failed(e);
    }
  }

  @Override
  public void written(int bytes) {
    try {
      delegate.written(bytes);
    } catch (RuntimeException e) {
      failed(e);
    }
  }

  @Override
  public void sent(long lagNanos) {
    try {
      delegate.sent(lagNanos);
    } catch (RuntimeException e) {
      failed(e);
    }
  }

  @Override
  public void authRefused(int status) {
    try {
      delegate.authRefused(status);
    } catch (RuntimeException e) {
      failed(e);
    }
  }

  @Override
  public void ticket(boolean issued) {
    try {
      delegate.ticket(issued);
    } catch (RuntimeException e) {
      failed(e);
    }
  }

  @Override
  public void ticketRedeemed() {
    try {
      delegate.ticketRedeemed();
    } catch (RuntimeException e) {
      failed(e);
    }
  }

  @Override
  public void attach(Source source) {
    try {
      delegate.attach(source);
    } catch (RuntimeException e) {
      failed(e);
    }
  }

  @Override
  public void detach(Source source) {
    try {
      delegate.detach(source);
    } catch (RuntimeException e) {
      failed(e);
    }
  }

  @Override
  public String toString() {
    return delegate.toString();
  }
}
