package io.ssekit.spi;

/**
 * Creates one kind of SPI implementation from settings, found through
 * {@link java.util.ServiceLoader} and selected by {@link #name()}. Register an implementation in
 * {@code META-INF/services/} under its sub-interface ({@link EventHistoryProvider},
 * {@link FanoutProvider}, {@link AuthenticatorProvider}, {@link KeepAlivePolicyProvider}).
 *
 * @param <T> the SPI type
 */
public interface Provider<T> {
  /** The name configuration selects this provider by, for example {@code memory} or {@code redis}. */
  String name();

  /**
   * Creates an instance from {@code settings}, which hold only this provider's settings (for
   * example {@code maxEventsPerTopic} for the setting {@code history.maxEventsPerTopic}). Read
   * every setting you support through its typed getters: settings left unread are reported as
   * unknown.
   *
   * @throws IllegalArgumentException for an invalid setting, naming it
   */
  T create(Settings settings);
}
