package io.ssekit.sample;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.ssekit.auth.TopicPatterns;
import java.time.Instant;
import java.util.Arrays;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code java -jar sample-app.jar token [--sub NAME] [--subscribe PATTERNS] [--publish PATTERNS]
 * [--ttl SECONDS]}: prints an HS256 token signed with {@code SSE_AUTH_JWT_SECRET}, for trying the
 * app with auth on. Patterns are comma-separated ({@code *}, {@code news/*}, {@code alerts});
 * defaults: subject {@code demo}, subscribe and publish {@code *}, one hour.
 */
final class TokenCommand {
  static final String USAGE = "usage: java -jar sample-app.jar token [--sub NAME]"
      + " [--subscribe PATTERNS] [--publish PATTERNS] [--ttl SECONDS]"
      + " (with SSE_AUTH_JWT_SECRET set)";

  private TokenCommand() {}

  /** The token for {@code args} (after the word {@code token}), signed with the env's secret. */
  static String mint(List<String> args, Map<String, String> env) {
    Map<String, String> options = new HashMap<>(Map.of("--sub", "demo", "--subscribe", "*",
        "--publish", "*", "--ttl", "3600"));
    for (int i = 0; i < args.size(); i += 2) {
      if (!options.containsKey(args.get(i)) || i + 1 >= args.size()) {
        throw new IllegalArgumentException("unknown or incomplete option '" + args.get(i)
            + "'; " + USAGE);
      }
      options.put(args.get(i), args.get(i + 1));
    }
    long ttl;
    try {
      ttl = Long.parseLong(options.get("--ttl"));
    } catch (NumberFormatException e) {
      ttl = -1;
    }
    if (ttl < 1) {
      throw new IllegalArgumentException("--ttl must be a positive number of seconds, was '"
          + options.get("--ttl") + "'");
    }
    String secret = AppConfig.fromEnvironment(env).jwtSecret().orElseThrow(
        () -> new IllegalArgumentException("SSE_AUTH_JWT_SECRET must be set; " + USAGE));
    Instant now = Instant.now();
    JWTClaimsSet claims = new JWTClaimsSet.Builder()
        .subject(options.get("--sub"))
        .issueTime(Date.from(now))
        .expirationTime(Date.from(now.plusSeconds(ttl)))
        .claim("sse", Map.of("subscribe", patterns(options.get("--subscribe")),
            "publish", patterns(options.get("--publish"))))
        .build();
    SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256)
        .type(JOSEObjectType.JWT).build(), claims);
    try {
      jwt.sign(new MACSigner(SampleApp.jwtSecretBytes(secret)));
    } catch (JOSEException e) {
      throw new IllegalStateException("signing failed: " + e.getMessage(), e);
    }
    return jwt.serialize();
  }

  private static List<String> patterns(String list) {
    List<String> patterns = Arrays.stream(list.split(",")).map(String::trim)
        .filter(pattern -> !pattern.isEmpty()).toList();
    return TopicPatterns.of(patterns).patterns();
  }
}
