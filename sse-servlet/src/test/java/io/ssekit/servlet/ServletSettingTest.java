package io.ssekit.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.ssekit.spi.Settings;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The settings are defined once, and the README's configuration reference is that definition. */
class ServletSettingTest {
  private static final Path README = Path.of("..", "README.md");
  private static final String SECTION = "### Configuration reference";
  private static final Pattern ROW = Pattern.compile("^\\| `([^`]+)` \\|.*\\|$");

  @Test
  void theReadmeConfigurationReferenceIsTheDefinedSettings() throws IOException {
    Map<String, String> found = readmeRows();
    Map<String, String> expected = new LinkedHashMap<>();
    for (ServletSetting<?> setting : ServletSetting.all()) {
      expected.put(setting.name(), row(setting));
    }
    List<String> problems = new ArrayList<>();
    for (Map.Entry<String, String> row : expected.entrySet()) {
      String actual = found.get(row.getKey());
      if (actual == null) {
        problems.add("row " + row.getKey() + " is missing; expected:\n  " + row.getValue());
      } else if (!actual.equals(row.getValue())) {
        problems.add("row " + row.getKey() + " differs:\n  expected: " + row.getValue()
            + "\n  found:    " + actual);
      }
    }
    for (String name : found.keySet()) {
      if (!expected.containsKey(name)) {
        problems.add("row " + name + " is not a setting of ServletSetting");
      }
    }
    if (problems.isEmpty() && !List.copyOf(found.keySet()).equals(List.copyOf(expected.keySet()))) {
      problems.add("rows are out of order: expected " + expected.keySet() + ", found "
          + found.keySet());
    }
    if (!problems.isEmpty()) {
      fail(README.normalize() + ", " + SECTION + ": " + String.join("\n", problems)
          + "\nThe whole table, as ServletSetting defines it:\n" + String.join("\n",
              expected.values()));
    }
  }

  @Test
  void allListsEveryConstant() throws IllegalAccessException {
    List<Object> constants = new ArrayList<>();
    for (Field field : ServletSetting.class.getFields()) {
      if (Modifier.isStatic(field.getModifiers()) && field.getType() == ServletSetting.class) {
        constants.add(field.get(null));
      }
    }
    assertEquals(constants.size(), ServletSetting.all().size(), "constants " + constants);
    assertTrue(ServletSetting.all().containsAll(constants), "constants " + constants);
  }

  @Test
  void everyWrittenDefaultReadsBackAsTheDefaultValue() {
    for (ServletSetting<?> setting : ServletSetting.all()) {
      String text = setting.defaultText();
      if (setting.isProvider() || !text.startsWith("`")) {
        continue;
      }
      String written = text.substring(1, text.length() - 1);
      Optional<?> read = setting.read(Settings.of(Map.of(setting.name(), written)));
      assertEquals(setting.defaultValue(), read, setting + " default " + text);
    }
  }

  @Test
  void settingsWithoutADefaultSayUnsetAndProvidersNameTheirDefault() {
    assertEquals("unset", ServletSetting.RETRY.defaultText());
    assertEquals("none", ServletSetting.CORS_ORIGINS.defaultText());
    assertEquals("`15s`", ServletSetting.KEEP_ALIVE.defaultText());
    assertEquals("`256KB`", ServletSetting.MAX_QUEUED_BYTES.defaultText());
    assertEquals("`local`", ServletSetting.FANOUT.defaultText());
    assertEquals("the only one on the class path", ServletSetting.HISTORY.defaultText());
    assertTrue(ServletSetting.FANOUT.defaultValue().isEmpty(), "the hub picks the fanout");
  }

  private static String row(ServletSetting<?> setting) {
    return "| `" + setting.name() + "` | " + setting.defaultText() + " | "
        + setting.description() + " |";
  }

  /** The rows of the first table after {@link #SECTION}, by the setting in their first cell. */
  private static Map<String, String> readmeRows() throws IOException {
    List<String> lines = Files.readAllLines(README, StandardCharsets.UTF_8);
    int at = lines.indexOf(SECTION);
    assertTrue(at >= 0, README.normalize() + " has no line '" + SECTION + "'");
    Map<String, String> rows = new LinkedHashMap<>();
    boolean inTable = false;
    for (String line : lines.subList(at + 1, lines.size())) {
      if (line.startsWith("|")) {
        inTable = true;
        Matcher m = ROW.matcher(line);
        if (m.matches() && rows.put(m.group(1), line) != null) {
          fail(README.normalize() + ", " + SECTION + ": row " + m.group(1) + " appears twice");
        }
      } else if (inTable || line.startsWith("#")) {
        break;
      }
    }
    assertTrue(!rows.isEmpty(), README.normalize() + " has no table under '" + SECTION + "'");
    return rows;
  }
}
