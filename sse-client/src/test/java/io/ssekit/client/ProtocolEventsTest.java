package io.ssekit.client;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The client names ssekit's events itself, without sse-api: the names must stay the server's. */
class ProtocolEventsTest {
  @Test
  void theClientsNamesAreTheServers() throws Exception {
    assertEquals(constants(io.ssekit.ProtocolEvents.class), constants(ProtocolEvents.class));
  }

  private static Map<String, Object> constants(Class<?> type) throws IllegalAccessException {
    Map<String, Object> values = new TreeMap<>();
    for (Field field : type.getDeclaredFields()) {
      int modifiers = field.getModifiers();
      if (Modifier.isPublic(modifiers) && Modifier.isStatic(modifiers)) {
        values.put(field.getName(), field.get(null));
      }
    }
    return values;
  }
}
