package io.ssekit.history.redis;

import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.ssekit.redis.LuaScript;
import io.ssekit.redis.RedisHistory;
import io.ssekit.redis.RedisKeys;
import io.ssekit.redis.RedisMessage;
import io.ssekit.redis.RedisModuleBuilder;
import io.ssekit.redis.RedisTarget;
import io.ssekit.spi.Appended;
import io.ssekit.spi.Cursor;
import io.ssekit.spi.EventHistory;
import io.ssekit.spi.IdempotencyKey;
import io.ssekit.spi.Replay;
import io.ssekit.spi.StoredEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiFunction;

/**
 * An {@link EventHistory} in Redis, shared by every instance that points at the same Redis: a
 * client can reconnect to any of them and resume.
 *
 * <p><b>Layout.</b> Each topic has a stream {@code <prefix>{<topic>}:s} of its events and a hash
 * {@code <prefix>{<topic>}:m} with its positions; the braces keep both in one hash slot, so one
 * Lua script appends atomically (positions are assigned in Redis, so instances appending to the
 * same topic at once still get one order). The epoch lives in {@code <prefix>epoch}.
 *
 * <p><b>Positions.</b> The next position of a topic is {@code max(last + 1, now × 1000)}, with
 * {@code now} Redis's clock in milliseconds; a topic's first position, and its first after
 * another Redis server assigned its last one (the server's {@code run_id} differs: a restart, a
 * restore, a promoted replica), lie a further 10<sup>9</sup> ahead. So positions are never handed
 * out twice, even when Redis comes back with older data (a crash that lost the last second of
 * an {@code appendfsync everysec} AOF, an older snapshot, a replica promoted before it had the
 * last writes): what it lost lies below every position handed out from then on. Each event
 * records the position before it, so a cursor that the history cannot follow on from (its
 * events were trimmed, its position was lost, or lies beyond the head) is answered as
 * incomplete: a loss is always said.
 *
 * <p><b>Idempotency keys.</b> {@link #append(String, String, String, IdempotencyKey)} checks and
 * records the key in the append script, under {@code <prefix>{<topic>}:i:<key>} (in the topic's
 * hash slot) with the key's window as its expiry, so every instance sees it, on a Cluster too.
 *
 * <p><b>Publishing.</b> Only with the Redis fanout ({@code sse-fanout-redis}): when the hub
 * attaches this history to it, the fanout checks that both use the same Redis and key prefix and
 * calls {@link #publishAppends()}. From then on the append script also publishes each event on
 * its topic's {@linkplain RedisKeys#channel channel} (a {@link RedisMessage}), in the same atomic
 * step that assigns its position, so that instances receive a topic's events in position order
 * even when several append at once. With any other fanout the history publishes nothing.
 *
 * <p><b>Epoch.</b> Created with {@code SET NX} by the first instance. On one Redis every script
 * checks it: when the key is gone (a flushed or replaced Redis) the next call creates a new
 * epoch, so clients resuming with older ids are told with {@code sse-reset}. Each topic also
 * records the epoch it belongs to, and a script refuses a caller with another one, which then
 * reads the epoch again.
 *
 * <p><b>Redis Cluster</b> ({@code redis+cluster://} URIs): a topic's keys and channel share one
 * hash slot, so appending and publishing stay one atomic step on the topic's shard, published
 * with sharded pub/sub ({@code SPUBLISH}). The epoch key lives on some other shard, so scripts
 * cannot check it: each stream start reads it afresh instead, and the epoch each topic records
 * catches an instance still appending with an old one. A shard that lost its data loses only its
 * topics: their positions start again above the old ones, and clients resuming on them get
 * {@code sse-reset}.
 *
 * <p><b>Bounds.</b> At most {@code maxEventsPerTopic} events per topic (exact {@code MAXLEN}),
 * none older than {@code maxAge} (exact {@code MINID} on append, and never replayed once older),
 * and a topic not written to for {@code idleTopicExpiry} expires whole.
 *
 * <p><b>Replication.</b> With {@code replicas} set, an append completes only once that many
 * replicas confirmed it ({@code WAIT}, at most {@code replicaTimeout}); when fewer do, it fails
 * with a {@link ReplicationException} that says the event may still be stored. Off by default.
 *
 * <p><b>Failures.</b> Commands fail at once while Redis is unreachable (their stages fail; they
 * are not queued), and time out after {@code commandTimeout}. Lettuce reconnects by itself, and
 * behind Sentinel ({@code redis-sentinel://} URIs) asks the Sentinels where the master is at each
 * reconnect, so a failover is followed. A history built while Redis is down connects once it
 * appears; until then its calls fail at once.
 */
