package io.ssekit.servlet;

import java.util.Arrays;

/**
 * A first-in first-out queue of {@code long}s that grows as needed and allocates nothing per
 * element: beside a stream's queue of frames, the time each frame's event was published. Not
 * thread-safe; its owner guards it.
 */
final class LongQueue {
  private long[] values;
  private int head;
  private int size;

  LongQueue(int capacity) {
    values = new long[Math.max(2, capacity)];
  }

  void add(long value) {
    if (size == values.length) {
      long[] grown = new long[values.length * 2];
      int tail = values.length - head;
      System.arraycopy(values, head, grown, 0, tail);
      System.arraycopy(values, 0, grown, tail, head);
      values = grown;
      head = 0;
    }
    values[(head + size) % values.length] = value;
    size++;
  }

  /** The oldest value, removed; the queue must not be empty. */
  long poll() {
    if (size == 0) {
      throw new IllegalStateException("empty");
    }
    long value = values[head];
    head = (head + 1) % values.length;
    size--;
    return value;
  }

  int size() {
    return size;
  }

  void clear() {
    head = 0;
    size = 0;
  }

  /** Empties the queue and gives back the memory a burst made it take, keeping {@code capacity}. */
  void reset(int capacity) {
    clear();
    if (values.length > capacity) {
      values = new long[capacity];
    }
  }

  @Override
  public String toString() {
    long[] out = new long[size];
    for (int i = 0; i < size; i++) {
      out[i] = values[(head + i) % values.length];
    }
    return Arrays.toString(out);
  }
}
