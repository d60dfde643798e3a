package io.ssekit.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ssekit.SseHub;
import io.ssekit.history.memory.MemoryEventHistory;
import io.ssekit.spi.Fanout;
import io.ssekit.spi.KeepAlivePolicy;
import jakarta.servlet.ServletConfig;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.Collections;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * Init-params configure the servlet, and a wrong one fails {@code init}, named (README,
 * "Configuration reference").
 */
class SseServletConfigTest {
  private final Map<String, Object> attributes = new HashMap<>();

  @Test
  void initParamsConfigureTheServletAndItsHub() throws Exception {
    SseServlet servlet = new SseServlet();
    Map<String, String> params = new HashMap<>(Map.of("history", "memory",
        "history.maxEventsPerTopic", "5", "fanout", "local", "keepAlive", "2s", "retry", "1500ms",
        "maxConnections", "7", "overloadPolicy", "503",
        "corsOrigins", "https://a.example, https://b.example", "maxQueuedBytes", "64KB",
        "shutdownGrace", "1s"));
    params.put("tokenExpiryWarning", "45s");
    servlet.init(config(params));
    try {
      ServletOptions options = servlet.options();
      assertEquals(Duration.ofSeconds(2), options.keepAlive().interval());
      assertEquals(Duration.ofMillis(1500), options.keepAlive().retry().orElseThrow());
      assertEquals(7, options.get(ServletSetting.MAX_CONNECTIONS));
      assertEquals(OverloadPolicy.SERVICE_UNAVAILABLE, options.get(ServletSetting.OVERLOAD_POLICY));
      assertEquals(List.of("https://a.example", "https://b.example"), options.get(ServletSetting.CORS_ORIGINS));
      assertEquals(64 * 1024, options.get(ServletSetting.MAX_QUEUED_BYTES));
      assertEquals(Duration.ofSeconds(45), options.get(ServletSetting.TOKEN_EXPIRY_WARNING));
      assertTrue(options.get(ServletSetting.HISTORY) instanceof MemoryEventHistory);
      assertSame(servlet.hub(), SseServlet.hub(context()));
    } finally {
      servlet.destroy();
    }
  }

  @Test
  void anUnknownInitParamFailsInitNamingIt() {
    ServletException e = assertThrows(ServletException.class,
        () -> new SseServlet().init(config(Map.of("keepalive", "5s"))));
    assertTrue(e.getMessage().contains("unknown setting keepalive"), e.getMessage());
  }

  @Test
  void anInvalidValueFailsInitNamingTheSetting() {
    for (Map.Entry<String, String> bad : Map.of("maxConnections", "-1", "keepAlive", "soon",
        "overloadPolicy", "drop", "corsOrigins", "https://a.example/path",
        "history.maxEventsPerTopic", "many", "tokenExpiryWarning", "-5s").entrySet()) {
      ServletException e = assertThrows(ServletException.class,
          () -> new SseServlet().init(config(Map.ofEntries(Map.entry("history", "memory"), bad))));
      assertTrue(e.getMessage().contains(bad.getKey()), bad + ": " + e.getMessage());
    }
  }