public final class RedisEventHistory implements EventHistory, RedisHistory {
  private static final String EPOCH_ERROR = "SSEKIT_EPOCH";

  private final RedisTarget target;
  private final RedisTarget.Connection redis;
  private final boolean cluster;
  private final RedisKeys keys;
  private final int maxEventsPerTopic;
  private final Duration maxAge;
  private final Duration idleTopicExpiry;
  private final int replicas;
  private final Duration replicaTimeout;
  private final LuaScript append = LuaScript.load(RedisEventHistory.class, "append.lua");
  private final LuaScript replay = LuaScript.load(RedisEventHistory.class, "replay.lua");
  private final AtomicReference<CompletableFuture<String>> epoch = new AtomicReference<>();
  /** Whether appends publish too: set once, when the Redis fanout is attached. */
  private volatile boolean publishing;
  private volatile boolean closed;

  private RedisEventHistory(Builder builder, RedisTarget target, RedisKeys keys,
      Duration commandTimeout) {
    this.keys = keys;
    this.maxEventsPerTopic = builder.maxEventsPerTopic;
    this.maxAge = builder.maxAge;
    this.idleTopicExpiry = builder.idleTopicExpiry;
    this.replicas = builder.replicas;
    this.replicaTimeout = builder.replicaTimeout;
    this.target = target;
    this.cluster = target.isCluster();
    this.redis = target.connect(commandTimeout);
  }

  public static Builder builder() {
    return new Builder();
  }

  @Override
  public CompletionStage<StoredEvent> append(String topic, String name, String data) {
    Objects.requireNonNull(data, "data");
    return appendWith(topic, name, data, null).thenApply(Appended::event);
  }

  /**
   * Appends unless {@code key} repeats a key of an append to {@code topic} within its window. The
   * key is checked and recorded by the append script, in the topic's hash slot, so every
   * instance sharing the Redis (or Redis Cluster) sees it.
   */
  @Override
  public CompletionStage<Appended> append(String topic, String name, String data,
      IdempotencyKey key) {
    Objects.requireNonNull(data, "data");
    Objects.requireNonNull(key, "key");
    return appendWith(topic, name, data, key);
  }

  private CompletionStage<Appended> appendWith(String topic, String name, String data,
      IdempotencyKey key) {
    boolean publish = publishing;
    String[] scriptKeys = appendKeys(topic, key);
    return withEpoch(false, (current, adopt) -> run(append, scriptKeys, current, adopt,
        name == null ? "0" : "1", name == null ? "" : name, data,
        Integer.toString(maxEventsPerTopic), Long.toString(maxAge.toMillis()),
        Long.toString(idleTopicExpiry.toMillis()), publish ? redis.publishCommand() : "",
        publish ? RedisMessage.beforePosition(current) : "",
        publish ? RedisMessage.afterPosition(name, RedisMessage.nowMicros()) : "",
        key == null ? "" : Long.toString(key.window().toMillis()))
        .thenApply(result -> result instanceof List<?> first
            ? Appended.repeated((String) first.get(0), topic, Long.parseLong((String) first.get(1)))
            : Appended.stored(new StoredEvent(current, topic, (Long) result, name, data))))
        .thenCompose(appended -> appended.repeated()
            ? CompletableFuture.completedFuture(appended)
            : replicated(appended.event()).thenApply(stored -> appended));
  }

