package io.ssekit;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The event-stream interpretation of the WHATWG HTML standard (9.2.6), for checking what a
 * browser makes of our bytes: lines split on CRLF, CR or LF; one leading space of a value
 * stripped; data lines joined with LF; an id with NUL ignored; a blank line dispatches, and an
 * empty data buffer dispatches nothing but still sets the last event id.
 */
final class WhatwgParser {
  /** A dispatched event as {@code MessageEvent} would carry it. */
  record Event(String type, String data, String lastEventId) {}

  final List<Event> events = new ArrayList<>();
  String lastEventId = "";
  Long retry;

  static WhatwgParser parse(byte[] bytes) {
    WhatwgParser parser = new WhatwgParser();
    String text = new String(bytes, StandardCharsets.UTF_8);
    if (text.startsWith("\uFEFF")) {
      text = text.substring(1);
    }
    StringBuilder data = new StringBuilder();
    String type = "";
    String idBuffer = parser.lastEventId;
    int i = 0;
    while (i < text.length()) {
      int end = i;
      while (end < text.length() && text.charAt(end) != '\n' && text.charAt(end) != '\r') {
        end++;
      }
      if (end == text.length()) {
        break; // an unterminated last line is not processed
      }
      String line = text.substring(i, end);
      i = end + 1;
      if (text.charAt(end) == '\r' && i < text.length() && text.charAt(i) == '\n') {
        i++;
      }
      if (line.isEmpty()) {
        parser.lastEventId = idBuffer;
        if (data.length() > 0) {
          String value = data.substring(0, data.length() - 1);
          parser.events.add(new Event(type.isEmpty() ? "message" : type, value, idBuffer));
        }
        data.setLength(0);
        type = "";
        continue;
      }
      if (line.startsWith(":")) {
        continue;
      }
      int colon = line.indexOf(':');
      String field = colon < 0 ? line : line.substring(0, colon);
      String value = colon < 0 ? "" : line.substring(colon + 1);
      if (value.startsWith(" ")) {
        value = value.substring(1);
      }
      switch (field) {
        case "event" -> type = value;
        case "data" -> data.append(value).append('\n');
        case "id" -> {
          if (value.indexOf('\0') < 0) {
            idBuffer = value;
          }
        }
        case "retry" -> {
          if (!value.isEmpty() && value.chars().allMatch(Character::isDigit)) {
            parser.retry = Long.parseLong(value);
          }
        }
        default -> { }
      }
    }
    return parser;
  }
}
