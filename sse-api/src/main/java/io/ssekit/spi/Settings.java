package io.ssekit.spi;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * String settings (servlet init-params, environment, a properties file) read with typed getters
 * whose error messages name the setting. A provider gets the settings under its own prefix, and
 * whatever it did not read is reported as unknown, so a misspelt setting fails at start-up
 * instead of being ignored.
 *
 * <p>Formats: durations as {@code 500ms}, {@code 15s}, {@code 2m}, {@code 1h}, {@code 1d} or ISO
 * 8601 ({@code PT15S}); sizes as a number of bytes or with {@code KB}, {@code MB}, {@code GB}
 * (powers of 1024); lists comma-separated.
 */
public final class Settings {
  private final String prefix;
  private final Map<String, String> values;
  private final Set<String> used;

  private Settings(String prefix, Map<String, String> values, Set<String> used) {
    this.prefix = prefix;
    this.values = values;
    this.used = used;
  }

  /** Settings holding {@code values}, keyed by their full names. */
  public static Settings of(Map<String, String> values) {
    return new Settings("", Collections.unmodifiableMap(new TreeMap<>(values)),
        ConcurrentHashMap.newKeySet());
  }

  /** No settings. */
  public static Settings empty() {
    return of(Map.of());
  }

  /**
   * The settings whose names start with {@code scope + "."}, named without that prefix. Reads
   * through the view count as reads of the whole.
   */
  public Settings scope(String scope) {
    return new Settings(prefix + scope + ".", values, used);
  }

  /** The full name of {@code key} in this scope, as messages name it. */
  public String fullName(String key) {
    return prefix + key;
  }

  /** The value of {@code key}, trimmed; empty when absent or blank. */
  public Optional<String> string(String key) {
    String full = fullName(key);
    used.add(full);
    String value = values.get(full);
    return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
  }

  /**
   * The value of {@code key}.
   *
   * @throws IllegalArgumentException when it is absent
   */
  public String requireString(String key) {
    return string(key).orElseThrow(
        () -> new IllegalArgumentException(fullName(key) + " is required but was not set"));
  }

  /** A positive {@code int}, or {@code defaultValue} when absent. */
  public int positiveInt(String key, int defaultValue) {
    long value = positiveLong(key, defaultValue);
    if (value > Integer.MAX_VALUE) {
      throw invalid(key, "a positive whole number up to " + Integer.MAX_VALUE, value);
    }
    return (int) value;
  }

  /** A positive {@code long}, or {@code defaultValue} when absent. */
  public long positiveLong(String key, long defaultValue) {
    Optional<String> text = string(key);
    if (text.isEmpty()) {
      return defaultValue;
    }
    try {
      long value = Long.parseLong(text.get());
      if (value <= 0) {
        throw invalid(key, "a positive whole number", text.get());
      }
      return value;
    } catch (NumberFormatException e) {
      throw invalid(key, "a positive whole number", text.get());
    }
  }

  /** A {@code true}/{@code false} value, or {@code defaultValue} when absent. */
  public boolean bool(String key, boolean defaultValue) {
    Optional<String> text = string(key);
    if (text.isEmpty()) {
      return defaultValue;
    }
    return switch (text.get().toLowerCase(Locale.ROOT)) {
      case "true" -> true;
      case "false" -> false;
      default -> throw invalid(key, "true or false", text.get());
    };
  }

  /** A duration, or {@code defaultValue} when absent; see the class comment for the format. */
  public Duration duration(String key, Duration defaultValue) {
    Optional<String> text = string(key);
    return text.isEmpty() ? defaultValue : parseDuration(key, text.get());
  }

  /** A duration, or empty when absent. */
  public Optional<Duration> duration(String key) {
    return string(key).map(text -> parseDuration(key, text));
  }

  /** A size in bytes, or {@code defaultValue} when absent; see the class comment. */
  public long size(String key, long defaultValue) {
    Optional<String> text = string(key);
    if (text.isEmpty()) {
      return defaultValue;
    }
    String upper = text.get().toUpperCase(Locale.ROOT).replace(" ", "");
    long unit = 1;
    String digits = upper;
    for (String[] suffix : new String[][] {{"KB", "1024"}, {"MB", "1048576"}, {"GB", "1073741824"},
        {"B", "1"}}) {
      if (upper.endsWith(suffix[0])) {
        unit = Long.parseLong(suffix[1]);
        digits = upper.substring(0, upper.length() - suffix[0].length());
        break;
      }
    }
    try {
      long value = Math.multiplyExact(Long.parseLong(digits), unit);
      if (value <= 0) {
        throw invalid(key, "a positive size like 65536, 64KB or 1MB", text.get());
      }
      return value;
    } catch (NumberFormatException | ArithmeticException e) {
      throw invalid(key, "a positive size like 65536, 64KB or 1MB", text.get());
    }
  }

  /** A comma-separated list, without blanks; empty when absent. */
  public List<String> list(String key) {
    Optional<String> text = string(key);
    List<String> out = new ArrayList<>();
    text.ifPresent(t -> {
      for (String part : t.split(",")) {
        if (!part.isBlank()) {
          out.add(part.trim());
        }
      }
    });
    return List.copyOf(out);
  }

  /** The names in this scope that nothing has read yet. */
  public Set<String> unread() {
    Set<String> out = new TreeSet<>();
    for (String key : values.keySet()) {
      if (key.startsWith(prefix) && !used.contains(key)) {
        out.add(key);
      }
    }
    return out;
  }

  /**
   * Fails when a setting in this scope was never read: it is unknown (misspelt, or meant for a
   * module that is not there).
   *
   * @throws IllegalArgumentException naming the unknown settings
   */
  public void requireAllRead() {
    Set<String> unknown = unread();
    if (!unknown.isEmpty()) {
      throw new IllegalArgumentException("unknown setting" + (unknown.size() > 1 ? "s " : " ")
          + String.join(", ", unknown));
    }
  }

  private Duration parseDuration(String key, String text) {
    String t = text.trim().toLowerCase(Locale.ROOT);
    try {
      Duration value;
      if (t.startsWith("p")) {
        value = Duration.parse(text.trim());
      } else if (t.endsWith("ms")) {
        value = Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2).trim()));
      } else if (t.endsWith("s")) {
        value = Duration.ofSeconds(Long.parseLong(t.substring(0, t.length() - 1).trim()));
      } else if (t.endsWith("m")) {
        value = Duration.ofMinutes(Long.parseLong(t.substring(0, t.length() - 1).trim()));
      } else if (t.endsWith("h")) {
        value = Duration.ofHours(Long.parseLong(t.substring(0, t.length() - 1).trim()));
      } else if (t.endsWith("d")) {
        value = Duration.ofDays(Long.parseLong(t.substring(0, t.length() - 1).trim()));
      } else {
        throw invalid(key, "a duration like 500ms, 15s, 2m or PT15S", text);
      }
      if (value.isNegative()) {
        throw invalid(key, "a duration that is not negative", text);
      }
      return value;
    } catch (NumberFormatException | DateTimeParseException | ArithmeticException e) {
      throw invalid(key, "a duration like 500ms, 15s, 2m or PT15S", text);
    }
  }

  private IllegalArgumentException invalid(String key, String expected, Object actual) {
    return new IllegalArgumentException(
        fullName(key) + " must be " + expected + ", was '" + actual + "'");
  }

  @Override
  public String toString() {
    return "Settings" + (prefix.isEmpty() ? "" : "[" + prefix + "*]");
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Settings other && prefix.equals(other.prefix) && values.equals(other.values);
  }

  @Override
  public int hashCode() {
    return Objects.hash(prefix, values);
  }
}
