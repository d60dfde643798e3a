package io.ssekit.redis;

import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.Delay;
import io.ssekit.spi.Backoff;
import java.lang.System.Logger.Level;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The Redis the Redis modules use, from one URI, and the settings they connect with.
 *
 * <ul>
 *   <li>{@code redis://[[user:]password@]host:port[/db][?timeout=...]}: one Redis;
 *       {@code rediss://} for TLS. Everything Lettuce's {@link RedisURI} takes passes through.</li>
 *   <li>{@code redis-sentinel://[password@]host1:port1[,host2:port2][/db]#masterName}: the
 *       master that the Sentinels name, followed through failovers (each reconnect asks the
 *       Sentinels where it is); {@code rediss-sentinel://} for TLS.</li>
 *   <li>{@code redis+cluster://[[user:]password@]host1:port1,host2:port2[?...]}: a Redis Cluster,
 *       found from any of the seed nodes listed; {@code rediss+cluster://} for TLS. Credentials
 *       and options apply to every node.</li>
 * </ul>
 *
 * <p>Commands fail at once while their Redis node is unreachable (they are not queued) and time
 * out after the command timeout; Lettuce reconnects by itself. On a cluster, the topology is
 * refreshed periodically and whenever a redirect or a reconnect says it changed.
 */
public final class RedisTarget {
  private static final System.Logger LOG = System.getLogger(RedisTarget.class.getName());
  private static final String CLUSTER_SUFFIX = "+cluster";
  /**
   * Lettuce's pauses between reconnect attempts: short and capped at a second, so that a client
   * finds a promoted master (Sentinel) or a restarted Redis soon after it answers.
   */
  private static final Delay RECONNECT_DELAY =
      Delay.exponential(Duration.ofMillis(10), Duration.ofSeconds(1), 2, TimeUnit.MILLISECONDS);

  private final String text;
  private final boolean cluster;
  private final List<RedisURI> nodes;

  private RedisTarget(String text, boolean cluster, List<RedisURI> nodes) {
    this.text = text;
    this.cluster = cluster;
    this.nodes = nodes;
  }

  /**
   * Parses a Redis URI.
   *
   * @throws IllegalArgumentException naming the problem, when the URI is not one of the forms
   *     above
   */
  public static RedisTarget parse(String uri) {
    Objects.requireNonNull(uri, "uri");
    try {
      int schemeEnd = uri.indexOf("://");
      String scheme = schemeEnd < 0 ? "" : uri.substring(0, schemeEnd);
      if (!scheme.endsWith(CLUSTER_SUFFIX)) {
        if (scheme.endsWith("-sentinel") && (uri.indexOf('#') < 0 || uri.endsWith("#"))) {
          throw new IllegalArgumentException("a Sentinel URI names its master after '#', as in "
              + "redis-sentinel://host1:26379,host2:26379/0#mymaster");
        }
        return new RedisTarget(uri, false, List.of(RedisURI.create(uri)));
      }
      String plainScheme = scheme.substring(0, scheme.length() - CLUSTER_SUFFIX.length());
      if (!plainScheme.equals("redis") && !plainScheme.equals("rediss")) {
        throw new IllegalArgumentException("a cluster URI starts with redis+cluster:// or "
            + "rediss+cluster://");
      }
      String rest = uri.substring(schemeEnd + 3);
      int hostsEnd = indexOfAny(rest, '/', '?');
      String authority = hostsEnd < 0 ? rest : rest.substring(0, hostsEnd);
      String tail = hostsEnd < 0 ? "" : rest.substring(hostsEnd);
      int at = authority.lastIndexOf('@');
      String credentials = at < 0 ? "" : authority.substring(0, at + 1);
      List<RedisURI> seeds = new ArrayList<>();
      for (String host : authority.substring(at + 1).split(",")) {
        if (host.isBlank()) {
          throw new IllegalArgumentException("empty host in the seed list");
        }
        seeds.add(RedisURI.create(plainScheme + "://" + credentials + host.trim() + tail));
      }
      return new RedisTarget(uri, true, List.copyOf(seeds));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("not a Redis URI (" + e.getMessage() + ")", e);
    }
  }

  /** Whether this is a Redis Cluster. */
  public boolean isCluster() {
    return cluster;
  }

  /** The node to connect to, or a cluster's seed nodes. */
  public List<RedisURI> seeds() {
    return nodes;
  }

  /** The URI with any password hidden, for messages and logs. */
  public String redacted() {
    return text.replaceAll("//[^@/]*@", "//***@");
  }

  /**
   * Connects. When nothing answers at the address (the connection is refused or times out, the
   * name does not resolve, or no Sentinel or cluster seed answers), the connection is made in
   * the background, again and again with growing pauses, until Redis appears: meanwhile {@link
   * Connection#isUp()} answers {@code false} and commands fail at once. Any other failure (a
   * wrong password, a TLS mismatch) is thrown.
   *
   * @throws IllegalStateException naming the Redis (never its password) and what went wrong,
   *     when Redis answered but the connection could not be made
   */
  public Connection connect(Duration commandTimeout) {
    TimeoutOptions timeouts = TimeoutOptions.enabled(commandTimeout);
    ClientResources resources = DefaultClientResources.builder().reconnectDelay(RECONNECT_DELAY)
        .build();
    if (!cluster) {
      RedisClient client = RedisClient.create(resources, nodes.get(0));
      client.setOptions(ClientOptions.builder()
          .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
          .timeoutOptions(timeouts)
          .build());
      return new Connection(this, client, () -> client.connect(StringCodec.UTF8));
    }
    RedisClusterClient client = RedisClusterClient.create(resources, nodes);
    client.setOptions(ClusterClientOptions.builder()
        .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
        .timeoutOptions(timeouts)
        .topologyRefreshOptions(ClusterTopologyRefreshOptions.builder()
            .enablePeriodicRefresh(Duration.ofSeconds(30))
            .enableAllAdaptiveRefreshTriggers()
            .build())
        .build());
    return new Connection(this, client, () -> {
      StatefulRedisClusterConnection<String, String> connection = client.connect(StringCodec.UTF8);
      for (RedisClusterNode node : connection.getPartitions()) {
        if (node.is(RedisClusterNode.NodeFlag.UPSTREAM)) {
          // Open the connection commands to this master are routed through, so that none is
          // refused as "not connected yet" after the start. A master that is down (nodes that
          // come up one by one) is connected when it answers.
          try {
            connection.getConnection(node.getUri().getHost(), node.getUri().getPort());
          } catch (RuntimeException down) {
            LOG.log(Level.DEBUG, "Redis Cluster master {0} not reachable yet", node.getUri());
          }
        }
      }
      return connection;
    });
  }

  /**
   * Whether {@code other} names the same Redis with the same text: then both are the same
   * Redis, without asking it.
   */
  public boolean sameUri(RedisTarget other) {
    return text.equals(other.text);
  }

  /** Whether {@code failure} says nothing answered, rather than that Redis refused us. */
  static boolean unreachable(Throwable failure) {
    return unreachable(failure, 0);
  }

  private static boolean unreachable(Throwable failure, int depth) {
    if (failure == null || depth > 8) {
      return false;
    }
    if (failure instanceof ConnectException || failure instanceof NoRouteToHostException
        || failure instanceof UnknownHostException
        || failure.getClass().getSimpleName().equals("ConnectTimeoutException")) {
      return true;
    }
    String message = String.valueOf(failure.getMessage());
    if (message.startsWith("Cannot provide redisAddress using sentinel")
        || message.startsWith("Cannot connect Redis Sentinel")
        || message.startsWith("Cannot retrieve initial cluster partitions")
        || message.startsWith("Cannot retrieve cluster partitions")) {
      return true;
    }
    for (Throwable suppressed : failure.getSuppressed()) {
      if (unreachable(suppressed, depth + 1)) {
        return true;
      }
    }
    return failure.getCause() != failure && unreachable(failure.getCause(), depth + 1);
  }

  private static int indexOfAny(String text, char first, char second) {
    int a = text.indexOf(first);
    int b = text.indexOf(second);
    return a < 0 ? b : b < 0 ? a : Math.min(a, b);
  }

  @Override
  public String toString() {
    return redacted();
  }

  /**
   * A client and its command connection, to one Redis, a Redis behind Sentinel, or a cluster.
   * Until the first connection is made (Redis was down at the start), {@link #commands()} throws
   * and {@link #isUp()} answers {@code false}; see {@link RedisTarget#connect}.
   */
  public static final class Connection implements AutoCloseable {
    private final RedisTarget target;
    private final AbstractRedisClient client;
    private final Supplier<StatefulConnection<String, String>> connect;
    private final CompletableFuture<Void> connected = new CompletableFuture<>();
    private volatile StatefulConnection<String, String> connection;
    private volatile boolean closed;

    private Connection(RedisTarget target, AbstractRedisClient client,
        Supplier<StatefulConnection<String, String>> connect) {
      this.target = target;
      this.client = client;
      this.connect = connect;
      try {
        connection = connect.get();
        connected.complete(null);
      } catch (RuntimeException e) {
        if (!unreachable(e)) {
          shutdownClient();
          throw new IllegalStateException("cannot connect to Redis at " + target.redacted() + ": "
              + e.getMessage(), e);
        }
        LOG.log(Level.WARNING, "Redis at {0} is not reachable ({1}); connecting in the background"
            + " until it is", target.redacted(), e.getMessage());
        retry(1);
      }
    }

    private void retry(int failures) {
      if (closed) {
        return;
      }
      client.getResources().eventExecutorGroup().schedule(() -> {
        if (closed) {
          return;
        }
        try {
          StatefulConnection<String, String> made = connect.get();
          synchronized (this) {
            if (closed) {
              made.close();
              return;
            }
            connection = made;
          }
          LOG.log(Level.INFO, "Redis at {0} is reachable now", target.redacted());
          connected.complete(null);
        } catch (RuntimeException e) {
          LOG.log(Level.DEBUG, "Redis at {0} still not reachable: {1}", target.redacted(),
              e.getMessage());
          retry(failures + 1);
        }
      }, Backoff.DEFAULT.pauseMillis(failures), TimeUnit.MILLISECONDS);
    }

    /** The client: a {@link RedisClient}, or a {@link RedisClusterClient} for a cluster. */
    public AbstractRedisClient client() {
      return client;
    }

    /** Whether this is a Redis Cluster. */
    public boolean isCluster() {
      return client instanceof RedisClusterClient;
    }

    /**
     * Completes once the first connection is made: at once when Redis was reachable at the
     * start; never when this closes before.
     */
    public CompletionStage<Void> whenConnected() {
      return connected.copy();
    }

    /**
     * The command that publishes on a topic channel, for scripts: sharded pub/sub
     * ({@code SPUBLISH}) on a cluster, {@code PUBLISH} on one Redis.
     */
    public String publishCommand() {
      return isCluster() ? "SPUBLISH" : "PUBLISH";
    }

    /**
     * Publishes {@code message} on {@code channel} with {@link #publishCommand()}; on a cluster,
     * on the master that serves the channel's hash slot.
     *
     * @return the number of clients that received it
     */
    public CompletableFuture<Long> publish(String channel, String message) {
      RedisClusterAsyncCommands<String, String> commands;
      try {
        commands = commands();
      } catch (RedisConnectionException notYet) {
        return CompletableFuture.failedFuture(notYet);
      }
      return (isCluster() ? commands.spublish(channel, message)
          : commands.publish(channel, message)).toCompletableFuture();
    }

    /**
     * Commands, routed by their first key on a cluster.
     *
     * @throws RedisConnectionException while no connection was made yet (Redis down since the
     *     start)
     */
    public RedisClusterAsyncCommands<String, String> commands() {
      StatefulConnection<String, String> current = connection;
      if (current == null) {
        throw new RedisConnectionException("Redis at " + target.redacted()
            + " has not been reachable since the start");
      }
      return current instanceof StatefulRedisClusterConnection<String, String> clustered
          ? clustered.async() : ((StatefulRedisConnection<String, String>) current).async();
    }

    /**
     * Whether commands can reach Redis now: the connection is up, and on a cluster the
     * connection to every master is. Never blocks.
     */
    public boolean isUp() {
      StatefulConnection<String, String> current = connection;
      if (current == null || !current.isOpen()) {
        return false;
      }
      if (current instanceof StatefulRedisClusterConnection<String, String> clustered) {
        for (RedisClusterNode node : clustered.getPartitions()) {
          if (node.is(RedisClusterNode.NodeFlag.UPSTREAM)) {
            CompletableFuture<StatefulRedisConnection<String, String>> nodeConnection =
                clustered.getConnectionAsync(node.getUri().getHost(), node.getUri().getPort());
            if (!nodeConnection.isDone() || nodeConnection.isCompletedExceptionally()
                || !nodeConnection.join().isOpen()) {
              return false;
            }
          }
        }
      }
      return true;
    }

    @Override
    public void close() {
      StatefulConnection<String, String> current;
      synchronized (this) {
        if (closed) {
          return;
        }
        closed = true;
        current = connection;
      }
      if (current != null) {
        current.close();
      }
      shutdownClient();
    }

    private void shutdownClient() {
      client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
      client.getResources().shutdown(0, 2, TimeUnit.SECONDS);
    }
  }
}
