package io.ssekit.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The live objects of a JVM by class, as {@code jcmd PID GC.class_histogram} reports them: that
 * command runs a full collection first, so its total is the heap in use after a full GC.
 *
 * @param bytes the live heap in all, in bytes
 * @param bytesByClass the live bytes of each class, by its name as the histogram gives it
 */
record ClassHistogram(long bytes, Map<String, Long> bytesByClass) {
  private static final Pattern ROW =
      Pattern.compile("^\\s*\\d+:\\s+\\d+\\s+(\\d+)\\s+(\\S+)", Pattern.MULTILINE);
  private static final Pattern TOTAL = Pattern.compile("^Total\\s+\\d+\\s+(\\d+)",
      Pattern.MULTILINE);

  /** The histogram of process {@code pid}, taken with this JDK's {@code jcmd}. */
  static ClassHistogram of(long pid) throws IOException, InterruptedException {
    Process jcmd = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd")
        .toString(), Long.toString(pid), "GC.class_histogram").redirectErrorStream(true).start();
    String text = new String(jcmd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!jcmd.waitFor(120, TimeUnit.SECONDS) || jcmd.exitValue() != 0) {
      throw new IOException("jcmd " + pid + " GC.class_histogram failed: " + text);
    }
    return parse(text);
  }

  /** The histogram of {@code jcmd}'s text. */
  static ClassHistogram parse(String text) {
    Matcher total = TOTAL.matcher(text);
    if (!total.find()) {
      throw new IllegalArgumentException("not a class histogram: no Total line");
    }
    Map<String, Long> byClass = new HashMap<>();
    Matcher row = ROW.matcher(text);
    while (row.find()) {
      byClass.merge(row.group(2), Long.parseLong(row.group(1)), Long::sum);
    }
    return new ClassHistogram(Long.parseLong(total.group(1)), Map.copyOf(byClass));
  }

  /** The {@code count} classes whose live bytes grew most since {@code before}, most first. */
  Map<String, Long> growthSince(ClassHistogram before, int count) {
    Map<String, Long> grown = new LinkedHashMap<>();
    bytesByClass.entrySet().stream()
        .map(e -> Map.entry(e.getKey(), e.getValue() - before.bytesByClass.getOrDefault(e.getKey(),
            0L)))
        .filter(e -> e.getValue() > 0)
        .sorted(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder())
            .thenComparing(Map.Entry.comparingByKey()))
        .limit(count)
        .forEach(e -> grown.put(e.getKey(), e.getValue()));
    return grown;
  }
}
