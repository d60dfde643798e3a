package io.ssekit.spi;

import java.util.Locale;

/** Small text helpers shared by the validators; not part of the API. */
final class Texts {
  private static final int MESSAGE_LIMIT = 64;

  private Texts() {}

  /** Makes an untrusted value safe and short for an exception message. */
  static String escapeForMessage(String value) {
    StringBuilder out = new StringBuilder(Math.min(value.length(), MESSAGE_LIMIT) + 8);
    for (int i = 0; i < value.length(); i++) {
      if (out.length() >= MESSAGE_LIMIT) {
        return out.append("...").toString();
      }
      char c = value.charAt(i);
      switch (c) {
        case '\r' -> out.append("\\r");
        case '\n' -> out.append("\\n");
        case '\0' -> out.append("\\0");
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        default -> {
          if (c < 0x20 || c == 0x7f) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.toString();
  }

  /** An enum constant's name as a metric tag value: {@code UNKNOWN_EPOCH} is {@code unknown-epoch}. */
  static String tag(String constant) {
    return constant.toLowerCase(Locale.ROOT).replace('_', '-');
  }
}
