package io.ssekit.spring.boot;

import io.ssekit.auth.JwtAuthenticator;
import io.ssekit.spi.Authenticator;
import java.nio.charset.StandardCharsets;
import org.springframework.boot.autoconfigure.condition.AnyNestedCondition;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;

/**
 * JWT authentication ({@code sse-auth}) when a key is set: {@code ssekit.auth.jwt.secret},
 * {@code public-key} or {@code jwks-file} (the ticket endpoint is {@link SseTicketConfiguration}).
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnClass(JwtAuthenticator.class)
@Conditional(SseJwtConfiguration.KeyConfigured.class)
class SseJwtConfiguration {
  @Bean
  @ConditionalOnMissingBean(Authenticator.class)
  JwtAuthenticator sseJwtAuthenticator(SseProperties properties) {
    SseProperties.Jwt jwt = properties.getAuth().getJwt();
    JwtAuthenticator.Builder builder = JwtAuthenticator.builder();
    if (jwt.getSecret() != null) {
      Named.check("ssekit.auth.jwt.secret",
          () -> builder.hs256Secret(jwt.getSecret().getBytes(StandardCharsets.UTF_8)));
    }
    if (jwt.getPublicKey() != null) {
      Named.check("ssekit.auth.jwt.public-key", () -> builder.publicKeyPem(jwt.getPublicKey()));
    }
    if (jwt.getJwksFile() != null) {
      Named.check("ssekit.auth.jwt.jwks-file", () -> builder.jwksFile(jwt.getJwksFile()));
    }
    if (jwt.getIssuer() != null) {
      builder.issuer(jwt.getIssuer());
    }
    if (jwt.getAudience() != null) {
      builder.audience(jwt.getAudience());
    }
    Named.check("ssekit.auth.jwt.cookie-name", () -> builder.cookieName(jwt.getCookieName()));
    Named.check("ssekit.auth.jwt.clock-skew", () -> builder.clockSkew(jwt.getClockSkew()));
    Named.check("ssekit.auth.jwt.ticket-lifetime",
        () -> builder.ticketLifetime(jwt.getTicketLifetime()));
    if (jwt.getTicketSecret() != null) {
      Named.check("ssekit.auth.jwt.ticket-secret",
          () -> builder.ticketSecret(jwt.getTicketSecret().getBytes(StandardCharsets.UTF_8)));
    }
    return builder.build();
  }

  /** A JWT key of any kind is configured. */
  static final class KeyConfigured extends AnyNestedCondition {
    KeyConfigured() {
      super(ConfigurationPhase.REGISTER_BEAN);
    }

    @ConditionalOnProperty("ssekit.auth.jwt.secret")
    static final class Secret {}

    @ConditionalOnProperty("ssekit.auth.jwt.public-key")
    static final class PublicKey {}

    @ConditionalOnProperty("ssekit.auth.jwt.jwks-file")
    static final class JwksFile {}
  }
}
