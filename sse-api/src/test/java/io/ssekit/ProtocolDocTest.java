package io.ssekit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Keeps {@code docs/protocol.md} honest about the names on the wire: every event name and reset
 * reason of {@link ProtocolEvents} is documented there, and the doc gives no event a heading of
 * its own that the code does not send.
 */
class ProtocolDocTest {
  /** The doc, relative to this module's directory, where the build runs its tests. */
  private static final Path DOC = Path.of("../docs/protocol.md");

  @Test
  void everyProtocolEventAndResetReasonIsAHeadingOrATableEntry() throws IOException {
    List<String> lines = docLines();
    List<String> missing = new ArrayList<>();
    constants().forEach((field, value) -> {
      String quoted = "`" + value + "`";
      boolean documented = lines.stream().anyMatch(line ->
          isHeading(line) && line.contains(quoted) || isTableRow(line) && line.contains(quoted));
      if (!documented) {
        missing.add("ProtocolEvents." + field + " (" + quoted + ")");
      }
    });
    assertEquals(List.of(), missing, DOC + " must name each of these in a heading or a table"
        + " row, written as code");
  }

  @Test
  void everyEventNamedByAHeadingIsOneTheCodeSends() throws IOException {
    List<String> lines = docLines();
    Map<String, String> constants = constants();
    List<String> unknown = new ArrayList<>();
    for (String line : lines) {
      // A heading that is just an event name: "### `sse-busy`".
      String title = line.replaceFirst("^#+\\s*", "").trim();
      if (isHeading(line) && title.matches("`[a-z-]+`")) {
        String name = title.substring(1, title.length() - 1);
        if (!constants.containsValue(name)) {
          unknown.add(name);
        }
      }
    }
    assertEquals(List.of(), unknown, DOC + " has headings for events that are not constants of"
        + " io.ssekit.ProtocolEvents");
  }

  /** The public string constants of {@link ProtocolEvents}, by field name. */
  private static Map<String, String> constants() {
    Map<String, String> constants = new TreeMap<>();
    for (Field field : ProtocolEvents.class.getDeclaredFields()) {
      int modifiers = field.getModifiers();
      if (Modifier.isPublic(modifiers) && Modifier.isStatic(modifiers)
          && field.getType() == String.class) {
        try {
          constants.put(field.getName(), (String) field.get(null));
        } catch (IllegalAccessException e) {
          throw new AssertionError("cannot read ProtocolEvents." + field.getName(), e);
        }
      }
    }
    assertTrue(constants.containsKey("RESET"), "ProtocolEvents constants found: " + constants);
    return constants;
  }

  private static List<String> docLines() throws IOException {
    assertTrue(Files.isRegularFile(DOC), "the wire protocol must be documented in docs/protocol.md"
        + " at the repository's root; not found at " + DOC.toAbsolutePath().normalize()
        + " (tests run from the sse-api module's directory)");
    // Lines of fenced code blocks are examples, never headings or tables.
    List<String> prose = new ArrayList<>();
    boolean inCode = false;
    for (String line : Files.readAllLines(DOC, StandardCharsets.UTF_8)) {
      if (line.stripLeading().startsWith("```")) {
        inCode = !inCode;
      } else if (!inCode) {
        prose.add(line);
      }
    }
    return prose;
  }

  private static boolean isHeading(String line) {
    return line.startsWith("#");
  }

  private static boolean isTableRow(String line) {
    return line.startsWith("|");
  }
}