  @Test
  void theStreamCapsAreInitParamsAndAWrongOneFailsInitNamingIt() throws Exception {
    SseServlet servlet = new SseServlet();
    servlet.init(config(Map.of("history", "memory", "maxStreamsPerPrincipal", "3",
        "maxStreamsPerAddress", "20", "trustedProxies", "10.0.0.0/8, ::1, 192.168.1.7",
        "streamLimitPolicy", "refuse-new", "streamLimitRetry", "90s")));
    try {
      ServletOptions options = servlet.options();
      assertEquals(3, options.get(ServletSetting.MAX_STREAMS_PER_PRINCIPAL));
      assertEquals(20, options.get(ServletSetting.MAX_STREAMS_PER_ADDRESS));
      assertEquals(List.of("10.0.0.0/8", "::1", "192.168.1.7"),
          options.get(ServletSetting.TRUSTED_PROXIES));
      assertEquals(StreamLimitPolicy.REFUSE_NEW, options.get(ServletSetting.STREAM_LIMIT_POLICY));
      assertEquals(Duration.ofSeconds(90), options.get(ServletSetting.STREAM_LIMIT_RETRY));
    } finally {
      servlet.destroy();
    }
    Map<String, String> messages = Map.of(
        "maxStreamsPerPrincipal", "maxStreamsPerPrincipal must be a positive whole number, was '0'",
        "maxStreamsPerAddress", "maxStreamsPerAddress must be a positive whole number, was 'many'",
        "trustedProxies", "trustedProxies: 'proxy.example.com' is not an IP address or CIDR range"
            + " (like 10.0.0.1, 10.0.0.0/8, ::1 or fd00::/8) (init-param trustedProxies)",
        "streamLimitPolicy", "streamLimitPolicy must be supersede-oldest or refuse-new, was"
            + " 'drop-all'",
        "streamLimitRetry", "streamLimitRetry must be positive, was PT0S");
    Map<String, String> values = Map.of("maxStreamsPerPrincipal", "0",
        "maxStreamsPerAddress", "many", "trustedProxies", "10.0.0.1,proxy.example.com",
        "streamLimitPolicy", "drop-all", "streamLimitRetry", "0s");
    for (Map.Entry<String, String> bad : values.entrySet()) {
      ServletException e = assertThrows(ServletException.class, () -> new SseServlet()
          .init(config(Map.of("history", "memory", bad.getKey(), bad.getValue()))));
      assertTrue(e.getMessage().contains(messages.get(bad.getKey())), bad + ": " + e.getMessage());
    }
    for (String range : List.of("10.0.0.0/33", "::1/129", "1.2.3", "1.2.3.256", "fe80::1%eth0")) {
      assertThrows(IllegalArgumentException.class,
          () -> SseServlet.builder().trustedProxies(List.of(range)), range);
    }
    assertThrows(IllegalArgumentException.class, () -> SseServlet.builder().maxStreamsPerAddress(0));
  }

  @Test
  void anUnknownProviderNameListsTheOnesFound() {
    ServletException e = assertThrows(ServletException.class,
        () -> new SseServlet().init(config(Map.of("fanout", "kafka"))));
    assertTrue(e.getMessage().contains("'kafka'") && e.getMessage().contains("local"),
        e.getMessage());
  }

  @Test
  void aServletBuiltInCodeRefusesInitParams() {
    try (SseHub hub = SseHub.builder().history(MemoryEventHistory.builder().build()).build()) {
      ServletException e = assertThrows(ServletException.class,
          () -> SseServlet.builder().hub(hub).build().init(config(Map.of("keepAlive", "5s"))));
      assertTrue(e.getMessage().contains("keepAlive"), e.getMessage());
    }
  }

  @Test
  void aValueOutOfRangeFailsInitNamingTheInitParam() {
    ServletException e = assertThrows(ServletException.class,
        () -> new SseServlet().init(config(Map.of("history", "memory", "keepAlive", "0s"))));
    assertEquals("SseServlet 'events' cannot start: keepAlive must be positive, was PT0S"
        + " (init-param keepAlive)", e.getMessage());
    ServletException policy = assertThrows(ServletException.class,
        () -> new SseServlet().init(config(Map.of("history", "memory", "overloadPolicy", "drop"))));
    assertEquals("SseServlet 'events' cannot start: overloadPolicy must be sse-busy or 503,"
        + " was 'drop'", policy.getMessage());
  }

  @Test
  void anotherKeepAlivePolicyExcludesTheSettingsOfTheFixedOne() {
    ServletException e = assertThrows(ServletException.class,
        () -> new SseServlet().init(config(Map.of("history", "memory",
            "keepAlivePolicy", "adaptive", "retry", "2s"))));
    assertEquals("SseServlet 'events' cannot start: retry applies to the fixed keep-alive policy"
        + " only; with keepAlivePolicy=adaptive use keepAlivePolicy.* settings", e.getMessage());
  }

  @Test
  void initParamsNamingTheDefaultProvidersMeanTheDefaults() throws Exception {
    SseServlet servlet = new SseServlet();
    servlet.init(config(Map.of("history", "memory", "fanout", "local", "authenticator", "none",
        "keepAlivePolicy", "fixed", "keepAlive", "3s")));
    try {
      assertEquals(Duration.ofSeconds(3), servlet.options().keepAlive().interval());
      assertSame(ServletSetting.AUTHENTICATOR.defaultValue().orElseThrow(),
          servlet.options().get(ServletSetting.AUTHENTICATOR));
    } finally {
      servlet.destroy();
    }
  }

