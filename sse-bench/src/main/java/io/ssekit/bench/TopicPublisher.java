package io.ssekit.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;

/**
 * Publishes with the sample app's {@code POST /publish} at a fixed rate to random topics of
 * {@code users} ({@value #USER_EVENT} events on {@code user-<i>}), and once a second a {@value
 * #BROADCAST_EVENT} event to the topic {@value #BROADCAST_TOPIC}, each with {@code
 * {"t":<nanoTime>}} as data taken as it is written. It holds a few keep-alive HTTP/1.1
 * connections on one thread and pipelines up to {@value #MAX_IN_FLIGHT} requests on each (the
 * server answers them in order), so that a request costs the server its handling and not a
 * connection, and the client a few microseconds. It counts what the server accepted ({@code 200})
 * per topic, so that what each stream should have got is known.
 *
 * <p>Thread-safety: {@link #publish} runs on the caller's thread; the counters may be read from
 * any thread.
 */
final class TopicPublisher {
  static final String BROADCAST_TOPIC = "broadcast";
  static final String USER_EVENT = "notification";
  static final String BROADCAST_EVENT = "broadcast";
  /** Requests pipelined on one connection at most. */
  static final int MAX_IN_FLIGHT = 64;
  private static final int ANSWER_WAIT_SECONDS = 60;

  private final InetSocketAddress server;
  private final int users;
  private final int connections;
  private final AtomicIntegerArray acceptedPerUser;
  private final SplittableRandom random = new SplittableRandom(1);
  private volatile long acceptedUser;
  private volatile long acceptedBroadcasts;
  private volatile long refused;

  /** A publisher to {@code users} topics {@code user-0} and up on {@code connections}. */
  TopicPublisher(InetSocketAddress server, int users, int connections) {
    this.server = server;
    this.users = users;
    this.connections = connections;
    this.acceptedPerUser = new AtomicIntegerArray(users);
  }

  /** The topic of user {@code i}. */
  static String userTopic(int i) {
    return "user-" + i;
  }

  /** Publishes to user topics the server accepted. */
  long acceptedUser() {
    return acceptedUser;
  }

  /** Publishes to {@value #BROADCAST_TOPIC} the server accepted. */
  long acceptedBroadcasts() {
    return acceptedBroadcasts;
  }

  /** Publishes the server refused, or that got no answer. */
  long refused() {
    return refused;
  }

  /** Publishes the server accepted to {@code user-<i>}. */
  int acceptedFor(int user) {
    return acceptedPerUser.get(user);
  }

  /**
   * {@code rate} user publishes a second and a broadcast at the start of each second, for {@code
   * seconds}; then waits up to {@value #ANSWER_WAIT_SECONDS} s for the answers still due (one
   * still missing then counts as refused). A publish that finds every
   * connection full waits for an answer: the rate achieved is then less than asked.
   */
  void publish(int rate, long seconds) throws IOException {
    try (Selector selector = Selector.open()) {
      List<Connection> open = new ArrayList<>();
      for (int i = 0; i < connections; i++) {
        open.add(new Connection(selector));
      }
      long start = System.nanoTime();
      long end = start + TimeUnit.SECONDS.toNanos(seconds);
      long sentUser = 0;
      long sentBroadcasts = 0;
      int next = 0;
      while (true) {
        long now = System.nanoTime();
        if (now < end) {
          long dueUser = Math.min((long) rate * seconds, (now - start) * rate / 1_000_000_000L + 1);
          long dueBroadcasts = (now - start) / 1_000_000_000L + 1;
          while (sentUser < dueUser || sentBroadcasts < dueBroadcasts) {
            Connection connection = null;
            for (int tried = 0; tried < open.size() && connection == null; tried++) {
              Connection candidate = open.get(next++ % open.size());
              if (candidate.waiting.size() < MAX_IN_FLIGHT) {
                connection = candidate;
              }
            }
            if (connection == null) {
              break; // every connection full: the rest when answers come
            }
            if (sentBroadcasts < dueBroadcasts) {
              connection.send(-1);
              sentBroadcasts++;
            } else {
              connection.send(random.nextInt(users));
              sentUser++;
            }
          }
          for (Connection connection : open) {
            connection.flush();
          }
        } else if (open.stream().allMatch(c -> c.waiting.isEmpty())
            || now > end + TimeUnit.SECONDS.toNanos(ANSWER_WAIT_SECONDS)) {
          break;
        }
        // Sends go out in the millisecond they are due (10 at a time at 10,000 a second); when
        // every connection is full, the answers wake the loop.
        long nextDue = start + sentUser * 1_000_000_000L / rate;
        long waitMillis = now >= end ? 100
            : TimeUnit.NANOSECONDS.toMillis(nextDue - System.nanoTime());
        selector.select(this::handle, Math.max(1, Math.min(waitMillis, 100)));
      }
      for (Connection connection : open) {
        refused += connection.waiting.size();
        connection.channel.close();
      }
    }
  }

