package io.ssekit.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ssekit.SseHub;
import io.ssekit.history.memory.MemoryEventHistory;
import jakarta.servlet.ServletConfig;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.Collections;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

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
      assertEquals(7, options.maxConnections());
      assertEquals(OverloadPolicy.SERVICE_UNAVAILABLE, options.overloadPolicy());
      assertEquals(List.of("https://a.example", "https://b.example"), options.corsOrigins());
      assertEquals(64 * 1024, options.maxQueuedBytes());
      assertEquals(Duration.ofSeconds(45), options.tokenExpiryWarning());
      assertTrue(options.history() instanceof MemoryEventHistory);
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
  void theBuilderRejectsAHubTogetherWithSettingsOfItsOwnHub() {
    try (SseHub hub = SseHub.builder().history(MemoryEventHistory.builder().build()).build()) {
      IllegalStateException e = assertThrows(IllegalStateException.class,
          () -> SseServlet.builder().hub(hub).maxEventSize(10).build());
      assertTrue(e.getMessage().contains("maxEventSize"), e.getMessage());
    }
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