  @Test
  void theBuilderChecksEachValueAsItIsSet() {
    SseServlet.Builder builder = SseServlet.builder();
    Map<Executable, String> refused = new LinkedHashMap<>();
    refused.put(() -> builder.maxConnections(0), "maxConnections must be positive, was 0");
    refused.put(() -> builder.maxQueuedBytes(-1), "maxQueuedBytes must be positive, was -1");
    refused.put(() -> builder.keepAlive(Duration.ZERO), "keepAlive must be positive, was PT0S");
    refused.put(() -> builder.retry(Duration.ofSeconds(-1)),
        "retry must not be negative, was PT-1S");
    refused.put(() -> builder.shutdownGrace(Duration.ofSeconds(-1)),
        "shutdownGrace must not be negative, was PT-1S");
    refused.put(() -> builder.hubAttribute(" "), "hubAttribute must not be blank");
    refused.put(() -> builder.corsOrigins(List.of("https://a.example/")), "corsOrigins entries"
        + " must be origins like https://app.example.com (scheme, host, optional port, no path)"
        + " or *, was 'https://a.example/'");
    for (Map.Entry<Executable, String> each : refused.entrySet()) {
      assertEquals(each.getValue(),
          assertThrows(IllegalArgumentException.class, each.getKey()).getMessage());
    }
    assertEquals("tokenExpiryWarning must not be null", assertThrows(NullPointerException.class,
        () -> builder.tokenExpiryWarning(null)).getMessage());
  }

  @Test
  void theBuilderRejectsAHubTogetherWithSettingsOfItsOwnHub() {
    try (SseHub hub = SseHub.builder().history(MemoryEventHistory.builder().build()).build()) {
      IllegalStateException one = assertThrows(IllegalStateException.class,
          () -> SseServlet.builder().hub(hub).maxEventSize(10).build());
      assertEquals("hub(...) excludes maxEventSize: configure that on the hub itself",
          one.getMessage());
      IllegalStateException two = assertThrows(IllegalStateException.class,
          () -> SseServlet.builder().fanout(Fanout.local()).maxPendingEvents(5).hub(hub).build());
      assertEquals("hub(...) excludes fanout, maxPendingEvents: configure those on the hub itself",
          two.getMessage());
    }
  }

  @Test
  void theBuilderRejectsAKeepAlivePolicyTogetherWithSettingsOfTheFixedOne() {
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> SseServlet.builder().retry(Duration.ofSeconds(2))
            .keepAlivePolicy(KeepAlivePolicy.defaults()).build());
    assertEquals("keepAlivePolicy(...) excludes retry, which configures the fixed policy only",
        e.getMessage());
  }

  @Test
  void theBuilderMakesTheFixedKeepAlivePolicyOfItsParts() {
    ServletOptions options = ServletOptions.of(null, Map.of(ServletSetting.KEEP_ALIVE,
        Duration.ofSeconds(4), ServletSetting.MAX_LIFETIME, Duration.ofMinutes(30)));
    assertEquals(new KeepAlivePolicy.Fixed(Duration.ofSeconds(4), Optional.empty(),
        Optional.of(Duration.ofMinutes(30))),
        options.keepAlive());
    assertEquals(100_000, options.get(ServletSetting.MAX_CONNECTIONS));
  }

  private ServletConfig config(Map<String, String> params) {
    return new ServletConfig() {
      @Override
      public String getServletName() {
        return "events";
      }

      @Override
      public ServletContext getServletContext() {
        return context();
      }

      @Override
      public String getInitParameter(String name) {
        return params.get(name);
      }

      @Override
      public Enumeration<String> getInitParameterNames() {
        return Collections.enumeration(params.keySet());
      }
    };
  }

  /** A servlet context that only holds attributes, which is all the servlet uses at init. */
  private ServletContext context() {
    return (ServletContext) Proxy.newProxyInstance(getClass().getClassLoader(),
        new Class<?>[] {ServletContext.class}, (proxy, method, args) -> switch (method.getName()) {
          case "getAttribute" -> attributes.get((String) args[0]);
          case "setAttribute" -> attributes.put((String) args[0], args[1]);
          case "removeAttribute" -> attributes.remove((String) args[0]);
          case "log" -> null;
          default -> throw new UnsupportedOperationException(method.getName());
        });
  }
}
