package io.ssekit.bench;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Decodes one HTTP/1.1 event-stream response as it arrives, in whatever pieces: the status line
 * and headers, a chunked or plain body, and the event stream inside it by the WHATWG rules (lines
 * end with CRLF, LF or CR; a blank line dispatches the event; comments and other fields are
 * skipped). It allocates only while reading the headers: an event costs no allocation.
 *
 * <p>Of each event it reports whether it had data, and the first whole number in its data (the
 * benchmark's publishers send {@code {"t":<nanoTime>}}), or -1. A decoder made {@linkplain
 * #withFields with fields} also reads each block's {@code id}, {@code event} and {@code retry}
 * fields (allocating for them) and reports every block, with or without data, to {@link
 * Listener#onBlock}, as a client that resumes needs.
 */
final class StreamDecoder {
  /** What the decoder found. Called on the decoding thread. */
  interface Listener {
    /** The response headers arrived with {@code status}. */
    void onHeaders(int status);

    /** An event was dispatched; {@code number} is the first number in its data, or -1. */
    void onEvent(long number);

    /** With fields: the response's status line and headers, before {@link #onHeaders}. */
    default void onHeaderText(String text) {}

    /**
     * With fields, instead of {@link #onEvent}: a block ended by a blank line.
     *
     * @param id the block's {@code id} field, or {@code null} when it had none
     * @param event its {@code event} field, or {@code null}
     * @param retry its {@code retry} field, or -1
     * @param hasData whether it had data (and so is dispatched as an event)
     * @param number the first number in its data, or -1
     */
    default void onBlock(String id, String event, long retry, boolean hasData, long number) {}
  }

  private static final int HEADERS = 0;
  private static final int CHUNK_SIZE = 1;
  private static final int CHUNK_EXTENSION = 2;
  private static final int CHUNK_DATA = 3;
  private static final int CHUNK_END = 4;
  private static final int PLAIN_BODY = 5;
  private static final int DONE = 6;

  // Line states of the event stream.
  private static final int LINE_START = 0;
  private static final int FIELD_NAME = 1;
  private static final int DATA_VALUE = 2;
  private static final int SKIP_LINE = 3;
  private static final int FIELD_VALUE = 4;

  private static final byte[] DATA = "data".getBytes(StandardCharsets.US_ASCII);

  private final Listener listener;
  private int phase = HEADERS;
  private StringBuilder headers = new StringBuilder(256);
  private long chunkLeft;
  private boolean chunkSizeSeen;

  private int line = LINE_START;
  private int fieldLength;
  private boolean fieldMayBeData;
  private boolean afterCr;
  private boolean hasData;
  private long number = -1;
  private boolean inNumber;
  private boolean numberDone;

  /** With fields: the field name and value of the line being read, and the block's fields. */
  private final boolean fields;
  private StringBuilder fieldName;
  private StringBuilder fieldValue;
  private String blockId;
  private String blockEvent;
  private long blockRetry = -1;

  StreamDecoder(Listener listener) {
    this(listener, false);
  }

  private StreamDecoder(Listener listener, boolean fields) {
    this.listener = listener;
    this.fields = fields;
    if (fields) {
      fieldName = new StringBuilder(8);
      fieldValue = new StringBuilder(64);
    }
  }

  /** A decoder that reads the {@code id}, {@code event} and {@code retry} fields too. */
  static StreamDecoder withFields(Listener listener) {
    return new StreamDecoder(listener, true);
  }

  /** Whether the response ended (a final chunk) or could not be read. */
  boolean done() {
    return phase == DONE;
  }

  /** Consumes everything remaining in {@code in}. */
  void feed(ByteBuffer in) {
    while (in.hasRemaining() && phase != DONE) {
      switch (phase) {
        case HEADERS -> header(in.get());
        case CHUNK_SIZE -> chunkSize(in.get());
        case CHUNK_EXTENSION -> {
          if (in.get() == '\n') {
            phase = chunkLeft == 0 ? DONE : CHUNK_DATA;
          }
        }
        case CHUNK_DATA -> {
          int n = (int) Math.min(chunkLeft, in.remaining());
          for (int i = 0; i < n; i++) {
            body(in.get());
          }
          chunkLeft -= n;
          if (chunkLeft == 0) {
            phase = CHUNK_END;
          }
        }
        case CHUNK_END -> {
          if (in.get() == '\n') {
            phase = CHUNK_SIZE;
            chunkSizeSeen = false;
          }
        }
        case PLAIN_BODY -> body(in.get());
        default -> throw new IllegalStateException("phase " + phase);
      }
    }
  }

  private void header(byte b) {
    headers.append((char) (b & 0xff));
    int n = headers.length();
    if (n >= 4 && headers.charAt(n - 1) == '\n' && headers.charAt(n - 2) == '\r'
        && headers.charAt(n - 3) == '\n' && headers.charAt(n - 4) == '\r') {
      String text = headers.toString();
      headers = null;
      int status = text.startsWith("HTTP/1.1 ") && text.length() >= 12
          ? Integer.parseInt(text.substring(9, 12)) : -1;
      boolean chunked = text.toLowerCase(Locale.ROOT).contains("transfer-encoding: chunked");
      phase = status == 200 ? (chunked ? CHUNK_SIZE : PLAIN_BODY) : DONE;
      if (fields) {
        listener.onHeaderText(text);
      }
      listener.onHeaders(status);
    } else if (n > 16 * 1024) {
      phase = DONE;
      listener.onHeaders(-1);
    }
  }

  private void chunkSize(byte b) {
    int digit = Character.digit(b, 16);
    if (digit >= 0) {
      chunkLeft = chunkLeft * 16 + digit;
      chunkSizeSeen = true;
    } else if (b == '\n') {
      phase = chunkLeft == 0 && chunkSizeSeen ? DONE : CHUNK_DATA;
    } else if (b != '\r') {
      phase = CHUNK_EXTENSION;
    }
  }

  /** One byte of the event stream. */
  private void body(byte b) {
    if (b == '\n' && afterCr) {
      afterCr = false; // the LF of a CRLF: the line ended at the CR
      return;
    }
    afterCr = b == '\r';
    if (b == '\r' || b == '\n') {
      endOfLine();
      return;
    }
    switch (line) {
      case LINE_START -> {
        if (b == ':') {
          line = SKIP_LINE; // a comment
        } else {
          line = FIELD_NAME;
          fieldLength = 0;
          fieldMayBeData = true;
          fieldByte(b);
        }
      }
      case FIELD_NAME -> fieldByte(b);
      case DATA_VALUE -> dataByte(b);
      case FIELD_VALUE -> fieldValue.append((char) (b & 0xff));
      default -> {
        // SKIP_LINE: another field or a comment
      }
    }
  }

  private void fieldByte(byte b) {
    if (b == ':') {
      line = fieldMayBeData && fieldLength == DATA.length ? DATA_VALUE : SKIP_LINE;
      if (line == DATA_VALUE) {
        hasData = true;
      } else if (fields && isKeptField()) {
        line = FIELD_VALUE;
        fieldValue.setLength(0);
      }
      return;
    }
    if (fields) {
      fieldName.append((char) (b & 0xff));
    }
    fieldMayBeData = fieldMayBeData && fieldLength < DATA.length && DATA[fieldLength] == b;
    fieldLength++;
  }

  private void dataByte(byte b) {
    if (numberDone) {
      return;
    }
    if (b >= '0' && b <= '9') {
      number = (inNumber ? number * 10 : 0) + (b - '0');
      inNumber = true;
    } else if (inNumber) {
      numberDone = true;
    }
  }

  private boolean isKeptField() {
    String name = fieldName.toString();
    return name.equals("id") || name.equals("event") || name.equals("retry");
  }

  /** The end of a kept field's line: its value, without the one space after the colon. */
  private void keepField() {
    String value = fieldValue.length() > 0 && fieldValue.charAt(0) == ' '
        ? fieldValue.substring(1) : fieldValue.toString();
    switch (fieldName.toString()) {
      case "id" -> blockId = value;
      case "event" -> blockEvent = value;
      default -> {
        if (!value.isEmpty() && value.chars().allMatch(c -> c >= '0' && c <= '9')) {
          blockRetry = Long.parseLong(value);
        }
      }
    }
  }

  private void endOfLine() {
    if (fields && line != LINE_START) {
      if (line == FIELD_VALUE) {
        keepField();
      }
      fieldName.setLength(0);
    }
    if (line == LINE_START) {
      // A blank line: dispatch.
      if (fields) {
        listener.onBlock(blockId, blockEvent, blockRetry, hasData, inNumber ? number : -1);
        blockId = null;
        blockEvent = null;
        blockRetry = -1;
      } else if (hasData) {
        listener.onEvent(inNumber ? number : -1);
      }
      hasData = false;
      number = -1;
      inNumber = false;
      numberDone = false;
      return;
    }
    if (line == FIELD_NAME && fieldMayBeData && fieldLength == DATA.length) {
      hasData = true; // "data" alone on its line: an empty data line
    }
    if (line == DATA_VALUE && inNumber) {
      numberDone = true;
    }
    line = LINE_START;
  }
}
