package io.ssekit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.spi.ToolProvider;
import org.junit.jupiter.api.Test;

/**
 * The packages of {@code sse-api} depend one way: {@code io.ssekit} (the hub) on
 * {@code io.ssekit.spi} and {@code io.ssekit.internal}, {@code io.ssekit.internal} on
 * {@code io.ssekit.spi}, and {@code io.ssekit.spi} on none of them. Read from the compiled classes
 * by the JDK's {@code jdeps}, so that a new import against the direction fails here.
 */
class PackageDirectionTest {
  private static final Map<String, Set<String>> ALLOWED = Map.of(
      "io.ssekit", Set.of("io.ssekit.spi", "io.ssekit.internal"),
      "io.ssekit.internal", Set.of("io.ssekit.spi"),
      "io.ssekit.spi", Set.of());

  private static final Pattern EDGE =
      Pattern.compile("^\\s+(io\\.ssekit[\\w.]*)\\s+->\\s+(io\\.ssekit[\\w.]*)\\s", Pattern.MULTILINE);

  @Test
  void packagesDependOneWay() throws Exception {
    String report = jdeps("-verbose:package", classesDirectory().toString());

    Set<String> edges = new TreeSet<>();
    Matcher m = EDGE.matcher(report);
    while (m.find()) {
      if (!m.group(1).equals(m.group(2))) {
        edges.add(m.group(1) + " -> " + m.group(2));
      }
    }
    assertTrue(edges.contains("io.ssekit -> io.ssekit.spi"),
        "jdeps reported no edge from io.ssekit to io.ssekit.spi; its output was:\n" + report);

    List<String> wrong = new ArrayList<>();
    for (String edge : edges) {
      String[] ends = edge.split(" -> ");
      Set<String> allowed = ALLOWED.get(ends[0]);
      if (allowed == null) {
        wrong.add(edge + " (package " + ends[0] + " has no place in the order: add it to ALLOWED)");
      } else if (!allowed.contains(ends[1])) {
        wrong.add(edge);
      }
    }
    assertEquals(List.of(), wrong,
        "package dependencies against the direction io.ssekit -> io.ssekit.internal -> "
            + "io.ssekit.spi");
  }

  private static String jdeps(String... args) {
    ToolProvider jdeps = ToolProvider.findFirst("jdeps")
        .orElseThrow(() -> new AssertionError("jdeps not found: run the tests on a JDK"));
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int status = jdeps.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
    assertEquals(0, status, "jdeps failed: " + err + out);
    return out.toString();
  }

  /** Where {@code sse-api}'s main classes were compiled to ({@code target/classes}). */
  private static Path classesDirectory() throws URISyntaxException {
    return Path.of(SseHub.class.getProtectionDomain().getCodeSource().getLocation().toURI());
  }
}
