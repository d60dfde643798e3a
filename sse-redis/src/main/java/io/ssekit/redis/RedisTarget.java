package io.ssekit.redis;

import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
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
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * The Redis the Redis modules use, from one URI, and the settings they connect with.
 *
 * <ul>
 *   <li>{@code redis://[[user:]password@]host:port[/db][?timeout=...]}: one Redis;
 *       {@code rediss://} for TLS. Everything Lettuce's {@link RedisURI} takes passes through.</li>
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
  private static final String CLUSTER_SUFFIX = "+cluster";

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

  /** Connects, or fails with a message that names the Redis (never its password). */
  public Connection connect(Duration commandTimeout) {
    TimeoutOptions timeouts = TimeoutOptions.enabled(commandTimeout);
    if (!cluster) {
      RedisClient client = RedisClient.create(nodes.get(0));
      client.setOptions(ClientOptions.builder()
          .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
          .timeoutOptions(timeouts)
          .build());
      return connected(client, () -> client.connect(StringCodec.UTF8));
    }
    RedisClusterClient client = RedisClusterClient.create(nodes);
    client.setOptions(ClusterClientOptions.builder()
        .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
        .timeoutOptions(timeouts)
        .topologyRefreshOptions(ClusterTopologyRefreshOptions.builder()
            .enablePeriodicRefresh(Duration.ofSeconds(30))
            .enableAllAdaptiveRefreshTriggers()
            .build())
        .build());
    return connected(client, () -> {
      StatefulRedisClusterConnection<String, String> connection = client.connect(StringCodec.UTF8);
      for (RedisClusterNode node : connection.getPartitions()) {
        if (node.is(RedisClusterNode.NodeFlag.UPSTREAM)) {
          // Open the connection commands to this master are routed through, so that none is
          // refused as "not connected yet" after the start.
          connection.getConnection(node.getUri().getHost(), node.getUri().getPort());
        }
      }
      return connection;
    });
  }

  private Connection connected(AbstractRedisClient client,
      java.util.function.Supplier<StatefulConnection<String, String>> connect) {
    try {
      return new Connection(client, connect.get());
    } catch (RuntimeException e) {
      client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
      throw new IllegalStateException("cannot connect to Redis at " + redacted() + ": "
          + e.getMessage(), e);
    }
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

  /** An open client and its command connection, to one Redis or to a cluster. */
  public static final class Connection implements AutoCloseable {
    private final AbstractRedisClient client;
    private final StatefulConnection<String, String> connection;

    private Connection(AbstractRedisClient client, StatefulConnection<String, String> connection) {
      this.client = client;
      this.connection = connection;
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
      RedisClusterAsyncCommands<String, String> commands = commands();
      return (isCluster() ? commands.spublish(channel, message)
          : commands.publish(channel, message)).toCompletableFuture();
    }

    /** Commands, routed by their first key on a cluster. */
    public RedisClusterAsyncCommands<String, String> commands() {
      return connection instanceof StatefulRedisClusterConnection<String, String> clustered
          ? clustered.async() : ((StatefulRedisConnection<String, String>) connection).async();
    }

    /**
     * Whether commands can reach Redis now: the connection is up, and on a cluster the
     * connection to every master is. Never blocks.
     */
    public boolean isUp() {
      if (!connection.isOpen()) {
        return false;
      }
      if (connection instanceof StatefulRedisClusterConnection<String, String> clustered) {
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
      connection.close();
      client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }
  }
}
