package io.ssekit.fanout.redis;

import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.event.ClusterTopologyChangedEvent;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.cluster.pubsub.RedisClusterPubSubAdapter;
import io.lettuce.core.cluster.pubsub.StatefulRedisClusterPubSubConnection;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.ssekit.redis.LuaScript;
import io.ssekit.redis.RedisHistory;
import io.ssekit.redis.RedisKeys;
import io.ssekit.redis.RedisMessage;
import io.ssekit.redis.RedisModuleBuilder;
import io.ssekit.redis.RedisTarget;
import io.ssekit.spi.EventHistory;
import io.ssekit.spi.Backoff;
import io.ssekit.spi.Fanout;
import io.ssekit.spi.StoredEvent;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;

/**
 * A {@link Fanout} through Redis pub/sub: every instance that points at the same Redis receives
 * the events of the topics its streams follow.
 *
 * <p><b>Channels.</b> Each topic has the channel {@code <prefix>{<topic>}:c}; each event goes
 * there as a {@link RedisMessage}. With any history but the Redis one, {@link #publish} sends it
 * once the history has appended it: a topic's events then arrive in the order each instance
 * published them, but two instances publishing to one topic at once are not ordered between
 * them.
 *
 * <p><b>With the Redis history</b> ({@code sse-history-redis}): when the hub {@linkplain #attach
 * attaches} it, this fanout checks that the history uses the same Redis (it reads the same epoch
 * key) and the same key prefix, and fails the hub's start naming both otherwise. Then it has the
 * history publish each event in the same atomic step that assigns its position, so every
 * instance receives a topic's events in position order even when several instances publish to
 * it at once; {@link #publish} then sends nothing more. The two modules meet only through
 * {@link RedisHistory} in {@code sse-redis}: neither depends on the other, and this one brings no
 * history onto the class path.
 *
 * <p><b>Redis Cluster</b> ({@code redis+cluster://} URIs): sharded pub/sub. Each topic's channel
 * is subscribed ({@code SSUBSCRIBE}) on the master that serves its hash slot, the one that also
 * holds the topic's history. When a slot moves (a failover, resharding), the channel is
 * subscribed again where it went.
 *
 * <p><b>Start and Sentinel.</b> A fanout started while Redis is down opens its pub/sub
 * connection once Redis appears; until then, {@link #subscribe} fails at once. Behind Sentinel
 * ({@code redis-sentinel://}), each reconnect asks the Sentinels where the master is, so after a
 * failover the fanout subscribes on the new master and catches its topics up as below.
 *
 * <p><b>Cuts.</b> Lettuce reconnects by itself after a Redis restart or a network cut. Once
 * connected again, this fanout subscribes to its topics again and calls {@link
 * Listener#onMissed} with them: the hub fills what its open streams missed from the history,
 * so connected clients lose nothing and get nothing twice. The same happens to a topic whose
 * slot moved.
 */
public final class RedisFanout implements Fanout {
  private static final Logger LOG = LoggerFactory.getLogger(RedisFanout.class);

  private final RedisTarget target;
  private final RedisTarget.Connection redis;
  private final RedisKeys keys;
  private final Duration commandTimeout;
  /** Whether the attached history publishes every event itself, in the step that appends it. */
  private volatile boolean historyPublishes;
  private volatile Subscriptions subscriptions;
  /**
   * Topics cut off since their connection dropped, until the listener is told they missed
   * events: what arrives for them meanwhile is dropped, the history has it.
   */
  private final Set<String> suspended = ConcurrentHashMap.newKeySet();
  private volatile Listener listener;
  private volatile boolean closed;

