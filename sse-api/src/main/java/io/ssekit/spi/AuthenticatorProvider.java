package io.ssekit.spi;

/** Finds and creates {@link Authenticator} implementations by name; see {@link Provider}. */
public interface AuthenticatorProvider extends Provider<Authenticator> {}
