package io.ssekit.spring.boot;

import io.ssekit.auth.JwtAuthenticator;
import io.ssekit.servlet.TicketServlet;
import io.ssekit.spi.SseListener;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * {@code POST ssekit.auth.ticket-path}: a valid token buys a short-lived stream ticket, where the
 * authenticator is a {@link JwtAuthenticator} (configured by {@link SseJwtConfiguration} or the
 * application's own). {@link SseAutoConfiguration} imports it after {@link SseJwtConfiguration},
 * so that the authenticator is known.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass(JwtAuthenticator.class)
@ConditionalOnBean(JwtAuthenticator.class)
class SseTicketConfiguration {
  @Bean
  @ConditionalOnMissingBean(name = "sseTicketServlet")
  ServletRegistrationBean<TicketServlet> sseTicketServlet(JwtAuthenticator authenticator,
      ObjectProvider<SseListener> listener, SseProperties properties) {
    ServletRegistrationBean<TicketServlet> registration = new ServletRegistrationBean<>(
        new TicketServlet(authenticator, listener.getIfAvailable(() -> SseListener.NONE)),
        properties.getAuth().getTicketPath());
    registration.setName("ssekitTickets");
    return registration;
  }
}