  /**
   * {@code event}, once {@code replicas} replicas confirmed they have it ({@code WAIT}); at once
   * when no replica is asked for. {@code WAIT} counts every write made on the command connection
   * before it, so it covers this append.
   */
  private CompletionStage<StoredEvent> replicated(StoredEvent event) {
    if (replicas == 0) {
      return CompletableFuture.completedFuture(event);
    }
    return redis.commands().waitForReplication(replicas, replicaTimeout.toMillis())
        .toCompletableFuture()
        .handle((confirmed, failure) -> {
          if (failure == null && confirmed >= replicas) {
            return event;
          }
          String why = failure != null ? "WAIT failed: " + LuaScript.unwrap(failure)
              : "only " + confirmed + " of " + replicas + " replicas confirmed it within "
                  + replicaTimeout.toMillis() + " ms";
          throw new ReplicationException(event, "event " + event.position() + " of topic "
              + event.topic() + " is stored on the master, but " + why
              + "; it may still be kept and delivered, or be lost if the master fails now");
        });
  }

  @Override
  public CompletionStage<Replay> replay(Cursor after, Set<String> topics) {
    if (topics.isEmpty()) {
      throw new IllegalArgumentException("a replay needs at least one topic");
    }
    List<String> ordered = List.copyOf(new LinkedHashSet<>(topics));
    // On a cluster no script can check the epoch key, so each stream start reads it afresh.
    return withEpoch(cluster, (current, adopt) -> {
      boolean foreign = after != null && !after.epoch().equals(current);
      List<CompletableFuture<TopicState>> states = new ArrayList<>();
      for (String topic : ordered) {
        OptionalLong position = after == null ? OptionalLong.empty() : after.position(topic);
        String mode = foreign ? "all"
            : position.isPresent() ? Long.toString(position.getAsLong()) : "none";
        states.add(run(replay, replayKeys(topic), current, adopt, mode,
            Long.toString(maxAge.toMillis()), Long.toString(idleTopicExpiry.toMillis()))
            .thenApply(result -> TopicState.parse(current, topic, (List<?>) result)));
      }
      return CompletableFuture.allOf(states.toArray(CompletableFuture[]::new)).thenApply(done -> {
        Map<String, Long> start = new LinkedHashMap<>();
        List<StoredEvent> events = new ArrayList<>();
        Set<String> incomplete = new LinkedHashSet<>();
        for (int i = 0; i < ordered.size(); i++) {
          String topic = ordered.get(i);
          OptionalLong position = after == null ? OptionalLong.empty() : after.position(topic);
          states.get(i).join().resolve(foreign, position, start, events, incomplete);
        }
        return new Replay(Cursor.of(current, start), events, incomplete);
      });
    });
  }

  /**
   * Whether the connection to Redis is up now (on a cluster, to every master), for health
   * checks; never blocks.
   */
  public boolean isConnected() {
    return !closed && redis.isUp();
  }

  /** The history's current epoch, as Redis holds it (created if missing). */
  @Override
  public CompletionStage<String> epoch() {
    return currentEpoch();
  }

  @Override
  public RedisTarget target() {
    return target;
  }

  @Override
  public RedisKeys keys() {
    return keys;
  }

  /**
   * Publishes every event appended from now on, in the step that appends it; called by the
   * Redis fanout when the hub attaches this history to it. Idempotent.
   */
  @Override
  public void publishAppends() {
    publishing = true;
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    redis.close();
  }

  // --- internals ---

  /** The keys the replay script of {@code topic} uses; on one Redis, the epoch key too. */
  private String[] replayKeys(String topic) {
    return cluster
        ? new String[] {keys.stream(topic), keys.meta(topic), keys.channel(topic)}
        : new String[] {keys.stream(topic), keys.meta(topic), keys.channel(topic), keys.epoch()};
  }

  /**
   * The keys the append script of {@code topic} uses: the key's record (the meta hash, unused,
   * without a key); on one Redis, the epoch key too.
   */
  private String[] appendKeys(String topic, IdempotencyKey key) {
    String record = key == null ? keys.meta(topic) : keys.idempotency(topic, key.value());
    return cluster
        ? new String[] {keys.stream(topic), keys.meta(topic), keys.channel(topic), record}
        : new String[] {keys.stream(topic), keys.meta(topic), keys.channel(topic), record,
            keys.epoch()};
  }

