package io.ssekit.client;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Interprets an event stream by the WHATWG rules ("Server-sent events", event stream
 * interpretation), byte by byte, in whatever pieces the bytes arrive.
 *
 * <ul>
 *   <li>One UTF-8 byte order mark at the start of a stream is skipped.</li>
 *   <li>Lines end with CRLF, LF or CR, also when a CRLF is split between pieces.</li>
 *   <li>A blank line dispatches the event: its id becomes the last event id even without data,
 *       but only an event with data is handed out; its type defaults to {@code message}; the
 *       data loses its final line feed.</li>
 *   <li>An {@code id} that contains NUL is ignored; {@code retry} counts only when it is all
 *       ASCII digits; unknown fields are ignored; an event cut off by the end of the stream is
 *       never dispatched.</li>
 *   <li>A line that starts with a colon is a comment, handed out without the colon and one
 *       optional space.</li>
 * </ul>
 *
 * <p>Field values are gathered as bytes and decoded once, at the end of the line or the event,
 * so a character split between pieces decodes whole. Steady state allocates only what an event
 * hands out: its data, and its id when it changed; a type seen on the event before reuses its
 * string. Not thread-safe: one thread at a time.
 */
final class EventParser {
  /** What the parser found. */
  interface Handler {
    /** An event with data was dispatched. */
    void event(String type, String data, String lastEventId);

    /** A comment line. */
    void comment(String text);

    /** A valid {@code retry} field, in milliseconds. */
    void retry(long millis);
  }

