/**
 * JWT authentication and stream tickets, on nimbus-jose-jwt, in plain Java for any HTTP layer:
 * provider {@code jwt}.
 */
module io.ssekit.auth {
  requires transitive io.ssekit.api;
  requires com.nimbusds.jose.jwt;

  exports io.ssekit.auth;

  provides io.ssekit.spi.AuthenticatorProvider with io.ssekit.auth.JwtAuthenticatorProvider;
}
