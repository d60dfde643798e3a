package io.ssekit.auth;

import io.ssekit.spi.Authenticator;
import io.ssekit.spi.AuthenticatorProvider;
import io.ssekit.spi.Settings;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Provider {@code jwt}: one of {@code secret} (HS256, at least 32 bytes), {@code publicKeyFile}
 * (PEM, RS256/ES256) or {@code jwksFile}; optional {@code cookieName} ({@code sse_token}),
 * {@code issuer}, {@code audience}, {@code clockSkew} (30s), {@code maxTokenLength} (8192),
 * {@code ticketLifetime} (30s) and {@code ticketSecret} (see
 * {@link JwtAuthenticator.Builder#ticketSecret}).
 */
public final class JwtAuthenticatorProvider implements AuthenticatorProvider {
  /** The provider {@link java.util.ServiceLoader} instantiates. */
  public JwtAuthenticatorProvider() {}

  @Override
  public String name() {
    return "jwt";
  }

  @Override
  public Authenticator create(Settings settings) {
    JwtAuthenticator.Builder builder = JwtAuthenticator.builder()
        .clockSkew(settings.duration("clockSkew", Duration.ofSeconds(30)))
        .maxTokenLength(settings.positiveInt("maxTokenLength", 8192))
        .ticketLifetime(settings.duration("ticketLifetime", Duration.ofSeconds(30)));
    try {
      settings.string("secret")
          .ifPresent(secret -> builder.hs256Secret(secret.getBytes(StandardCharsets.UTF_8)));
    } catch (IllegalArgumentException e) {
      // The message names the length, never the secret.
      throw new IllegalArgumentException(settings.fullName("secret") + ": " + e.getMessage(), e);
    }
    try {
      settings.string("ticketSecret")
          .ifPresent(secret -> builder.ticketSecret(secret.getBytes(StandardCharsets.UTF_8)));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(settings.fullName("ticketSecret") + ": "
          + e.getMessage(), e);
    }
    settings.string("publicKeyFile").ifPresent(file -> builder.publicKeyPem(Path.of(file)));
    settings.string("jwksFile").ifPresent(file -> builder.jwksFile(Path.of(file)));
    settings.string("cookieName").ifPresent(builder::cookieName);
    settings.string("issuer").ifPresent(builder::issuer);
    settings.string("audience").ifPresent(builder::audience);
    try {
      return builder.build();
    } catch (IllegalStateException e) {
      throw new IllegalArgumentException(settings.fullName("secret") + ", "
          + settings.fullName("publicKeyFile") + " or " + settings.fullName("jwksFile")
          + ": " + e.getMessage(), e);
    }
  }
}