  /** An event or line longer than the limit. */
  static final class TooLargeException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    TooLargeException(String message) {
      super(message);
    }
  }

  private static final byte CR = '\r';
  private static final byte LF = '\n';
  private static final byte[] BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};

  // Where the parser is in the stream.
  private static final int BOM_CHECK = 0;
  private static final int LINE_START = 1;
  private static final int NAME = 2;
  private static final int VALUE_START = 3;
  private static final int VALUE = 4;

  // The field a line's value goes to.
  private static final int IGNORED = 0;
  private static final int DATA = 1;
  private static final int EVENT = 2;
  private static final int ID = 3;
  private static final int RETRY = 4;
  private static final int COMMENT = 5;

  private final Handler handler;
  private final int maxEventSize;

  private int state = BOM_CHECK;
  private int bomMatched;
  private boolean afterCr;

  private final byte[] name = new byte[8];
  private int nameLength;
  private int field;

  private byte[] data = new byte[256];
  private int dataLength;
  private byte[] type = new byte[32];
  private int typeLength;
  private byte[] value = new byte[64];
  private int valueLength;
  private byte[] id = new byte[64];
  private int idLength;
  private boolean idChanged;
  private String lastEventId;
  private byte[] cachedType = new byte[0];
  private String cachedTypeString = MessageEvent.DEFAULT_TYPE;

  EventParser(Handler handler, int maxEventSize, String lastEventId) {
    this.handler = handler;
    this.maxEventSize = maxEventSize;
    this.lastEventId = lastEventId;
    restart();
  }

  /** The last event id: set by each dispatch, kept across streams. */
  String lastEventId() {
    return lastEventId;
  }

  /**
   * Starts a new stream: expects a byte order mark again, drops a partial event and takes the
   * last event id as the stream's id buffer, as a reconnection does.
   */
  void restart() {
    state = BOM_CHECK;
    bomMatched = 0;
    afterCr = false;
    dataLength = 0;
    typeLength = 0;
    byte[] bytes = lastEventId.getBytes(StandardCharsets.UTF_8);
    id = bytes.length <= id.length ? id : new byte[bytes.length];
    System.arraycopy(bytes, 0, id, 0, bytes.length);
    idLength = bytes.length;
    idChanged = false;
  }

  /**
   * Reads {@code in} from its position until it has dispatched one event with data or read
   * everything; the buffer's position is left after what was read.
   *
   * @return whether an event was handed out
   * @throws TooLargeException when an event or a line passes the size limit
   */
  boolean parse(ByteBuffer in) {
    int pos = in.position();
    int limit = in.limit();
    try {
      while (pos < limit) {
        byte b = in.get(pos);
        if (afterCr) {
          afterCr = false;
          if (b == LF) {
            pos++;
            continue;
          }
        }
        switch (state) {
          case BOM_CHECK -> {
            if (b == BOM[bomMatched]) {
              pos++;
              if (++bomMatched == BOM.length) {
                state = LINE_START;
              }
              continue;
            }
            // Not a mark: the bytes taken for one are the stream's first bytes.
            state = LINE_START;
            for (int i = 0; i < bomMatched; i++) {
              lineByte(BOM[i]);
            }
          }
          case LINE_START -> {
            pos++;
            if (b == LF || b == CR) {
              afterCr = b == CR;
              if (dispatch()) {
                return true;
              }
            } else {
              startLine(b);
            }
          }
          case NAME -> {
            pos++;
            lineByte(b);
          }
          case VALUE_START -> {
            state = VALUE;
            if (b == ' ') {
              pos++;
            }
          }
          default -> {
            if (b == LF || b == CR) {
              pos++;
              afterCr = b == CR;
              endValue();
              continue;
            }
            int end = pos + 1;
            while (end < limit) {
              byte c = in.get(end);
              if (c == LF || c == CR) {
                break;
              }
              end++;
            }
            append(in, pos, end - pos);
            pos = end;
          }
        }
      }
      return false;
    } finally {
      in.position(pos);
    }
  }

  /** One byte in the NAME state, or a byte replayed from a partial byte order mark. */
  private void lineByte(byte b) {
    if (state == LINE_START) {
      startLine(b);
      return;
    }
    if (b == ':') {
      startValue();
      state = VALUE_START;
    } else if (b == LF || b == CR) {
      afterCr = b == CR;
      startValue();
      endValue();
    } else if (nameLength < name.length) {
      name[nameLength++] = b;
    } else {
      nameLength = name.length + 1; // longer than any known field: ignored
    }
  }

  /** The first byte of a line that is not blank: a comment's colon or a field name's start. */
  private void startLine(byte b) {
    if (b == ':') {
      field = COMMENT;
      valueLength = 0;
      state = VALUE_START;
    } else {
      nameLength = 0;
      name[nameLength++] = b;
      state = NAME;
    }
  }

  private void startValue() {
    field = fieldNamed();
    valueLength = 0;
    if (field == EVENT) {
      typeLength = 0;
    }
  }

  private int fieldNamed() {
    return switch (nameLength) {
      case 2 -> name[0] == 'i' && name[1] == 'd' ? ID : IGNORED;
      case 4 -> name[0] == 'd' && name[1] == 'a' && name[2] == 't' && name[3] == 'a'
          ? DATA : IGNORED;
      case 5 -> {
        if (name[0] == 'e' && name[1] == 'v' && name[2] == 'e' && name[3] == 'n'
            && name[4] == 't') {
          yield EVENT;
        }
        yield name[0] == 'r' && name[1] == 'e' && name[2] == 't' && name[3] == 'r'
            && name[4] == 'y' ? RETRY : IGNORED;
      }
      default -> IGNORED;
    };
  }

  private void append(ByteBuffer in, int from, int length) {
    switch (field) {
      case DATA -> {
        data = room(data, dataLength, length);
        in.get(from, data, dataLength, length);
        dataLength += length;
      }
      case EVENT -> {
        type = room(type, typeLength, length);
        in.get(from, type, typeLength, length);
        typeLength += length;
      }
      case ID, RETRY, COMMENT -> {
        value = room(value, valueLength, length);
        in.get(from, value, valueLength, length);
        valueLength += length;
      }
      default -> {
        // an unknown field: its value is skipped, not kept
      }
    }
  }

  private byte[] room(byte[] buffer, int used, int more) {
    long needed = (long) used + more + 1;
    if (needed > maxEventSize) {
      throw new TooLargeException("an event or line of the stream is over " + maxEventSize
          + " bytes (maxEventSize)");
    }
    if (needed <= buffer.length) {
      return buffer;
    }
    return Arrays.copyOf(buffer, (int) Math.min(maxEventSize, Math.max(needed, 2L * buffer.length)));
  }

  private void endValue() {
    state = LINE_START;
    switch (field) {
      case DATA -> {
        data = room(data, dataLength, 0);
        data[dataLength++] = LF;
      }
      case ID -> {
        for (int i = 0; i < valueLength; i++) {
          if (value[i] == 0) {
            return;
          }
        }
        if (!Arrays.equals(id, 0, idLength, value, 0, valueLength)) {
          id = valueLength <= id.length ? id : new byte[value.length];
          System.arraycopy(value, 0, id, 0, valueLength);
          idLength = valueLength;
          idChanged = true;
        }
      }
      case RETRY -> {
        if (valueLength == 0) {
          return;
        }
        long millis = 0;
        for (int i = 0; i < valueLength; i++) {
          byte digit = value[i];
          if (digit < '0' || digit > '9') {
            return;
          }
          millis = millis > (Long.MAX_VALUE - 9) / 10 ? Long.MAX_VALUE : millis * 10 + digit - '0';
        }
        handler.retry(millis);
      }
      case COMMENT -> handler.comment(valueLength == 0 ? ""
          : new String(value, 0, valueLength, StandardCharsets.UTF_8));
      default -> {
        // event: gathered in place; unknown fields: ignored
      }
    }
  }

  private boolean dispatch() {
    if (idChanged) {
      lastEventId = new String(id, 0, idLength, StandardCharsets.UTF_8);
      idChanged = false;
    }
    if (dataLength == 0) {
      typeLength = 0;
      return false;
    }
    String text = dataLength == 1 ? "" : new String(data, 0, dataLength - 1, StandardCharsets.UTF_8);
    String name = typeName();
    dataLength = 0;
    typeLength = 0;
    handler.event(name, text, lastEventId);
    return true;
  }

  private String typeName() {
    if (typeLength == 0) {
      return MessageEvent.DEFAULT_TYPE;
    }
    if (!Arrays.equals(type, 0, typeLength, cachedType, 0, cachedType.length)) {
      cachedType = Arrays.copyOf(type, typeLength);
      cachedTypeString = new String(type, 0, typeLength, StandardCharsets.UTF_8);
    }
    return cachedTypeString;
  }
}
