package io.ssekit;

import java.util.ArrayDeque;
import java.util.Queue;

/**
 * A stream whose client reads only when the test says so, behind a queue bounded in bytes, as a
 * servlet connection's is: the queue refuses an offer that would overflow it (an empty queue
 * takes any one offer), the hub starts with credit for half the queue, and each {@link #read()}
 * hands what was queued to the client, a {@link DecodingSink}, and grants as many bytes of credit
 * as it read. Thread-safe.
 */
final class QueuedClient implements StreamSink {
  private final int capacity;
  private final DecodingSink client = new DecodingSink();
  private final Queue<byte[][]> queue = new ArrayDeque<>();
  private int queuedBytes;
  private volatile Subscription subscription;

  QueuedClient(int capacityBytes) {
    if (capacityBytes <= 1) {
      throw new IllegalArgumentException("capacityBytes must be at least 2, was " + capacityBytes);
    }
    this.capacity = capacityBytes;
  }

  /** What the client has read. */
  DecodingSink client() {
    return client;
  }

  @Override
  public void onSubscribe(Subscription value) {
    subscription = value;
    value.request(capacity / 2);
  }

  @Override
  public synchronized boolean offer(byte[] head, byte[] body) {
    int size = body.length + (head == null ? 0 : head.length);
    if (!queue.isEmpty() && queuedBytes + size > capacity) {
      return false;
    }
    queue.add(new byte[][] {head, body});
    queuedBytes += size;
    return true;
  }

  @Override
  public void end() {
    client.end();
  }

  /** The client reads everything queued; the hub may write as much again. */
  void read() {
    int read;
    synchronized (this) {
      for (byte[][] offered : queue) {
        client.offer(offered[0], offered[1]);
      }
      queue.clear();
      read = queuedBytes;
      queuedBytes = 0;
    }
    if (read > 0) {
      subscription.request(read);
    }
  }
}
