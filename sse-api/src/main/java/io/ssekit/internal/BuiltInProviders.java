package io.ssekit.internal;

import io.ssekit.spi.Authenticator;
import io.ssekit.spi.AuthenticatorProvider;
import io.ssekit.spi.Fanout;
import io.ssekit.spi.FanoutProvider;
import io.ssekit.spi.KeepAlivePolicy;
import io.ssekit.spi.KeepAlivePolicyProvider;
import io.ssekit.spi.Settings;
import io.ssekit.spi.SseListener;
import io.ssekit.spi.SseListenerProvider;

/** The providers {@code sse-api} registers for its own defaults. */
public final class BuiltInProviders {
  private BuiltInProviders() {}

  /** {@code local}: {@link Fanout#local()}; no settings. */
  public static final class LocalFanoutProvider implements FanoutProvider {
    @Override
    public String name() {
      return "local";
    }

    @Override
    public Fanout create(Settings settings) {
      return Fanout.local();
    }
  }

  /** {@code none}: {@link Authenticator#allowAll()}; no settings. */
  public static final class AllowAllProvider implements AuthenticatorProvider {
    @Override
    public String name() {
      return "none";
    }

    @Override
    public Authenticator create(Settings settings) {
      return Authenticator.allowAll();
    }
  }

  /** {@code fixed}: settings {@code interval}, {@code retry}, {@code maxLifetime}. */
  public static final class FixedKeepAliveProvider implements KeepAlivePolicyProvider {
    @Override
    public String name() {
      return "fixed";
    }

    @Override
    public KeepAlivePolicy create(Settings settings) {
      return new KeepAlivePolicy.Fixed(
          settings.duration("interval", KeepAlivePolicy.DEFAULT_INTERVAL),
          settings.duration("retry"),
          settings.duration("maxLifetime"));
    }
  }

  /** {@code none}: {@link SseListener#NONE}; no settings. */
  public static final class NoListenerProvider implements SseListenerProvider {
    @Override
    public String name() {
      return "none";
    }

    @Override
    public SseListener create(Settings settings) {
      return SseListener.NONE;
    }
  }
}
