package io.ssekit.auth;

import io.ssekit.spi.AuthRequest;
import java.util.Map;
import java.util.Optional;

/** A request as the authenticator sees it: headers, cookies, query parameters, its purpose. */
record Request(Map<String, String> headers, Map<String, String> cookies,
    Map<String, String> query, boolean opensStream) implements AuthRequest {
  /** A request that does not open a stream. */
  Request(Map<String, String> headers, Map<String, String> cookies, Map<String, String> query) {
    this(headers, cookies, query, false);
  }

  static Request bearer(String token) {
    return new Request(Map.of("Authorization", "Bearer " + token), Map.of(), Map.of());
  }

  static Request none() {
    return new Request(Map.of(), Map.of(), Map.of());
  }

  /** A stream request with {@code ?token=}. */
  static Request streamWithQueryToken(String token) {
    return new Request(Map.of(), Map.of(), Map.of("token", token), true);
  }

  @Override
  public Optional<String> header(String name) {
    return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
        .map(Map.Entry::getValue).findFirst();
  }

  @Override
  public Optional<String> cookie(String name) {
    return Optional.ofNullable(cookies.get(name));
  }

  @Override
  public Optional<String> queryParameter(String name) {
    return Optional.ofNullable(query.get(name));
  }

  @Override
  public String remoteAddress() {
    return "127.0.0.1";
  }
}
