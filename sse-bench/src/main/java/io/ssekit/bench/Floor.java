package io.ssekit.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;

/**
 * The {@code floor} scenario: what writing fanout events costs a JVM with nothing else to do
 * ({@link FloorServer}, on core 0 as the servers are, read by this tool's {@link LoadGenerator}
 * on core 1), one event per write and a few per write; and, after a {@code fanout --floor on},
 * each server's CPU per delivery as a multiple of that floor.
 */
final class Floor {
  private static final String RESULT = "floor-result";
  private static final String DONE = "floor-done events=";

  private Floor() {}

  /** One batch size's measured phase, as {@link FloorServer} prints it. */
  record Result(int batch, int streams, int rate, double seconds, long writes, long events,
      long shortWrites, long skipped, long processCpuNanos, long threadCpuNanos) {

    /** Process CPU time per {@code write()}, in microseconds. */
    double microsPerWrite() {
      return writes == 0 ? Double.NaN : processCpuNanos / 1000.0 / writes;
    }

    /** Process CPU time per event written, in microseconds: the floor of a delivery. */
    double microsPerEvent() {
      return events == 0 ? Double.NaN : processCpuNanos / 1000.0 / events;
    }

    /** The writing thread's own CPU time per event, in microseconds. */
    double threadMicrosPerEvent() {
      return events == 0 ? Double.NaN : threadCpuNanos / 1000.0 / events;
    }

    /** The line {@link #parse} reads back: {@code floor-result key=value ...}. */
    String line() {
      return String.format(Locale.ROOT, "%s batch=%d streams=%d rate=%d seconds=%.3f writes=%d"
          + " events=%d short=%d skipped=%d process_cpu_ns=%d thread_cpu_ns=%d", RESULT, batch,
          streams, rate, seconds, writes, events, shortWrites, skipped, processCpuNanos,
          threadCpuNanos);
    }

    /** The result on a {@link #line()}. */
    static Result parse(String line) {
      Map<String, String> fields = new LinkedHashMap<>();
      String[] words = line.trim().split(" ");
      if (!words[0].equals(RESULT)) {
        throw new IllegalArgumentException("not a " + RESULT + " line: '" + line + "'");
      }
      for (int i = 1; i < words.length; i++) {
        int equals = words[i].indexOf('=');
        if (equals > 0) {
          fields.put(words[i].substring(0, equals), words[i].substring(equals + 1));
        }
      }
      try {
        return new Result(Integer.parseInt(field(fields, "batch")),
            Integer.parseInt(field(fields, "streams")), Integer.parseInt(field(fields, "rate")),
            Double.parseDouble(field(fields, "seconds")), Long.parseLong(field(fields, "writes")),
            Long.parseLong(field(fields, "events")), Long.parseLong(field(fields, "short")),
            Long.parseLong(field(fields, "skipped")),
            Long.parseLong(field(fields, "process_cpu_ns")),
            Long.parseLong(field(fields, "thread_cpu_ns")));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("a number in '" + line + "' is not one", e);
      }
    }

    private static String field(Map<String, String> fields, String name) {
      String value = fields.get(name);
      if (value == null) {
        throw new IllegalArgumentException(RESULT + " without " + name + "=");
      }
      return value;
    }
  }

  /** Batch sizes from {@code 1,4,16}: each from 1 to {@value FloorServer#MAX_BATCH}. */
  static List<Integer> batches(String value) {
    List<Integer> batches = new ArrayList<>();
    for (String part : value.split(",", -1)) {
      int batch;
      try {
        batch = Integer.parseInt(part.trim());
      } catch (NumberFormatException e) {
        batch = 0;
      }
      if (batch < 1 || batch > FloorServer.MAX_BATCH) {
        throw new IllegalArgumentException("--batch takes events per write from 1 to "
            + FloorServer.MAX_BATCH + ", separated by commas, was '" + value + "'");
      }
      batches.add(batch);
    }
    return List.copyOf(batches);
  }

  /** The {@code floor} scenario: measures and prints; {@code true} when events were lost. */
  static boolean run(Options options) throws Exception {
    Measured measured = measure(options, options.batches);
    System.out.println();
    System.out.print(report(measured.results()));
    return measured.lost() > 0;
  }