  /**
   * Runs {@code call} with the epoch (read from Redis just now when {@code fresh}, else the one
   * known) and whether it was just read. When a script refuses the epoch, reads it again and
   * runs {@code call} once more with it.
   */
  private <T> CompletionStage<T> withEpoch(boolean fresh,
      BiFunction<String, String, CompletionStage<T>> call) {
    if (closed) {
      return CompletableFuture.failedFuture(new IllegalStateException("the history is closed"));
    }
    return (fresh ? readEpoch() : currentEpoch()).thenCompose(current ->
        call.apply(current, fresh ? "1" : "0").handle((value, failure) -> {
          if (failure == null) {
            return CompletableFuture.completedFuture(value);
          }
          if (isEpochError(failure)) {
            forgetEpoch(current);
            return readEpoch().thenCompose(now -> call.apply(now, "1"));
          }
          return CompletableFuture.<T>failedFuture(LuaScript.unwrap(failure));
        }).thenCompose(stage -> stage));
  }

  /** The epoch known, or read from Redis once for every caller waiting on it. */
  private CompletableFuture<String> currentEpoch() {
    while (true) {
      CompletableFuture<String> known = epoch.get();
      if (known != null && !known.isCompletedExceptionally()) {
        return known;
      }
      CompletableFuture<String> fresh = new CompletableFuture<>();
      if (epoch.compareAndSet(known, fresh)) {
        fetchEpoch().whenComplete((value, failure) -> {
          if (failure != null) {
            fresh.completeExceptionally(failure);
          } else {
            fresh.complete(value);
          }
        });
        return fresh;
      }
    }
  }

  /** The epoch read from Redis now; it becomes the one known. */
  private CompletableFuture<String> readEpoch() {
    return fetchEpoch().thenApply(value -> {
      epoch.set(CompletableFuture.completedFuture(value));
      return value;
    });
  }

  /** Reads the epoch key, creating it first when it is missing. */
  private CompletableFuture<String> fetchEpoch() {
    String key = keys.epoch();
    RedisClusterAsyncCommands<String, String> commands;
    try {
      commands = redis.commands();
    } catch (RuntimeException notConnected) {
      return CompletableFuture.failedFuture(notConnected);
    }
    return commands.get(key).toCompletableFuture().thenCompose(value -> value != null
        ? CompletableFuture.completedFuture(value)
        : commands.set(key, Cursor.newEpoch(), SetArgs.Builder.nx())
            .thenCompose(ignored -> commands.get(key)).toCompletableFuture())
        .handle((value, failure) -> {
          if (failure != null) {
            throw new CompletionException(LuaScript.unwrap(failure));
          }
          if (value == null) {
            throw new IllegalStateException("no epoch in Redis");
          }
          return value;
        });
  }

  private void forgetEpoch(String stale) {
    CompletableFuture<String> known = epoch.get();
    if (known != null && known.isDone() && !known.isCompletedExceptionally()
        && stale.equals(known.join())) {
      epoch.compareAndSet(known, null);
    }
  }

  private CompletableFuture<Object> run(LuaScript script, String[] scriptKeys, String... args) {
    if (closed) {
      return CompletableFuture.failedFuture(new IllegalStateException("the history is closed"));
    }
    return script.<Object>run(redis.commands(), ScriptOutputType.MULTI, scriptKeys, args)
        .thenApply(RedisEventHistory::unwrapMulti);
  }

  /** MULTI wraps a single integer reply in a one-element list. */
  private static Object unwrapMulti(Object value) {
    if (value instanceof List<?> list && list.size() == 1 && list.get(0) instanceof Long single) {
      return single;
    }
    return value;
  }

  private static boolean isEpochError(Throwable failure) {
    Throwable cause = LuaScript.unwrap(failure);
    return cause instanceof RedisCommandExecutionException
        && cause.getMessage() != null && cause.getMessage().startsWith(EPOCH_ERROR);
  }

