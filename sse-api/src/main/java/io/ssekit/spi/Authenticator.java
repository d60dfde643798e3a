package io.ssekit.spi;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Decides who a request acts for, before a stream opens or an event is published.
 *
 * <h2>Contract</h2>
 * <ol>
 *   <li>{@link #authenticate} never blocks its caller (a container thread); a decision that needs
 *       I/O completes the stage later, on any thread.</li>
 *   <li>Missing, malformed, forged or expired credentials give {@link AuthResult.Denied} with
 *       status {@code 401}; valid credentials that may not be used here give {@code 403}.
 *       Permission per topic is the principal's: the caller checks
 *       {@link SsePrincipal#maySubscribe} and {@link SsePrincipal#mayPublish} for each topic.</li>
 *   <li>Credentials never appear in a result's message, in an exception message or in a log
 *       line.</li>
 *   <li>A failed stage is treated as a server error ({@code 500}) and logged without the
 *       request's credentials.</li>
 *   <li>Implementations are thread-safe.</li>
 * </ol>
 */
@FunctionalInterface
public interface Authenticator {

  /** Grants every request {@link SsePrincipal#ANONYMOUS}: no authentication. */
  static Authenticator allowAll() {
    CompletableFuture<AuthResult> granted =
        CompletableFuture.completedFuture(AuthResult.granted(SsePrincipal.ANONYMOUS));
    return request -> granted;
  }

  /** Decides for {@code request}. */
  CompletionStage<AuthResult> authenticate(AuthRequest request);
}