  /**
   * After a fanout: measures the floor at its streams and rate, one event per write, and prints
   * each server's CPU per delivery as a multiple of it; {@code true} when the floor lost events.
   */
  static boolean versus(Options options, List<Bench.Result> servers) throws Exception {
    Measured measured = measure(options, List.of(1));
    System.out.println();
    System.out.print(report(measured.results()));
    System.out.print(versus(servers, measured.results().get(0)));
    return measured.lost() > 0;
  }

  /** What the floor's writer and its reader counted. */
  record Measured(List<Result> results, long written, long received) {
    long lost() {
      return Math.max(0, written - received);
    }
  }

  /** Starts a {@link FloorServer} on core 0, holds its streams, and reads its results. */
  static Measured measure(Options options, List<Integer> batches) throws Exception {
    int port = ServerProcess.freePort();
    Path log = options.out.resolve("floor.log");
    System.out.printf("floor: starting on port %d (log %s)%n", port, log);
    List<String> main = List.of("-cp", System.getProperty("java.class.path"),
        FloorServer.class.getName(), Integer.toString(options.connections),
        Integer.toString(options.rate), Integer.toString(options.seconds),
        Integer.toString(options.warmup),
        batches.stream().map(String::valueOf).collect(Collectors.joining(",")));
    try (ServerProcess process = ServerProcess.start("floor", port, "0", main, Map.of(), log);
        LoadGenerator loader = new LoadGenerator(new InetSocketAddress("127.0.0.1", port),
            "/events", 0)) {
      Bench.connect("floor", loader, options.connections);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(
          (long) batches.size() * (options.warmup + options.seconds) + 60);
      long written = -1;
      while (written < 0 && System.nanoTime() < deadline) {
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(200));
        written = written(Files.readAllLines(log));
      }
      if (written < 0) {
        throw new IOException("the floor did not finish; see " + log);
      }
      long quietSince = System.nanoTime();
      long received = loader.events();
      while (received < written
          && System.nanoTime() - quietSince < TimeUnit.SECONDS.toNanos(3)) {
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
        if (loader.events() != received) {
          received = loader.events();
          quietSince = System.nanoTime();
        }
      }
      System.out.printf("floor: its reader received %d of the %d events written%n", received,
          written);
      return new Measured(results(Files.readAllLines(log)), written, received);
    }
  }

  /** The results on {@code lines}, in order. */
  static List<Result> results(List<String> lines) {
    return lines.stream().filter(line -> line.startsWith(RESULT + " ")).map(Result::parse)
        .toList();
  }

  /** The events written in all, from the {@code floor-done} line; -1 before it is there. */
  static long written(List<String> lines) {
    for (String line : lines) {
      if (line.startsWith(DONE)) {
        return Long.parseLong(line.substring(DONE.length()).trim());
      }
    }
    return -1;
  }

  /** A table of the results, one row per batch size. */
  static String report(List<Result> results) {
    StringBuilder out = new StringBuilder();
    if (!results.isEmpty()) {
      Result first = results.get(0);
      out.append(String.format(Locale.ROOT, "floor: %d streams, %d events/s each, %d-byte events,"
          + " one writing thread on core 0; CPU time of the writer's process%n", first.streams(),
          first.rate(), FloorServer.EVENT_BYTES));
    }
    out.append(String.format(Locale.ROOT, "%-6s %10s %11s %9s %9s %12s %8s %8s%n", "batch",
        "writes/s", "events/s", "us/write", "us/event", "thread us/ev", "short", "skipped"));
    for (Result r : results) {
      out.append(String.format(Locale.ROOT, "%-6d %10.0f %11.0f %9.2f %9.2f %12.2f %8d %8d%n",
          r.batch(), r.writes() / r.seconds(), r.events() / r.seconds(), r.microsPerWrite(),
          r.microsPerEvent(), r.threadMicrosPerEvent(), r.shortWrites(), r.skipped()));
    }
    return out.toString();
  }

  /** Each server's CPU per delivery beside {@code floor}'s CPU per event. */
  static String versus(List<Bench.Result> servers, Result floor) {
    StringBuilder out = new StringBuilder();
    for (Bench.Result server : servers) {
      out.append(String.format(Locale.ROOT, "%s: server CPU per delivery %.2f us, x%.2f of the"
          + " floor's %.2f us per event at %d event(s) per write%n", server.server(),
          server.serverMicrosPerEvent(), server.serverMicrosPerEvent() / floor.microsPerEvent(),
          floor.microsPerEvent(), floor.batch()));
    }
    return out.toString();
  }
}
