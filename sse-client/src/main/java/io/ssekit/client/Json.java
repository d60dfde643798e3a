package io.ssekit.client;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the small, flat JSON objects of ssekit's own events: members whose values are strings,
 * numbers, booleans, null or arrays of strings. Anything else is refused.
 */
final class Json {
  private final String text;
  private int pos;

  private Json(String text) {
    this.text = text;
  }

  /** The members of the object {@code text}; {@link IllegalArgumentException} if it is not one. */
  static Obj object(String text) {
    Json json = new Json(text);
    Map<String, Object> members = json.readObject();
    json.skipSpace();
    if (json.pos != text.length()) {
      throw json.error("end of text");
    }
    return new Obj(members);
  }

  /** A read object. */
  static final class Obj {
    private final Map<String, Object> members;

    private Obj(Map<String, Object> members) {
      this.members = members;
    }

    /** The string member {@code name}, or null when absent or not a string. */
    String string(String name) {
      return members.get(name) instanceof String value ? value : null;
    }

    /** The whole-number member {@code name}, or null when absent or not a whole number. */
    Long number(String name) {
      if (members.get(name) instanceof Double value && value == Math.rint(value)
          && Math.abs(value) < 9.0e15) {
        return value.longValue();
      }
      return null;
    }

    /** The string-array member {@code name}, or null when absent or not one. */
    @SuppressWarnings("unchecked")
    List<String> strings(String name) {
      return members.get(name) instanceof List<?> value ? (List<String>) value : null;
    }
  }

  private Map<String, Object> readObject() {
    expect('{');
    Map<String, Object> members = new HashMap<>();
    if (peek() == '}') {
      pos++;
      return members;
    }
    while (true) {
      String name = readString();
      expect(':');
      members.put(name, readValue());
      char next = next();
      if (next == '}') {
        return members;
      }
      if (next != ',') {
        throw error("',' or '}'");
      }
    }
  }

  private Object readValue() {
    char c = peek();
    if (c == '"') {
      return readString();
    }
    if (c == '[') {
      pos++;
      List<String> values = new ArrayList<>();
      if (peek() == ']') {
        pos++;
        return List.copyOf(values);
      }
      while (true) {
        values.add(readString());
        char next = next();
        if (next == ']') {
          return List.copyOf(values);
        }
        if (next != ',') {
          throw error("',' or ']'");
        }
      }
    }
    if (text.startsWith("true", pos) || text.startsWith("null", pos)) {
      pos += 4;
      return text.charAt(pos - 4) == 't' ? Boolean.TRUE : null;
    }
    if (text.startsWith("false", pos)) {
      pos += 5;
      return Boolean.FALSE;
    }
    int start = pos;
    while (pos < text.length() && "+-0123456789.eE".indexOf(text.charAt(pos)) >= 0) {
      pos++;
    }
    try {
      return Double.parseDouble(text.substring(start, pos));
    } catch (NumberFormatException e) {
      pos = start;
      throw error("a value");
    }
  }

  private String readString() {
    expect('"');
    StringBuilder out = new StringBuilder();
    while (pos < text.length()) {
      char c = text.charAt(pos++);
      if (c == '"') {
        return out.toString();
      }
      if (c != '\\') {
        out.append(c);
        continue;
      }
      if (pos >= text.length()) {
        break;
      }
      char escaped = text.charAt(pos++);
      switch (escaped) {
        case 'b' -> out.append('\b');
        case 'f' -> out.append('\f');
        case 'n' -> out.append('\n');
        case 'r' -> out.append('\r');
        case 't' -> out.append('\t');
        case 'u' -> {
          if (pos + 4 > text.length()) {
            throw error("four hex digits");
          }
          try {
            out.append((char) Integer.parseInt(text.substring(pos, pos + 4), 16));
          } catch (NumberFormatException e) {
            throw error("four hex digits");
          }
          pos += 4;
        }
        default -> out.append(escaped);
      }
    }
    throw error("'\"'");
  }

  private void expect(char c) {
    if (next() != c) {
      pos--;
      throw error("'" + c + "'");
    }
  }

  private char next() {
    char c = peek();
    pos++;
    return c;
  }

  private char peek() {
    skipSpace();
    if (pos >= text.length()) {
      throw error("more text");
    }
    return text.charAt(pos);
  }

  private void skipSpace() {
    while (pos < text.length() && " \t\r\n".indexOf(text.charAt(pos)) >= 0) {
      pos++;
    }
  }

  private IllegalArgumentException error(String expected) {
    return new IllegalArgumentException("expected " + expected + " at " + pos + " of JSON");
  }
}
