package io.ssekit.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.MeterRegistry;
import io.ssekit.SseHub;
import io.ssekit.auth.JwtAuthenticator;
import io.ssekit.fanout.redis.RedisFanout;
import io.ssekit.history.memory.MemoryEventHistory;
import io.ssekit.history.redis.RedisEventHistory;
import io.ssekit.micrometer.SseMetrics;
import io.ssekit.servlet.OverloadPolicy;
import io.ssekit.servlet.SseServlet;
import io.ssekit.servlet.TicketServlet;
import io.ssekit.spi.Authenticator;
import io.ssekit.spi.EventHistory;
import io.ssekit.spi.Fanout;
import io.ssekit.spi.KeepAlivePolicy;
import io.ssekit.spi.SseListener;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.util.unit.DataSize;

class SseAutoConfigurationTest {
  static final String SECRET = "0123456789abcdef0123456789abcdef";

  private final WebApplicationContextRunner web = new WebApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(SseMetricsAutoConfiguration.class,
          SseAutoConfiguration.class, SseHealthAutoConfiguration.class));

  @Test
  void defaultsAreMemoryHistoryLocalFanoutEveryoneAndTheEndpointAtEvents() {
    web.run(context -> {
      assertThat(context).hasNotFailed().hasSingleBean(SseHub.class)
          .hasSingleBean(SseServlet.class).hasSingleBean(SseShutdown.class);
      assertThat(context.getBean(EventHistory.class)).isInstanceOf(MemoryEventHistory.class);
      assertThat(context.getBean(Fanout.class).getClass().getName()).contains("LocalFanout");
      assertThat(context.getBean(Authenticator.class)).isInstanceOf(Authenticator.allowAll().getClass());
      assertThat(context.getBean(KeepAlivePolicy.class))
          .isEqualTo(KeepAlivePolicy.every(Duration.ofSeconds(15)));
      ServletRegistrationBean<?> registration = streamRegistration(context.getBeansOfType(
          ServletRegistrationBean.class).values());
      assertThat(registration.getUrlMappings()).containsExactly("/events");
      assertThat(registration.isAsyncSupported()).isTrue();
      assertThat(registration.getServlet()).isSameAs(context.getBean(SseServlet.class));
      assertThat(context.getBeansOfType(ServletRegistrationBean.class)).hasSize(1);
    });
  }

  @Test
  void propertiesBind() {
    web.withPropertyValues("ssekit.path=/stream", "ssekit.keep-alive=5s", "ssekit.retry=2500ms",
        "ssekit.max-lifetime=1h", "ssekit.max-connections=7", "ssekit.max-event-size=2KB",
        "ssekit.max-queued-bytes=1MB", "ssekit.overload-policy=service-unavailable",
        "ssekit.cors.origins=https://a.example,https://b.example", "ssekit.shutdown-grace=1s",
        "ssekit.history.max-events-per-topic=3").run(context -> {
          assertThat(context).hasNotFailed();
          SseProperties properties = context.getBean(SseProperties.class);
          assertThat(properties.getMaxEventSize()).isEqualTo(DataSize.ofKilobytes(2));
          assertThat(properties.getMaxQueuedBytes()).isEqualTo(DataSize.ofMegabytes(1));
          assertThat(properties.getOverloadPolicy()).isEqualTo(OverloadPolicy.SERVICE_UNAVAILABLE);
          assertThat(properties.getCors().getOrigins())
              .containsExactly("https://a.example", "https://b.example");
          assertThat(properties.getShutdownGrace()).isEqualTo(Duration.ofSeconds(1));
          assertThat(properties.getMaxConnections()).isEqualTo(7);
          assertThat(context.getBean(KeepAlivePolicy.class)).isEqualTo(new KeepAlivePolicy.Fixed(
              Duration.ofSeconds(5), Optional.of(Duration.ofMillis(2500)),
              Optional.of(Duration.ofHours(1))));
          assertThat(streamRegistration(context.getBeansOfType(ServletRegistrationBean.class)
              .values()).getUrlMappings()).containsExactly("/stream");
          SseHub hub = context.getBean(SseHub.class);
          // ssekit.max-event-size reaches the hub: 2 KB pass, one byte more is refused
          assertThat(hub.publish("t", "x".repeat(2048)).toCompletableFuture()
              .get(5, TimeUnit.SECONDS)).isNotBlank();
          assertThatThrownBy(() -> hub.publish("t", "x".repeat(2049)))
              .hasMessageContaining("exceeds maxEventSize of 2048 bytes");
        });
  }

  @Test
  void anInvalidPropertyFailsNamingIt() {
    web.withPropertyValues("ssekit.keep-alive=0s").run(context -> assertThat(context)
        .hasFailed().getFailure().rootCause()
        .hasMessageContaining("ssekit.keep-alive must be positive, was PT0S"));
    web.withPropertyValues("ssekit.max-event-size=3GB").run(context -> assertThat(context)
        .hasFailed().getFailure().rootCause()
        .hasMessageContaining("ssekit.max-event-size must be between 1B and 2GB"));
    web.withPropertyValues("ssekit.overload-policy=sometimes").run(context -> assertThat(context)
        .hasFailed().getFailure().hasStackTraceContaining("ssekit.overload-policy"));
    web.withPropertyValues("ssekit.path=events").run(context -> assertThat(context)
        .hasFailed().getFailure().rootCause()
        .hasMessageContaining("ssekit.path must start with '/'"));
  }

  @Test
  void theApplicationsOwnBeansReplaceTheDefaults() {
    web.withUserConfiguration(OwnBeans.class).run(context -> {
      assertThat(context).hasNotFailed();
      assertThat(context.getBean(EventHistory.class)).isSameAs(OwnBeans.HISTORY);
      assertThat(context.getBean(Fanout.class)).isSameAs(OwnBeans.FANOUT);
      assertThat(context.getBean(Authenticator.class)).isSameAs(OwnBeans.AUTHENTICATOR);
      assertThat(context.getBean(KeepAlivePolicy.class)).isSameAs(OwnBeans.KEEP_ALIVE);
      assertThat(context.getBean(SseListener.class)).isSameAs(OwnBeans.LISTENER);
      assertThat(context).doesNotHaveBean(SseMetrics.class);
      // the hub appends to the application's history
      context.getBean(SseHub.class).publish("own", "x").toCompletableFuture()
          .get(5, TimeUnit.SECONDS);
      assertThat(OwnBeans.HISTORY.topicCount()).isEqualTo(1);
    });
  }

  @Test
  void aRedisUriWithoutTheRedisModulesKeepsMemoryAndLocal() {
    web.withPropertyValues("ssekit.redis.uri=redis://127.0.0.1:1")
        .withClassLoader(new FilteredClassLoader(RedisEventHistory.class, RedisFanout.class))
        .run(context -> {
          assertThat(context).hasNotFailed();
          assertThat(context.getBean(EventHistory.class)).isInstanceOf(MemoryEventHistory.class);
          assertThat(context.getBean(Fanout.class).getClass().getName()).contains("LocalFanout");
        });
  }

  @Test
  void aBadRedisUriFailsNamingTheProperty() {
    web.withPropertyValues("ssekit.redis.uri=http://nowhere").run(context -> assertThat(context)
        .hasFailed().getFailure().hasStackTraceContaining("ssekit.redis.uri: uri: "));
  }

  @Test
  void aJwtSecretTurnsOnJwtAndTheTicketEndpoint() {
    web.withPropertyValues("ssekit.auth.jwt.secret=" + SECRET).run(context -> {
      assertThat(context).hasNotFailed();
      assertThat(context.getBean(Authenticator.class)).isInstanceOf(JwtAuthenticator.class);
      ServletRegistrationBean<?> tickets = context.getBeansOfType(ServletRegistrationBean.class)
          .values().stream().filter(r -> r.getServlet() instanceof TicketServlet).findFirst()
          .orElseThrow();
      assertThat(tickets.getUrlMappings()).containsExactly("/auth/ticket");
    });
  }

  @Test
  void aJwtPublicKeyTurnsOnJwtToo() throws Exception {
    java.security.KeyPairGenerator generator = java.security.KeyPairGenerator.getInstance("EC");
    generator.initialize(new java.security.spec.ECGenParameterSpec("secp256r1"));
    String pem = "-----BEGIN PUBLIC KEY-----\n" + java.util.Base64.getMimeEncoder().encodeToString(
        generator.generateKeyPair().getPublic().getEncoded()) + "\n-----END PUBLIC KEY-----\n";
    web.withPropertyValues("ssekit.auth.jwt.public-key=" + pem).run(context -> {
      assertThat(context).hasNotFailed();
      assertThat(context.getBean(Authenticator.class)).isInstanceOf(JwtAuthenticator.class);
    });
    web.withPropertyValues("ssekit.auth.jwt.public-key=not a key").run(context ->
        assertThat(context).hasFailed().getFailure()
            .hasStackTraceContaining("ssekit.auth.jwt.public-key: "));
  }

  @Test
  void withoutTheAuthModuleAJwtSecretChangesNothing() {
    web.withPropertyValues("ssekit.auth.jwt.secret=" + SECRET)
        .withClassLoader(new FilteredClassLoader(JwtAuthenticator.class)).run(context -> {
          assertThat(context).hasNotFailed();
          assertThat(context.getBean(Authenticator.class)).isInstanceOf(Authenticator.allowAll().getClass());
          assertThat(context.getBeansOfType(ServletRegistrationBean.class)).hasSize(1);
        });
  }

  @Test
  void aShortJwtSecretFailsNamingTheProperty() {
    web.withPropertyValues("ssekit.auth.jwt.secret=short").run(context -> assertThat(context)
        .hasFailed().getFailure().hasStackTraceContaining(
            "ssekit.auth.jwt.secret: the HS256 secret must be at least 32 bytes, was 5"));
  }

  @Test
  void metricsAreBoundToBootsRegistryAndHearTheHub() {
    web.withConfiguration(AutoConfigurations.of(MetricsAutoConfiguration.class,
        SimpleMetricsExportAutoConfiguration.class)).run(context -> {
          assertThat(context).hasNotFailed().hasSingleBean(SseMetrics.class);
          context.getBean(SseHub.class).publish("m", "x").toCompletableFuture()
              .get(5, TimeUnit.SECONDS);
          MeterRegistry registry = context.getBean(MeterRegistry.class);
          assertThat(registry.get(SseMetrics.STREAMS_OPEN).gauge().value()).isZero();
          assertThat(registry.get(SseMetrics.EVENTS_PUBLISHED).counters().stream()
              .mapToDouble(c -> c.count()).sum()).isEqualTo(1.0);
        });
  }

  @Test
  void withoutSseMicrometerThereAreNoMeters() {
    web.withClassLoader(new FilteredClassLoader(SseMetrics.class)).run(context -> {
      assertThat(context).hasNotFailed().doesNotHaveBean(SseMetrics.class);
      assertThat(context).doesNotHaveBean(SseListener.class);
    });
  }

  @Test
  void theHealthContributorReportsStreams() {
    web.run(context -> {
      HealthIndicator health = context.getBean("ssekitHealthIndicator", HealthIndicator.class);
      assertThat(health.health().getStatus()).isEqualTo(Status.UP);
      assertThat(health.health().getDetails()).containsEntry("streams", 0)
          .containsEntry("connections", 0).doesNotContainKey("redis");
    });
    web.withPropertyValues("management.health.ssekit.enabled=false").run(context ->
        assertThat(context).doesNotHaveBean("ssekitHealthIndicator"));
    web.withClassLoader(new FilteredClassLoader(HealthIndicator.class)).run(context ->
        assertThat(context).hasNotFailed().doesNotHaveBean("ssekitHealthIndicator"));
  }

  @Test
  void outsideAServletWebApplicationThereIsAHubButNoEndpoint() {
    new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(SseAutoConfiguration.class))
        .run(context -> assertThat(context).hasNotFailed().hasSingleBean(SseHub.class)
            .doesNotHaveBean(SseServlet.class).doesNotHaveBean(SseShutdown.class));
  }

  @Test
  void itCanBeTurnedOff() {
    web.withPropertyValues("ssekit.enabled=false").run(context -> assertThat(context)
        .hasNotFailed().doesNotHaveBean(SseHub.class).doesNotHaveBean(SseServlet.class)
        .doesNotHaveBean(SseMetrics.class));
  }

  @Test
  void theShutdownStopsBeforeBootsGracefulShutdownAndTheWebServer() {
    int graceful = org.springframework.boot.web.server.context.WebServerGracefulShutdownLifecycle
        .SMART_LIFECYCLE_PHASE;
    assertThat(SseShutdown.PHASE).isGreaterThan(graceful);
  }

  static ServletRegistrationBean<?> streamRegistration(
      java.util.Collection<ServletRegistrationBean> registrations) {
    return registrations.stream().filter(r -> r.getServlet() instanceof SseServlet).findFirst()
        .orElseThrow();
  }

  @Configuration(proxyBeanMethods = false)
  static class OwnBeans {
    static final MemoryEventHistory HISTORY = MemoryEventHistory.create();
    static final Fanout FANOUT = Fanout.local();
    static final Authenticator AUTHENTICATOR = request -> Authenticator.allowAll()
        .authenticate(request);
    static final KeepAlivePolicy KEEP_ALIVE = KeepAlivePolicy.every(Duration.ofSeconds(3));
    static final SseListener LISTENER = new SseListener() {};

    @Bean
    EventHistory history() {
      return HISTORY;
    }

    @Bean
    Fanout fanout() {
      return FANOUT;
    }

    @Bean
    Authenticator authenticator() {
      return AUTHENTICATOR;
    }

    @Bean
    KeepAlivePolicy keepAlive() {
      return KEEP_ALIVE;
    }

    @Bean
    SseListener listener() {
      return LISTENER;
    }
  }
}
