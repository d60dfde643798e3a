package io.ssekit.auth;

import static io.ssekit.auth.JwtAuthenticatorTest.SECRET;
import static io.ssekit.auth.JwtAuthenticatorTest.assertInvalid;
import static io.ssekit.auth.JwtAuthenticatorTest.claims;
import static io.ssekit.auth.JwtAuthenticatorTest.decide;
import static io.ssekit.auth.JwtAuthenticatorTest.granted;
import static io.ssekit.auth.JwtAuthenticatorTest.hs256;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ssekit.spi.AuthResult;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A ticket endpoint's work without any HTTP layer: {@link JwtAuthenticator#exchangeForTicket}
 * from an {@code Authorization} header and the topics asked for to a ticket or a refusal.
 */
class TicketExchangeTest {
  final JwtAuthenticator auth = JwtAuthenticator.builder().hs256Secret(SECRET).build();

  static String token(Duration validFor, Map<String, Object> sse) throws Exception {
    return hs256(claims("alice", validFor).claim("sse", sse).build());
  }

  static String bearer(String token) {
    return "Bearer " + token;
  }

  TicketExchange.Issued issued(String authorization, List<String> topics) {
    TicketExchange exchange = auth.exchangeForTicket(authorization, topics);
    return assertInstanceOf(TicketExchange.Issued.class, exchange, () -> "issued, but " + exchange);
  }

  AuthResult.Denied refused(String authorization, List<String> topics) {
    TicketExchange exchange = auth.exchangeForTicket(authorization, topics);
    return assertInstanceOf(TicketExchange.Refused.class, exchange,
        () -> "refused, but " + exchange).denied();
  }

  @Test
  void aBearerHeaderBuysATicketForTheTokensSubscribeTopicsThatOpensOneStream() throws Exception {
    String token = token(Duration.ofMinutes(10),
        Map.of("subscribe", List.of("news/*"), "publish", List.of("news/*")));

    TicketExchange.Issued issued = issued(bearer(token), List.of());

    assertEquals(Duration.ofSeconds(30), issued.expiresIn());
    assertEquals("{\"ticket\":\"" + issued.ticket().value() + "\",\"expiresIn\":30}",
        issued.json());
    assertFalse(issued.toString().contains(issued.ticket().value()), "never shown");
    JwtPrincipal streamer = granted(decide(auth,
        Request.streamWithQueryToken(issued.ticket().value())));
    assertTrue(streamer.maySubscribe("news/sport"));
    assertFalse(streamer.mayPublish("news/sport"), "a ticket publishes nothing");
    assertInvalid(decide(auth, Request.streamWithQueryToken(issued.ticket().value())),
        issued.ticket().value(), "used up");
  }

  @Test
  void namedTopicsNarrowTheTicketAndEachMustBeAllowed() throws Exception {
    String token = bearer(token(Duration.ofMinutes(10), Map.of("subscribe", List.of("news/*"))));

    String sport = issued(token, List.of("news/sport")).ticket().value();
    JwtPrincipal streamer = granted(decide(auth, Request.streamWithQueryToken(sport)));
    assertTrue(streamer.maySubscribe("news/sport"));
    assertFalse(streamer.maySubscribe("news/weather"));

    AuthResult.Denied beyond = refused(token, List.of("news/sport", "billing"));
    assertEquals(403, beyond.status());
    assertNull(beyond.challenge());
    assertEquals("not allowed to subscribe to topic 'billing'", beyond.message());

    TicketExchange invalid = auth.exchangeForTicket(token, List.of("news/sport", "bad topic"));
    assertTrue(assertInstanceOf(TicketExchange.InvalidTopic.class, invalid).message()
        .startsWith("topic must be 1 to 128 characters"), invalid.toString());
    assertEquals(401, refused(null, List.of("bad topic")).status(),
        "the topics of a caller without a valid token are not looked at");

    AuthResult.Denied none = refused(bearer(token(Duration.ofMinutes(10),
        Map.of("publish", List.of("*")))), List.of());
    assertEquals(403, none.status());
    assertEquals("the token may not subscribe to any topic", none.message());
  }

  @Test
  void onlyAValidUnexpiredBearerTokenBuysATicket() throws Exception {
    String token = token(Duration.ofMinutes(10), Map.of("subscribe", List.of("*")));

    for (String missing : new String[] {null, "", "Bearer ", "Basic YWxpY2U6c2VjcmV0", token}) {
      AuthResult.Denied denied = refused(missing, List.of());
      assertEquals(401, denied.status(), "no Bearer token in " + missing);
      assertEquals("Bearer", denied.challenge());
    }
    assertInvalid(refused(bearer("not-a-jwt"), List.of()), "not-a-jwt", "not a JWT");
    String expired = token(Duration.ofMinutes(-5), Map.of("subscribe", List.of("*")));
    assertInvalid(refused(bearer(expired), List.of()), expired, "expired");
    String withinSkew = token(Duration.ofSeconds(-5), Map.of("subscribe", List.of("*")));
    AuthResult.Denied skewed = refused(bearer(withinSkew), List.of());
    assertInvalid(skewed, withinSkew, "accepted within the clock skew, but expired");
    assertEquals("the token has expired; fetch a fresh one", skewed.message());
    String ticket = issued(bearer(token), List.of()).ticket().value();
    assertInvalid(refused(bearer(ticket), List.of()), ticket, "a ticket buys no ticket");
    assertEquals(Duration.ofSeconds(30), issued("bearer " + token, List.of()).expiresIn(),
        "the scheme in any case");
  }

  @Test
  void aTicketForATokenAboutToExpireSaysItHasNoMoreThanTheTokenLeft() throws Exception {
    String token = token(Duration.ofSeconds(10), Map.of("subscribe", List.of("*")));

    Duration expiresIn = issued(bearer(token), List.of()).expiresIn();

    assertTrue(expiresIn.compareTo(Duration.ofSeconds(10)) <= 0 && !expiresIn.isNegative(),
        "never past the token's 10 s, not the ticket's 30 s: " + expiresIn);
  }
}
