/**
 * ssekit's API and SPI: the hub applications publish and stream through ({@code io.ssekit}) and
 * the interfaces and values that histories, fanouts, authenticators and keep-alive policies
 * implement ({@code io.ssekit.spi}). {@code io.ssekit.internal} is not part of the API; only the
 * servlet module, which shares the hub's thread factory, may use it.
 *
 * <p>Providers are found with {@link java.util.ServiceLoader}: a module of its own declares
 * {@code provides io.ssekit.spi.EventHistoryProvider with ...} (or one of the other provider
 * types); a jar on the class path lists its provider in {@code META-INF/services}.
 */
module io.ssekit.api {
  exports io.ssekit;
  exports io.ssekit.spi;
  exports io.ssekit.internal to io.ssekit.servlet;

  uses io.ssekit.spi.EventHistoryProvider;
  uses io.ssekit.spi.FanoutProvider;
  uses io.ssekit.spi.AuthenticatorProvider;
  uses io.ssekit.spi.KeepAlivePolicyProvider;
  uses io.ssekit.spi.SseListenerProvider;

  provides io.ssekit.spi.FanoutProvider
      with io.ssekit.internal.BuiltInProviders.LocalFanoutProvider;
  provides io.ssekit.spi.AuthenticatorProvider
      with io.ssekit.internal.BuiltInProviders.AllowAllProvider;
  provides io.ssekit.spi.KeepAlivePolicyProvider
      with io.ssekit.internal.BuiltInProviders.FixedKeepAliveProvider;
  provides io.ssekit.spi.SseListenerProvider
      with io.ssekit.internal.BuiltInProviders.NoListenerProvider;
}