  /**
   * One topic as the replay script read it: its head, whether the held events follow on from the
   * client's position, and {@code held} in position order.
   */
  private record TopicState(String topic, long head, boolean followsOn, List<StoredEvent> held) {
    static TopicState parse(String epoch, String topic, List<?> reply) {
      long head = Long.parseLong((String) reply.get(0));
      boolean followsOn = ((Long) reply.get(1)) == 1L;
      List<?> entries = (List<?>) reply.get(2);
      List<StoredEvent> held = new ArrayList<>(entries.size());
      for (int i = entries.size() - 1; i >= 0; i--) { // newest first in the reply
        List<?> entry = (List<?>) entries.get(i);
        String id = (String) entry.get(0);
        long position = Long.parseLong(id.substring(id.indexOf('-') + 1));
        List<?> fields = (List<?>) entry.get(1);
        String name = null;
        String data = "";
        for (int f = 0; f + 1 < fields.size(); f += 2) {
          String field = (String) fields.get(f);
          if (field.equals("d")) {
            data = (String) fields.get(f + 1);
          } else if (field.equals("n")) {
            name = (String) fields.get(f + 1);
          }
        }
        held.add(new StoredEvent(epoch, topic, position, name, data));
      }
      return new TopicState(topic, head, followsOn, held);
    }

    /**
     * Adds this topic's start, events and completeness for a client at {@code position} (none:
     * it starts at the head), or with a cursor of another epoch.
     */
    void resolve(boolean foreign, OptionalLong position, Map<String, Long> start,
        List<StoredEvent> events, Set<String> incomplete) {
      if (!foreign && position.isEmpty()) {
        start.put(topic, head);
        return;
      }
      events.addAll(held);
      if (!foreign && followsOn) {
        start.put(topic, position.getAsLong());
      } else {
        start.put(topic, held.isEmpty() ? head : held.get(0).position() - 1);
        incomplete.add(topic);
      }
    }
  }

  /** Configuration of a {@link RedisEventHistory}. */
  public static final class Builder extends RedisModuleBuilder<Builder> {
    private int maxEventsPerTopic = 1000;
    private Duration maxAge = Duration.ofHours(24);
    private Duration idleTopicExpiry = Duration.ofHours(24);
    private int replicas;
    private Duration replicaTimeout = Duration.ofMillis(100);

    private Builder() {}

    /**
     * How many replicas must confirm each appended event ({@code WAIT}) before its append
     * completes (default 0: no wait). When fewer confirm within {@link #replicaTimeout}, the
     * append fails with a {@link ReplicationException}: the event is stored on the master and
     * may still be kept and delivered. Not on a Redis Cluster.
     */
    public Builder replicas(int value) {
      if (value < 0) {
        throw new IllegalArgumentException("replicas must be 0 or more, was " + value);
      }
      this.replicas = value;
      return this;
    }

    /**
     * How long an append waits for its {@link #replicas} (default 100 ms; at least 1 ms, since
     * Redis reads {@code WAIT}'s timeout in whole milliseconds and 0 as "for ever").
     */
    public Builder replicaTimeout(Duration value) {
      this.replicaTimeout = requirePositive("replicaTimeout", value);
      if (replicaTimeout.toMillis() < 1) {
        throw new IllegalArgumentException("replicaTimeout must be at least 1 ms (Redis counts"
            + " WAIT's timeout in milliseconds, and 0 waits for ever), was " + value);
      }
      return this;
    }

    /** At most this many events per topic (default 1000). */
    public Builder maxEventsPerTopic(int value) {
      if (value < 1) {
        throw new IllegalArgumentException("maxEventsPerTopic must be at least 1, was " + value);
      }
      this.maxEventsPerTopic = value;
      return this;
    }

    /** No event older than this is kept or replayed (default 24 h). */
    public Builder maxAge(Duration value) {
      this.maxAge = requirePositive("maxAge", value);
      return this;
    }

    /** A topic not written to for this long expires whole (default 24 h). */
    public Builder idleTopicExpiry(Duration value) {
      this.idleTopicExpiry = requirePositive("idleTopicExpiry", value);
      return this;
    }

    /** Connects to Redis and returns the history. */
    public RedisEventHistory build() {
      target();
      if (idleTopicExpiry.compareTo(maxAge) < 0) {
        throw new IllegalArgumentException("idleTopicExpiry (" + idleTopicExpiry
            + ") must not be shorter than maxAge (" + maxAge + ")");
      }
      if (replicas > 0 && target().isCluster()) {
        throw new IllegalArgumentException("replicas is not supported on a Redis Cluster ("
            + target().redacted() + "): WAIT would have to reach the master of each topic's slot");
      }
      return new RedisEventHistory(this, target(), keys(), commandTimeout());
    }
  }
}
