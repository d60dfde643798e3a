package io.ssekit.fanout.redis;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.ssekit.history.redis.LuaScript;
import io.ssekit.history.redis.RedisKeys;
import io.ssekit.spi.Fanout;
import io.ssekit.spi.StoredEvent;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link Fanout} through Redis pub/sub: every instance that points at the same Redis receives
 * the events of the topics its streams follow.
 *
 * <p><b>Channels.</b> Each topic has the channel {@code <prefix>{<topic>}:c}. With the Redis
 * history ({@code sse-history-redis}, same Redis and key prefix), the history's append script
 * publishes each event there in the same atomic step that assigns its position, so every instance
 * receives a topic's events in position order even when several instances publish to it at once;
 * {@link #publish} then sends nothing more. With another history, {@link #publish} sends the
 * event itself.
 *
 * <p><b>Cuts.</b> Lettuce reconnects by itself after a Redis restart or a network cut. Once
 * connected again, this fanout subscribes to its topics again and calls {@link
 * Listener#onMissed} with all of them: the hub fills what its open streams missed from the
 * history, so connected clients lose nothing and get nothing twice.
 */
public final class RedisFanout implements Fanout {
  private static final Logger LOG = LoggerFactory.getLogger(RedisFanout.class);

  private final RedisClient client;
  private final RedisKeys keys;
  private final LuaScript publishScript = LuaScript.load(RedisFanout.class, "publish.lua");
  private final Set<String> topics = ConcurrentHashMap.newKeySet();
  private final StatefulRedisConnection<String, String> commands;
  private StatefulRedisPubSubConnection<String, String> pubSub;
  private volatile Listener listener;
  private volatile boolean cut;
  private volatile boolean closed;

  private RedisFanout(Builder builder) {
    this.keys = new RedisKeys(builder.keyPrefix);
    this.client = RedisClient.create(builder.uri);
    client.setOptions(ClientOptions.builder()
        .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
        .timeoutOptions(TimeoutOptions.enabled(builder.commandTimeout))
        .build());
    try {
      this.commands = client.connect(StringCodec.UTF8);
    } catch (RuntimeException e) {
      client.shutdown();
      throw new IllegalStateException("cannot connect to Redis: " + e.getMessage(), e);
    }
  }

  public static Builder builder() {
    return new Builder();
  }

  @Override
  public synchronized void start(Listener value) {
    Objects.requireNonNull(value, "listener");
    if (listener != null) {
      throw new IllegalStateException("the fanout is started already");
    }
    listener = value;
    pubSub = client.connectPubSub(StringCodec.UTF8);
    pubSub.addListener(new RedisPubSubAdapter<>() {
      @Override
      public void message(String channel, String message) {
        deliver(channel, message);
      }
    });
    StatefulRedisPubSubConnection<String, String> mine = pubSub;
    client.addListener(new RedisConnectionStateListener() {
      @Override
      public void onRedisDisconnected(RedisChannelHandler<?, ?> connection) {
        if (connection == mine && !closed) {
          cut = true;
          LOG.warn("Redis pub/sub connection lost; events are recovered from the history once it"
              + " is back");
        }
      }

      @Override
      public void onRedisConnected(RedisChannelHandler<?, ?> connection, SocketAddress address) {
        if (connection == mine && cut && !closed) {
          resubscribe();
        }
      }
    });
  }

  @Override
  public CompletionStage<Void> subscribe(String topic) {
    requireStarted();
    topics.add(topic);
    return pubSub.async().subscribe(keys.channel(topic)).toCompletableFuture()
        .handle((done, failure) -> {
          if (failure != null) {
            throw new CompletionException(LuaScript.unwrap(failure));
          }
          return null;
        });
  }

  @Override
  public CompletionStage<Void> unsubscribe(String topic) {
    requireStarted();
    topics.remove(topic);
    return pubSub.async().unsubscribe(keys.channel(topic)).toCompletableFuture()
        .handle((done, failure) -> {
          if (failure != null) {
            throw new CompletionException(LuaScript.unwrap(failure));
          }
          return null;
        });
  }

  @Override
  public CompletionStage<Void> publish(StoredEvent event) {
    if (closed) {
      return CompletableFuture.failedFuture(new IllegalStateException("the fanout is closed"));
    }
    return publishScript.<Long>run(commands.async(), ScriptOutputType.INTEGER,
        new String[] {keys.meta(event.topic())},
        keys.channel(event.topic()), Long.toString(event.position()), encode(event))
        .thenApply(sent -> null);
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    synchronized (this) {
      if (pubSub != null) {
        pubSub.close();
      }
    }
    commands.close();
    client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
  }

  // --- internals ---

  /** Subscribes to every topic again, then says they may have missed events. */
  private void resubscribe() {
    Set<String> current = Set.copyOf(topics);
    if (current.isEmpty()) {
      cut = false;
      return;
    }
    pubSub.async().subscribe(current.stream().map(keys::channel).toArray(String[]::new))
        .whenComplete((done, failure) -> {
          if (failure != null) {
            LOG.warn("subscribing again after a Redis reconnect failed; retried at the next"
                + " reconnect", LuaScript.unwrap(failure));
            return;
          }
          cut = false;
          LOG.info("Redis pub/sub connection back; {} topics catch up from the history",
              current.size());
          Listener target = listener;
          if (target != null && !closed) {
            target.onMissed(current);
          }
        });
  }

  private void deliver(String channel, String message) {
    Listener target = listener;
    if (target == null || closed) {
      return;
    }
    StoredEvent event;
    try {
      event = decode(keys.topicOfChannel(channel), message);
    } catch (RuntimeException e) {
      LOG.warn("ignored a malformed message on {}", channel, e);
      return;
    }
    try {
      target.onEvent(event);
    } catch (RuntimeException e) {
      LOG.warn("fanout listener failed on an event of topic {}", event.topic(), e);
    }
  }

  /** Epoch, position, {@code +name} or {@code -}, data; separated by line feeds. */
  static String encode(StoredEvent event) {
    return event.epoch() + '\n' + event.position() + '\n'
        + (event.name() == null ? "-" : "+" + event.name()) + '\n' + event.data();
  }

  static StoredEvent decode(String topic, String message) {
    int first = message.indexOf('\n');
    int second = message.indexOf('\n', first + 1);
    int third = message.indexOf('\n', second + 1);
    if (first < 0 || second < 0 || third < 0) {
      throw new IllegalArgumentException("an event message has four lines at least");
    }
    String name = message.substring(second + 1, third);
    return new StoredEvent(message.substring(0, first), topic,
        Long.parseLong(message.substring(first + 1, second)),
        name.equals("-") ? null : name.substring(1), message.substring(third + 1));
  }

  private void requireStarted() {
    if (listener == null) {
      throw new IllegalStateException("start the fanout first");
    }
    if (closed) {
      throw new IllegalStateException("the fanout is closed");
    }
  }



  /** Configuration of a {@link RedisFanout}. */
  public static final class Builder {
    private RedisURI uri;
    private String keyPrefix = RedisKeys.DEFAULT_PREFIX;
    private Duration commandTimeout = Duration.ofSeconds(5);

    private Builder() {}

    /** The Redis to use, as for the Redis history ({@code redis://}, {@code rediss://}). */
    public Builder uri(String value) {
      try {
        this.uri = RedisURI.create(Objects.requireNonNull(value, "uri"));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("uri: not a Redis URI (" + e.getMessage() + ")", e);
      }
      return this;
    }

    /** The key prefix; the same as the Redis history's (default {@code ssekit:}). */
    public Builder keyPrefix(String value) {
      this.keyPrefix = new RedisKeys(value).prefix();
      return this;
    }

    /** How long a command may take before its stage fails (default 5 s). */
    public Builder commandTimeout(Duration value) {
      if (value == null || value.isNegative() || value.isZero()) {
        throw new IllegalArgumentException("commandTimeout must be positive, was " + value);
      }
      this.commandTimeout = value;
      return this;
    }

    /** Connects to Redis and returns the fanout (not started). */
    public RedisFanout build() {
      if (uri == null) {
        throw new IllegalStateException("uri is required");
      }
      return new RedisFanout(this);
    }
  }
}
