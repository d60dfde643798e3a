package io.ssekit.spring.boot;

import io.ssekit.SseHub;
import io.ssekit.servlet.SseServlet;
import io.ssekit.spi.Authenticator;
import io.ssekit.spi.KeepAlivePolicy;
import io.ssekit.spi.SseListener;
import jakarta.servlet.Servlet;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * In a servlet web application: {@link SseServlet} on the hub, mapped at {@code ssekit.path}
 * with async support, and the {@link SseShutdown} that ends its streams with {@code
 * server-shutdown} before the web server stops.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass({Servlet.class, SseServlet.class})
class SseServletConfiguration {
  /** The stream endpoint; the hub is the context's, which the servlet does not close. */
  @Bean(destroyMethod = "")
  @ConditionalOnMissingBean
  SseServlet sseServlet(SseHub hub, Authenticator authenticator, KeepAlivePolicy keepAlive,
      ObjectProvider<SseListener> listener, SseProperties properties) {
    return SseServlet.builder()
        .hub(hub)
        .authenticator(authenticator)
        .keepAlivePolicy(keepAlive)
        .listener(listener.getIfAvailable(() -> SseListener.NONE))
        .maxConnections(properties.getMaxConnections())
        .overloadPolicy(properties.getOverloadPolicy())
        .maxQueuedBytes((int) properties.getMaxQueuedBytes().toBytes())
        .corsOrigins(properties.getCors().getOrigins())
        .corsMaxAge(properties.getCors().getMaxAge())
        .tokenExpiryWarning(properties.getTokenExpiryWarning())
        .shutdownGrace(properties.getShutdownGrace())
        .build();
  }

  @Bean
  @ConditionalOnMissingBean(name = "sseServletRegistration")
  ServletRegistrationBean<SseServlet> sseServletRegistration(SseServlet servlet,
      SseProperties properties) {
    ServletRegistrationBean<SseServlet> registration =
        new ServletRegistrationBean<>(servlet, properties.getPath());
    registration.setName("ssekit");
    registration.setAsyncSupported(true);
    registration.setLoadOnStartup(1);
    return registration;
  }

  @Bean
  SseShutdown sseShutdown(SseServlet servlet) {
    return new SseShutdown(servlet);
  }
}
