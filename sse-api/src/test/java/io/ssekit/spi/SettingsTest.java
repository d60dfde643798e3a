package io.ssekit.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SettingsTest {
  private final Settings settings = Settings.of(Map.of(
      "history.maxAge", "soon", "history.ok", "15s", "history.iso", "PT1M", "history.ms", "500ms",
      "size", "64KB", "list", "a, b,,c", "bool", "TRUE", "count", "-3", "history.unused", "x"));

  @Test
  void durationsInUnitsOrIso() {
    Settings history = settings.scope("history");
    assertEquals(Duration.ofSeconds(15), history.duration("ok", Duration.ZERO));
    assertEquals(Duration.ofMinutes(1), history.duration("iso", Duration.ZERO));
    assertEquals(Duration.ofMillis(500), history.duration("ms", Duration.ZERO));
    assertEquals(Duration.ofHours(2), history.duration("absent", Duration.ofHours(2)));
    assertEquals("history.maxAge must be a duration like 500ms, 15s, 2m or PT15S, was 'soon'",
        assertThrows(IllegalArgumentException.class, () -> history.duration("maxAge"))
            .getMessage());
  }

  @Test
  void sizesListsBooleansAndNumbers() {
    assertEquals(65536, settings.size("size", 1));
    assertEquals(List.of("a", "b", "c"), settings.list("list"));
    assertTrue(settings.bool("bool", false));
    assertEquals("count must be a positive whole number, was '-3'",
        assertThrows(IllegalArgumentException.class, () -> settings.positiveInt("count", 1))
            .getMessage());
    assertEquals("missing is required but was not set",
        assertThrows(IllegalArgumentException.class, () -> settings.requireString("missing"))
            .getMessage());
  }

  @Test
  void settingsNobodyReadAreUnknown() {
    Settings history = settings.scope("history");
    history.duration("ok", Duration.ZERO);
    history.duration("iso", Duration.ZERO);
    history.duration("ms", Duration.ZERO);
    assertEquals(Set.of("history.maxAge", "history.unused"), history.unread());
    assertEquals("unknown settings history.maxAge, history.unused",
        assertThrows(IllegalArgumentException.class, history::requireAllRead).getMessage());
  }

  @Test
  void providersAreFoundByNameAndUnknownNamesListWhatExists() {
    assertEquals(List.of("local"), Providers.names(FanoutProvider.class));
    assertEquals("no Fanout provider named 'kafka' on the class path; found [local] (add the"
        + " module's jar, or fix the name)", assertThrows(IllegalArgumentException.class,
            () -> Providers.find(FanoutProvider.class, "kafka")).getMessage());
    KeepAlivePolicy policy = Providers.create(KeepAlivePolicyProvider.class, "fixed",
        Settings.of(Map.of("k.interval", "2s", "k.retry", "1s")).scope("k"));
    assertEquals(Duration.ofSeconds(2), policy.interval());
    assertEquals(Duration.ofSeconds(1), policy.retry().orElseThrow());
    assertEquals("unknown setting k.intervall", assertThrows(IllegalArgumentException.class,
        () -> Providers.create(KeepAlivePolicyProvider.class, "fixed",
            Settings.of(Map.of("k.intervall", "2s")).scope("k"))).getMessage());
  }

  @Test
  void keepAlivePolicyValidatesAndBacksOffUnderLoad() {
    assertEquals("keepAlive must be positive, was PT0S", assertThrows(
        IllegalArgumentException.class, () -> KeepAlivePolicy.every(Duration.ZERO)).getMessage());
    KeepAlivePolicy policy = KeepAlivePolicy.every(Duration.ofSeconds(15))
        .withRetry(Duration.ofSeconds(2));
    Duration previous = Duration.ZERO;
    for (double load = -0.5; load <= 1.5; load += 0.1) {
      Duration retry = policy.retryBeforeClose(load);
      assertTrue(retry.compareTo(previous) >= 0, "never shrinks as load grows");
      previous = retry;
    }
    assertEquals(Duration.ofSeconds(2), policy.retryBeforeClose(0));
    assertEquals(Duration.ofSeconds(10), policy.retryBeforeClose(1));
  }
}
