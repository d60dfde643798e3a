package io.ssekit.history.memory;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.RemovalCause;
import io.ssekit.spi.Appended;
import io.ssekit.spi.Cursor;
import io.ssekit.spi.EventHistory;
import io.ssekit.spi.IdempotencyKey;
import io.ssekit.spi.Replay;
import io.ssekit.spi.StoredEvent;
import io.ssekit.spi.Topics;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * An {@link EventHistory} in this process's memory, on Caffeine. It is lost when the process
 * stops; the next process has a new epoch, so clients that come back are told with
 * {@code sse-reset} instead of being mis-replayed.
 *
 * <h2>Bounds</h2>
 * <ul>
 *   <li>{@link Builder#maxEventsPerTopic(int) maxEventsPerTopic} (default 1000): the oldest events
 *       of a topic beyond this count are dropped;</li>
 *   <li>{@link Builder#maxAge(Duration) maxAge} (default 24 hours): older events are dropped;</li>
 *   <li>{@link Builder#idleTopicExpiry(Duration) idleTopicExpiry} (default 24 hours): a topic
 *       neither appended to nor replayed for this long is dropped whole;</li>
 *   <li>{@link Builder#maxTotalSize(long) maxTotalSize} (default 64 MiB, estimated): when the
 *       topics together weigh more, Caffeine evicts whole topics, the least valuable first; one
 *       topic never holds more than half of it.</li>
 *   <li>{@link Builder#maxIdempotencyKeys(int) maxIdempotencyKeys} (default 100,000): the
 *       idempotency keys remembered, each for its window; beyond this count the least recently
 *       used are forgotten early.</li>
 * </ul>
 *
 * <h2>Positions</h2>
 * Positions come from one counter shared by all topics, so they increase per topic and are never
 * reused, even by a topic that was evicted and comes back. When a topic is evicted, the highest
 * position it had is remembered in one of a fixed set of buckets (by the topic's hash); a later
 * replay of any topic of that bucket from an earlier position is answered as incomplete. That
 * can, rarely, announce a loss that did not happen, but never hides one.
 *
 * <p>All operations complete synchronously; the returned stages are already complete.
 */
public final class MemoryEventHistory implements EventHistory {
  private static final int EVICTED_BUCKETS = 4096;
  private final String epoch;
  private final int maxEventsPerTopic;
  private final long maxAgeMillis;
  private final long maxTopicBytes;
  private final InstantSource clock;
  private final AtomicLong sequence = new AtomicLong();
  private final AtomicLongArray evicted = new AtomicLongArray(EVICTED_BUCKETS);
  private final Cache<String, TopicLog> topics;
  /** Idempotency keys, each until its window ends: the position of the key's first append. */
  private final Cache<TopicKey, Remembered> keys;
  private volatile boolean closed;

  private MemoryEventHistory(Builder builder) {
    this.epoch = Cursor.newEpoch();
    this.maxEventsPerTopic = builder.maxEventsPerTopic;
    this.maxAgeMillis = builder.maxAge.toMillis();
    this.maxTopicBytes = builder.maxTotalSize / 2;
    this.clock = builder.clock;
    this.topics = Caffeine.newBuilder()
        .maximumWeight(builder.maxTotalSize)
        .weigher((String topic, TopicLog log) -> log.weight())
        .expireAfterAccess(builder.idleTopicExpiry)
        .ticker(() -> builder.clock.millis() * 1_000_000L)
        .executor(Runnable::run)
        .evictionListener((String topic, TopicLog log, RemovalCause cause) -> {
          if (topic != null && log != null) {
            evicted.accumulateAndGet(bucket(topic), log.head(), Math::max);
          }
        })
        .build();
    this.keys = Caffeine.newBuilder()
        .maximumSize(builder.maxIdempotencyKeys)
        .expireAfter(new Expiry<TopicKey, Remembered>() {
          @Override
          public long expireAfterCreate(TopicKey key, Remembered value, long currentTime) {
            return value.windowNanos();
          }

          @Override
          public long expireAfterUpdate(TopicKey key, Remembered value, long currentTime,
              long currentDuration) {
            return currentDuration;
          }

          @Override
          public long expireAfterRead(TopicKey key, Remembered value, long currentTime,
              long currentDuration) {
            return currentDuration;
          }
        })
        .ticker(() -> builder.clock.millis() * 1_000_000L)
        .executor(Runnable::run)
        .build();
  }

  /** A builder with the defaults of the class comment. */
  public static Builder builder() {
    return new Builder();
  }

  /** A history with every default. */
  public static MemoryEventHistory create() {
    return builder().build();
  }

  /** This history's epoch, fixed for its lifetime. */
  public String epoch() {
    return epoch;
  }

  @Override
  public CompletionStage<StoredEvent> append(String topic, String name, String data) {
    Topics.requireValid(topic);
    Objects.requireNonNull(data, "data");
    if (closed) {
      return closedStage();
    }
    StoredEvent[] stored = new StoredEvent[1];
    topics.asMap().compute(topic, (t, existing) -> {
      TopicLog log = existing != null ? existing : newLog(t);
      stored[0] = store(log, name, data);
      return log;
    });
    return CompletableFuture.completedFuture(stored[0]);
  }

  /**
   * Appends unless {@code key} repeats a key of an append to {@code topic} within its window; the
   * key is checked and recorded in the step that appends, one topic at a time.
   */
  @Override
  public CompletionStage<Appended> append(String topic, String name, String data,
      IdempotencyKey key) {
    Topics.requireValid(topic);
    Objects.requireNonNull(data, "data");
    Objects.requireNonNull(key, "key");
    if (closed) {
      return closedStage();
    }
    Appended[] result = new Appended[1];
    TopicKey recorded = new TopicKey(topic, key.value());
    topics.asMap().compute(topic, (t, existing) -> {
      TopicLog log = existing != null ? existing : newLog(t);
      Remembered first = keys.getIfPresent(recorded);
      if (first != null) {
        result[0] = Appended.repeated(epoch, t, first.position());
      } else {
        StoredEvent event = store(log, name, data);
        keys.put(recorded, new Remembered(event.position(), key.window().toNanos()));
        result[0] = Appended.stored(event);
      }
      return log;
    });
    return CompletableFuture.completedFuture(result[0]);
  }

  /**
   * Adds an event to {@code log}, inside the topic's {@code compute}; the event shares the log's
   * topic name and, when it repeats it, the previous event's name.
   */
  private StoredEvent store(TopicLog log, String name, String data) {
    long now = clock.millis();
    StoredEvent event = new StoredEvent(epoch, log.topic(), sequence.incrementAndGet(),
        log.sharedName(name), data);
    log.add(event, now);
    log.trim(maxEventsPerTopic, maxTopicBytes, now - maxAgeMillis);
    return event;
  }

  @Override
  public CompletionStage<Replay> replay(Cursor after, Set<String> requested) {
    if (requested == null || requested.isEmpty()) {
      throw new IllegalArgumentException("replay needs at least one topic");
    }
    requested.forEach(Topics::requireValid);
    if (closed) {
      return closedStage();
    }
    boolean foreign = after != null && !after.epoch().equals(epoch);
    Map<String, Long> start = new TreeMap<>();
    List<StoredEvent> events = new ArrayList<>();
    Set<String> incomplete = new HashSet<>();
    for (String topic : requested) {
      Long position = after == null || foreign ? null : after.positions().get(topic);
      topics.asMap().compute(topic, (t, existing) -> {
        TopicLog log = existing != null ? existing : newLog(t);
        long now = clock.millis();
        log.trim(maxEventsPerTopic, maxTopicBytes, now - maxAgeMillis);
        if (!foreign && position == null) {
          start.put(t, log.head());
        } else if (foreign || position > log.head() || position < log.dropped()) {
          incomplete.add(t);
          start.put(t, log.beforeOldest());
          events.addAll(log.after(log.dropped()));
        } else {
          start.put(t, position);
          events.addAll(log.after(position));
        }
        return log;
      });
    }
    return CompletableFuture.completedFuture(
        new Replay(Cursor.of(epoch, start), events, incomplete));
  }

  /** Drops everything; later calls fail. */
  @Override
  public void close() {
    closed = true;
    topics.invalidateAll();
    keys.invalidateAll();
  }

  /** The number of topics currently held; for monitoring. */
  public long topicCount() {
    topics.cleanUp();
    return topics.estimatedSize();
  }

  private TopicLog newLog(String topic) {
    // Read the counter before the eviction floor: a topic created now can only have positions
    // above both, and anything of an earlier incarnation is at or below the floor.
    long head = sequence.get();
    return new TopicLog(topic, maxEventsPerTopic, evicted.get(bucket(topic)), head);
  }

  private static int bucket(String topic) {
    int h = topic.hashCode();
    return (h ^ (h >>> 16)) & (EVICTED_BUCKETS - 1);
  }

  private static <T> CompletionStage<T> closedStage() {
    return CompletableFuture.failedFuture(new IllegalStateException("history is closed"));
  }

  /** An idempotency key of one topic. */
  private record TopicKey(String topic, String key) {}

  /** The position of a key's first append, and the key's window. */
  private record Remembered(long position, long windowNanos) {}



  /** Configures a {@link MemoryEventHistory}; each value is checked as it is set. */
  public static final class Builder {
    private int maxEventsPerTopic = 1000;
    private Duration maxAge = Duration.ofHours(24);
    private Duration idleTopicExpiry = Duration.ofHours(24);
    private long maxTotalSize = 64L << 20;
    private int maxIdempotencyKeys = 100_000;
    private InstantSource clock = InstantSource.system();

    private Builder() {}

    /** Events kept per topic; default 1000. */
    public Builder maxEventsPerTopic(int count) {
      if (count <= 0) {
        throw new IllegalArgumentException("maxEventsPerTopic must be positive, was " + count);
      }
      this.maxEventsPerTopic = count;
      return this;
    }

    /** How long an event is kept; default 24 hours. */
    public Builder maxAge(Duration age) {
      this.maxAge = positive("maxAge", age);
      return this;
    }

    /** How long a topic nobody appends to or replays is kept; default 24 hours. */
    public Builder idleTopicExpiry(Duration expiry) {
      this.idleTopicExpiry = positive("idleTopicExpiry", expiry);
      return this;
    }

    /** Estimated bytes all topics together may hold; default 64 MiB. */
    public Builder maxTotalSize(long bytes) {
      if (bytes < 1024) {
        throw new IllegalArgumentException("maxTotalSize must be at least 1024 bytes, was " + bytes);
      }
      this.maxTotalSize = bytes;
      return this;
    }

    /** Idempotency keys remembered at most, over all topics; default 100,000. */
    public Builder maxIdempotencyKeys(int count) {
      if (count <= 0) {
        throw new IllegalArgumentException("maxIdempotencyKeys must be positive, was " + count);
      }
      this.maxIdempotencyKeys = count;
      return this;
    }

    /**
     * The time source for ages, idle expiry and idempotency windows; default the system clock.
     * For tests.
     */
    public Builder clock(InstantSource source) {
      this.clock = Objects.requireNonNull(source, "clock");
      return this;
    }

    /** Creates the history, with a new epoch. */
    public MemoryEventHistory build() {
      return new MemoryEventHistory(this);
    }

    private static Duration positive(String name, Duration value) {
      Objects.requireNonNull(value, name);
      if (value.isNegative() || value.isZero()) {
        throw new IllegalArgumentException(name + " must be positive, was " + value);
      }
      return value;
    }
  }
}