  private void handle(SelectionKey key) {
    Connection connection = (Connection) key.attachment();
    try {
      if (key.isWritable()) {
        connection.flush();
      }
      if (key.isReadable()) {
        connection.read();
      }
    } catch (IOException e) {
      refused += connection.waiting.size();
      connection.waiting.clear();
      key.cancel();
    }
  }

  /** The answer, with {@code status}, to the oldest request waiting on {@code connection}. */
  private void answered(Connection connection, int status) {
    Integer user = connection.waiting.poll();
    if (user == null) {
      return;
    }
    if (status != 200) {
      refused++;
    } else if (user < 0) {
      acceptedBroadcasts++;
    } else {
      acceptedPerUser.incrementAndGet(user);
      acceptedUser++;
    }
  }

  /** One keep-alive connection with its pipelined requests, in order. */
  private final class Connection {
    final SocketChannel channel;
    final SelectionKey key;
    final ArrayDeque<Integer> waiting = new ArrayDeque<>();
    final ByteBuffer out = ByteBuffer.allocate(256 * 1024);
    final ByteBuffer in = ByteBuffer.allocate(256 * 1024);
    final byte[] host;
    /** The body bytes still to skip of the response being read. */
    int bodyLeft;

    Connection(Selector selector) throws IOException {
      channel = SocketChannel.open(server);
      channel.configureBlocking(false);
      key = channel.register(selector, SelectionKey.OP_READ, this);
      host = (server.getHostString() + ":" + server.getPort()).getBytes(StandardCharsets.US_ASCII);
    }

    /** Queues a publish to {@code user}'s topic, or to the broadcast topic for -1. */
    void send(int user) {
      String body = user < 0
          ? "{\"topic\":\"" + BROADCAST_TOPIC + "\",\"event\":\"" + BROADCAST_EVENT
              + "\",\"data\":{\"t\":" + System.nanoTime() + "}}"
          : "{\"topic\":\"" + userTopic(user) + "\",\"event\":\"" + USER_EVENT
              + "\",\"data\":{\"t\":" + System.nanoTime() + "}}";
      out.put(("POST /publish HTTP/1.1\r\nHost: ").getBytes(StandardCharsets.US_ASCII))
          .put(host)
          .put(("\r\nContent-Type: application/json\r\nContent-Length: " + body.length()
              + "\r\n\r\n" + body).getBytes(StandardCharsets.US_ASCII));
      waiting.add(user);
    }

    void flush() throws IOException {
      out.flip();
      channel.write(out);
      out.compact();
      key.interestOps(out.position() > 0 ? SelectionKey.OP_READ | SelectionKey.OP_WRITE
          : SelectionKey.OP_READ);
    }

    void read() throws IOException {
      if (channel.read(in) < 0) {
        throw new IOException("the server closed a publishing connection");
      }
      in.flip();
      while (true) {
        if (bodyLeft > 0) {
          int skip = Math.min(bodyLeft, in.remaining());
          in.position(in.position() + skip);
          bodyLeft -= skip;
          if (bodyLeft > 0) {
            break;
          }
        }
        int end = headerEnd(in);
        if (end < 0) {
          break;
        }
        String head = StandardCharsets.US_ASCII.decode(in.slice(in.position(),
            end - in.position())).toString();
        in.position(end);
        answered(this, status(head));
        bodyLeft = contentLength(head);
      }
      in.compact();
    }
  }

  /** The index just past the blank line that ends the headers in {@code in}, or -1. */
  static int headerEnd(ByteBuffer in) {
    for (int i = in.position(); i + 3 < in.limit(); i++) {
      if (in.get(i) == '\r' && in.get(i + 1) == '\n' && in.get(i + 2) == '\r'
          && in.get(i + 3) == '\n') {
        return i + 4;
      }
    }
    return -1;
  }

  /** The status of a response's {@code head}, or -1. */
  static int status(String head) {
    if (head.startsWith("HTTP/1.1 ") && head.length() >= 12) {
      try {
        return Integer.parseInt(head.substring(9, 12));
      } catch (NumberFormatException e) {
        return -1;
      }
    }
    return -1;
  }

  /** The {@code Content-Length} of a response's {@code head}, 0 without one. */
  static int contentLength(String head) {
    for (String line : head.split("\r\n")) {
      int colon = line.indexOf(':');
      if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase("content-length")) {
        return Integer.parseInt(line.substring(colon + 1).trim());
      }
    }
    return 0;
  }
}