  private RedisFanout(RedisTarget target, RedisKeys keys, Duration commandTimeout) {
    this.target = target;
    this.keys = keys;
    this.commandTimeout = commandTimeout;
    this.redis = target.connect(commandTimeout);
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * With the Redis history, checks that it uses the same Redis and key prefix as this fanout and
   * has it publish each event as it appends it; with another history, does nothing (this fanout
   * publishes). Two equal URIs are the same Redis; for different ones, waits for one read of the
   * epoch key, at most twice the command timeout (Redis must then be reachable).
   *
   * @throws IllegalStateException naming both key prefixes, or both Redis URIs (passwords
   *     hidden), when they differ; or when the fanout is started already
   */
  @Override
  public synchronized void attach(EventHistory history) {
    Objects.requireNonNull(history, "history");
    if (listener != null) {
      throw new IllegalStateException("attach the history before starting the fanout");
    }
    if (!(history instanceof RedisHistory redisHistory)) {
      return;
    }
    String theirs = redisHistory.keys().prefix();
    if (!theirs.equals(keys.prefix())) {
      throw new IllegalStateException("the Redis fanout's keyPrefix \"" + keys.prefix()
          + "\" differs from the Redis history's \"" + theirs
          + "\": give both the same keyPrefix");
    }
    if (!target.sameUri(redisHistory.target()) && !sameRedis(redisHistory)) {
      throw new IllegalStateException("the Redis fanout (" + target.redacted()
          + ") and the Redis history (" + redisHistory.target().redacted()
          + ") use different Redis servers: give both the same uri");
    }
    redisHistory.publishAppends();
    historyPublishes = true;
  }

  @Override
  public synchronized void start(Listener value) {
    Objects.requireNonNull(value, "listener");
    if (listener != null) {
      throw new IllegalStateException("the fanout is started already");
    }
    listener = value;
    // Redis down at the start: subscriptions open once it appears; until then, subscribe fails.
    redis.whenConnected().thenRun(() -> openSubscriptions(1));
  }

  /** Opens the pub/sub connection; retried with growing pauses while it fails. */
  private void openSubscriptions(int attempt) {
    synchronized (this) {
      if (closed || subscriptions != null) {
        return;
      }
      try {
        subscriptions = redis.client() instanceof RedisClusterClient cluster
            ? new Sharded(cluster) : new Classic((RedisClient) redis.client());
        return;
      } catch (RuntimeException e) {
        LOG.warn("cannot open the Redis pub/sub connection (attempt {}): {}", attempt,
            e.toString());
      }
    }
    redis.client().getResources().eventExecutorGroup().schedule(
        () -> openSubscriptions(attempt + 1), Backoff.DEFAULT.pauseMillis(attempt),
        TimeUnit.MILLISECONDS);
  }

  @Override
  public CompletionStage<Void> subscribe(String topic) {
    requireStarted();
    suspended.remove(topic); // a topic subscribed anew has no stream that could miss anything
    Subscriptions current = subscriptions;
    if (current == null) {
      return CompletableFuture.failedFuture(new IllegalStateException("Redis at "
          + target.redacted() + " has not been reachable since the start"));
    }
    return unwrapped(current.subscribe(topic));
  }

  @Override
  public CompletionStage<Void> unsubscribe(String topic) {
    requireStarted();
    suspended.remove(topic);
    Subscriptions current = subscriptions;
    return current == null ? CompletableFuture.completedFuture(null)
        : unwrapped(current.unsubscribe(topic));
  }

  @Override
  public CompletionStage<Void> publish(StoredEvent event) {
    if (closed) {
      return CompletableFuture.failedFuture(new IllegalStateException("the fanout is closed"));
    }
    if (historyPublishes) {
      return CompletableFuture.completedFuture(null); // published as it was appended
    }
    return unwrapped(redis.publish(keys.channel(event.topic()), RedisMessage.encode(event, RedisMessage.nowMicros()))
        .thenApply(received -> null));
  }

  /**
   * Whether this fanout can subscribe now: started, its pub/sub connection opened (Redis was
   * reachable once), and its connection to Redis up (on a cluster, to every master). Never
   * blocks; for health checks.
   */
  public boolean isConnected() {
    return !closed && subscriptions != null && redis.isUp();
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    synchronized (this) {
      if (subscriptions != null) {
        subscriptions.close();
      }
    }
    redis.close();
  }

  // --- internals ---

  /** How topics are subscribed: classic pub/sub on one Redis, sharded on a cluster. */
  private interface Subscriptions {
    CompletableFuture<Void> subscribe(String topic);

    CompletableFuture<Void> unsubscribe(String topic);

    void close();
  }

  /** One pub/sub connection; after a cut, every topic is subscribed again and caught up. */
  private final class Classic implements Subscriptions {
    private final Set<String> topics = ConcurrentHashMap.newKeySet();
    private final StatefulRedisPubSubConnection<String, String> pubSub;
    private volatile boolean cut;

    Classic(RedisClient client) {
      pubSub = client.connectPubSub(StringCodec.UTF8);
      pubSub.addListener(new RedisPubSubAdapter<>() {
        @Override
        public void message(String channel, String message) {
          deliver(channel, message);
        }
      });
      client.addListener(new RedisConnectionStateListener() {
        @Override
        public void onRedisDisconnected(RedisChannelHandler<?, ?> connection) {
          if (connection == pubSub && !closed) {
            cut = true;
            suspended.addAll(topics);
            LOG.warn("Redis pub/sub connection lost; events are recovered from the history once"
                + " it is back");
          }
        }

        @Override
        public void onRedisConnected(RedisChannelHandler<?, ?> connection, SocketAddress address) {
          if (connection == pubSub && cut && !closed) {
            Set<String> current = Set.copyOf(topics);
            subscribeAgain(() -> pubSub.async().subscribe(channels(current))
                .toCompletableFuture(), current, () -> cut = false, () -> true);
          }
        }
      });
    }

    @Override
    public CompletableFuture<Void> subscribe(String topic) {
      topics.add(topic);
      return pubSub.async().subscribe(keys.channel(topic)).toCompletableFuture();
    }

    @Override
    public CompletableFuture<Void> unsubscribe(String topic) {
      topics.remove(topic);
      return pubSub.async().unsubscribe(keys.channel(topic)).toCompletableFuture();
    }

    @Override
    public void close() {
      pubSub.close();
    }
  }

  /**
   * Sharded pub/sub on a cluster: each topic's channel on the master that serves its slot,
   * through that master's connection. Where each topic is subscribed is remembered, so that a
   * topic whose slot moved is subscribed again where it went.
   */
  private final class Sharded implements Subscriptions {
    private final RedisClusterClient client;
    private final StatefulRedisClusterPubSubConnection<String, String> pubSub;
    /** Topic to the id of the node it is subscribed on. */
    private final Map<String, String> routes = new ConcurrentHashMap<>();
    /** Node connections used so far, to the id of their node. */
    private final Map<RedisChannelHandler<?, ?>, String> nodes = new ConcurrentHashMap<>();
    private final Set<RedisChannelHandler<?, ?>> cut = ConcurrentHashMap.newKeySet();
    private final Disposable topologyEvents;

    Sharded(RedisClusterClient client) {
      this.client = client;
      pubSub = client.connectPubSub(StringCodec.UTF8);
      pubSub.addListener(new RedisClusterPubSubAdapter<>() {
        @Override
        public void smessage(RedisClusterNode node, String channel, String message) {
          deliver(channel, message);
        }

        @Override
        public void sunsubscribed(RedisClusterNode node, String channel, long count) {
          // Unasked (the slot moved away from that node): find where it went.
          String topic = topicOf(channel);
          if (topic != null && node.getNodeId().equals(routes.get(topic)) && !closed) {
            client.refreshPartitionsAsync().whenComplete((done, failure) -> reroute());
          }
        }
      });
      client.addListener(new RedisConnectionStateListener() {
        @Override
        public void onRedisDisconnected(RedisChannelHandler<?, ?> connection) {
          if (!closed && nodes.containsKey(connection)) {
            cut.add(connection);
            suspended.addAll(topicsOn(nodes.get(connection)));
            LOG.warn("Redis pub/sub connection to a cluster node lost; events are recovered from"
                + " the history once it is back");
          }
        }

        @Override
        public void onRedisConnected(RedisChannelHandler<?, ?> connection, SocketAddress address) {
          if (!closed && cut.contains(connection)) {
            resubscribeOn(connection);
          }
        }
      });
      topologyEvents = client.getResources().eventBus().get()
          .filter(ClusterTopologyChangedEvent.class::isInstance)
          .subscribe(event -> reroute());
    }

    @Override
    public synchronized CompletableFuture<Void> subscribe(String topic) {
      String node;
      try {
        node = ownerOf(keys.channel(topic));
      } catch (IllegalStateException unserved) {
        return CompletableFuture.failedFuture(unserved);
      }
      routes.put(topic, node);
      return ssubscribe(node, Set.of(topic));
    }

    @Override
    public synchronized CompletableFuture<Void> unsubscribe(String topic) {
      String node = routes.remove(topic);
      if (node == null) {
        return CompletableFuture.completedFuture(null);
      }
      return connection(node)
          .thenCompose(connection -> connection.async().sunsubscribe(keys.channel(topic)));
    }

    @Override
    public void close() {
      topologyEvents.dispose();
      pubSub.close();
    }

    /** Subscribes again on a node connection back from a cut, then catches its topics up. */
    private void resubscribeOn(RedisChannelHandler<?, ?> connection) {
      String node = nodes.get(connection);
      Set<String> here = topicsOn(node);
      subscribeAgain(() -> ssubscribe(node, here), here, () -> cut.remove(connection),
          () -> true);
    }

    private Set<String> topicsOn(String node) {
      Set<String> here = new HashSet<>();
      routes.forEach((topic, routed) -> {
        if (routed.equals(node)) {
          here.add(topic);
        }
      });
      return here;
    }

    /**
     * Subscribes {@code topics} on {@code node}: one {@code SSUBSCRIBE} per hash slot, as Redis
     * refuses channels of several slots in one (Lettuce's own re-subscribe after a reconnect
     * sends them together, fails with {@code CROSSSLOT} and logs it; this one is what counts).
     */
    private CompletableFuture<Void> ssubscribe(String node, Set<String> topics) {
      Map<Integer, List<String>> bySlot = new HashMap<>();
      for (String topic : topics) {
        String channel = keys.channel(topic);
        bySlot.computeIfAbsent(SlotHash.getSlot(channel), slot -> new ArrayList<>()).add(channel);
      }
      return connection(node).thenCompose(connection -> CompletableFuture.allOf(bySlot.values()
          .stream().map(channels -> connection.async().ssubscribe(channels.toArray(String[]::new))
              .toCompletableFuture())
          .toArray(CompletableFuture[]::new)));
    }

    /** The pub/sub connection to a node, remembered for its reconnects. */
    private CompletableFuture<StatefulRedisPubSubConnection<String, String>> connection(
        String node) {
      return pubSub.getConnectionAsync(node).thenApply(connection -> {
        nodes.put((RedisChannelHandler<?, ?>) connection, node);
        return connection;
      });
    }

    /** Subscribes every topic whose slot moved where it went now, then catches them up. */
    private synchronized void reroute() {
      if (closed) {
        return;
      }
      Map<String, String> moved = new HashMap<>();
      for (Map.Entry<String, String> route : routes.entrySet()) {
        try {
          String owner = ownerOf(keys.channel(route.getKey()));
          if (!owner.equals(route.getValue())) {
            route.setValue(owner);
            moved.put(route.getKey(), owner);
          }
        } catch (IllegalStateException unserved) {
          LOG.warn("{}; retried at the next topology change", unserved.getMessage());
        }
      }
      if (moved.isEmpty()) {
        return;
      }
      LOG.info("{} topics moved to other Redis Cluster nodes; subscribing there", moved.size());
      suspended.addAll(moved.keySet());
      moved.forEach((topic, owner) -> subscribeAgain(() -> ssubscribe(owner, Set.of(topic)),
          Set.of(topic), () -> { }, () -> owner.equals(routes.get(topic))));
    }

    private String ownerOf(String channel) {
      RedisClusterNode owner = client.getPartitions().getMasterBySlot(SlotHash.getSlot(channel));
      if (owner == null) {
        throw new IllegalStateException("no Redis Cluster node serves " + channel + " now");
      }
      return owner.getNodeId();
    }
  }

  /**
   * Subscribes {@code topics} again with {@code subscribe}; once that succeeds, runs {@code then},
   * says the topics may have missed events, and only then delivers their events again (the
   * listener first puts their streams into catching up; what was dropped meanwhile, the history
   * holds). A failed attempt is retried with growing pauses for as long as the fanout is open and
   * {@code stillWanted} says so: until then the topics stay suspended, never silently gapped.
   */
  private void subscribeAgain(Supplier<CompletableFuture<Void>> subscribe, Set<String> topics,
      Runnable then, BooleanSupplier stillWanted) {
    subscribeAgain(subscribe, topics, then, stillWanted, 0);
  }

  private void subscribeAgain(Supplier<CompletableFuture<Void>> subscribe, Set<String> topics,
      Runnable then, BooleanSupplier stillWanted, int attempt) {
    if (topics.isEmpty()) {
      then.run();
      return;
    }
    CompletableFuture<Void> subscribed;
    try {
      subscribed = subscribe.get();
    } catch (RuntimeException e) {
      subscribed = CompletableFuture.failedFuture(e);
    }
    subscribed.whenComplete((done, failure) -> {
      if (failure != null) {
        if (closed || !stillWanted.getAsBoolean()) {
          return;
        }
        long pause = Backoff.DEFAULT.pauseMillis(attempt + 1);
        LOG.warn("subscribing {} topics again failed (attempt {}); retrying in {} ms: {}",
            topics.size(), attempt + 1, pause, LuaScript.unwrap(failure).toString());
        // On the Redis client's own threads, which close with this fanout; never the common pool.
        redis.client().getResources().eventExecutorGroup().schedule(
            () -> subscribeAgain(subscribe, topics, then, stillWanted, attempt + 1),
            pause, TimeUnit.MILLISECONDS);
        return;
      }
      then.run();
      LOG.info("Redis pub/sub subscribed again; {} topics catch up from the history",
          topics.size());
      Listener target = listener;
      if (target != null && !closed) {
        target.onMissed(Set.copyOf(topics));
      }
      suspended.removeAll(topics);
    });
  }

  private String[] channels(Set<String> topics) {
    return topics.stream().map(keys::channel).toArray(String[]::new);
  }

  private String topicOf(String channel) {
    try {
      return keys.topicOfChannel(channel);
    } catch (IllegalArgumentException notOurs) {
      return null;
    }
  }

  private void deliver(String channel, String message) {
    Listener target = listener;
    if (target == null || closed) {
      return;
    }
    RedisMessage.Received received;
    StoredEvent event;
    try {
      received = RedisMessage.read(keys.topicOfChannel(channel), message);
      event = received.event();
      if (suspended.contains(event.topic())) {
        return; // cut off since a drop: the catch-up after the listener is told reads it
      }
    } catch (RuntimeException e) {
      LOG.warn("ignored a malformed message on {}", channel, e);
      return;
    }
    try {
      // Its answer paces publishers on the publishing thread; none waits on this one.
      target.onEvent(event, received.appendedMicros());
    } catch (RuntimeException e) {
      LOG.warn("fanout listener failed on an event of topic {}", event.topic(), e);
    }
  }

  /**
   * Whether {@code history} reads the same epoch key as this fanout: then it is the same Redis
   * (and database), whatever either URI says.
   */
  private boolean sameRedis(RedisHistory history) {
    long wait = commandTimeout.toMillis() * 2;
    try {
      String theirs = history.epoch().toCompletableFuture().get(wait, TimeUnit.MILLISECONDS);
      String ours = redis.commands().get(keys.epoch()).get(wait, TimeUnit.MILLISECONDS);
      return theirs.equals(ours);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("cannot check that the Redis fanout and the Redis history "
          + "use the same Redis (" + target.redacted() + "): "
          + LuaScript.unwrap(e.getCause() == null ? e : e.getCause()), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while attaching the Redis history", e);
    }
  }

  private static CompletionStage<Void> unwrapped(CompletableFuture<Void> stage) {
    return stage.handle((done, failure) -> {
      if (failure != null) {
        throw new CompletionException(LuaScript.unwrap(failure));
      }
      return null;
    });
  }

  private void requireStarted() {
    if (listener == null) {
      throw new IllegalStateException("start the fanout first");
    }
    if (closed) {
      throw new IllegalStateException("the fanout is closed");
    }
  }

  /** Configuration of a {@link RedisFanout}: the same Redis and key prefix as the history's. */
  public static final class Builder extends RedisModuleBuilder<Builder> {
    private Builder() {}

    /** Connects to Redis and returns the fanout (not started). */
    public RedisFanout build() {
      return new RedisFanout(target(), keys(), commandTimeout());
    }
  }
}
