package io.ssekit.auth;

import static io.ssekit.auth.JwtAuthenticatorTest.SECRET;
import static io.ssekit.auth.JwtAuthenticatorTest.assertInvalid;
import static io.ssekit.auth.JwtAuthenticatorTest.claims;
import static io.ssekit.auth.JwtAuthenticatorTest.decide;
import static io.ssekit.auth.JwtAuthenticatorTest.granted;
import static io.ssekit.auth.JwtAuthenticatorTest.hs256;
import static io.ssekit.auth.JwtAuthenticatorTest.pem;
import static io.ssekit.auth.JwtAuthenticatorTest.rsaKeyPair;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.ssekit.spi.AuthResult;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/** Stream tickets: single use, streams only, bound to topics, short-lived. */
class StreamTicketsTest {
  final JwtAuthenticator auth = JwtAuthenticator.builder().hs256Secret(SECRET).build();

  JwtPrincipal alice(Duration validFor) throws Exception {
    return granted(decide(auth, Request.bearer(hs256(claims("alice", validFor).build()))));
  }

  @Test
  void aTicketOpensOneStreamAsItsTokenQueryParameterAndIsThenUsedUp() throws Exception {
    JwtPrincipal alice = alice(Duration.ofMinutes(10));
    StreamTickets.Ticket ticket = auth.tickets().issue(alice, TopicPatterns.of(List.of("alerts")));

    JwtPrincipal streamer = granted(decide(auth, Request.streamWithQueryToken(ticket.value())));

    assertEquals("alice", streamer.name());
    assertTrue(streamer.maySubscribe("alerts"));
    assertFalse(streamer.maySubscribe("news/sport"), "bound to the topics it was issued for");
    assertFalse(streamer.mayPublish("alerts"), "subscribe-only, although alice may publish");
    assertEquals(alice.expires(), streamer.expires(), "the stream lives as long as the token");
    assertTrue(streamer.fromTicket());
    assertFalse(alice.fromTicket(), "a token's principal is not a ticket's");
    assertInvalid(decide(auth, Request.streamWithQueryToken(ticket.value())), ticket.value(),
        "used twice");
    AuthResult.Denied reuse = (AuthResult.Denied) decide(auth,
        Request.streamWithQueryToken(ticket.value()));
    assertTrue(reuse.message().contains("used already"), reuse.message());
  }

  @Test
  void aTicketIsRefusedAnywhereButTheQueryOfAStreamAndNotUsedUpThere() throws Exception {
    StreamTickets.Ticket ticket = auth.tickets().issue(alice(Duration.ofMinutes(10)),
        TopicPatterns.of(List.of("news/*")));
    String value = ticket.value();

    assertInvalid(decide(auth, Request.bearer(value)), value, "as a Bearer header");
    assertInvalid(decide(auth, new Request(Map.of(), Map.of("sse_token", value), Map.of(), true)),
        value, "as a cookie");
    assertInvalid(decide(auth, new Request(Map.of(), Map.of(), Map.of("token", value), false)),
        value, "in the query of a request that opens no stream (a publish)");
    AuthResult.Denied denied = (AuthResult.Denied) decide(auth, Request.bearer(value));
    assertTrue(denied.message().contains("only as the token query parameter of a stream"),
        denied.message());

    assertEquals("alice", granted(decide(auth, Request.streamWithQueryToken(value))).name(),
        "still good for its stream");
  }

  @Test
  void aTicketExpiresAfterItsLifetimeAndIsForgottenThen() throws Exception {
    JwtAuthenticator quick = JwtAuthenticator.builder().hs256Secret(SECRET)
        .clockSkew(Duration.ZERO).ticketLifetime(Duration.ofSeconds(1)).build();
    JwtPrincipal alice = granted(decide(quick,
        Request.bearer(hs256(claims("alice", Duration.ofMinutes(10)).build()))));
    StreamTickets.Ticket used = quick.tickets().issue(alice, alice.subscribe());
    StreamTickets.Ticket unused = quick.tickets().issue(alice, alice.subscribe());
    granted(decide(quick, Request.streamWithQueryToken(used.value())));
    assertEquals(1, quick.tickets().remembered());

    // A 1 s ticket lives 1 to 2 s (whole seconds, rounded up); it is forgotten 1 s later.
    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(3200));

    assertInvalid(decide(quick, Request.streamWithQueryToken(unused.value())), unused.value(),
        "expired");
    StreamTickets.Ticket fresh = quick.tickets().issue(alice, alice.subscribe());
    granted(decide(quick, Request.streamWithQueryToken(fresh.value())));
    assertEquals(1, quick.tickets().remembered(), "expired tickets are forgotten");
  }

  @Test
  void aTicketNeverOutlivesTheTokenItWasIssuedFor() throws Exception {
    JwtPrincipal shortLived = alice(Duration.ofSeconds(5));
    StreamTickets.Ticket ticket = auth.tickets().issue(shortLived, shortLived.subscribe());
    assertFalse(ticket.expiresAt().isAfter(shortLived.expires()), ticket.expiresAt() + " after "
        + shortLived.expires());
    StreamTickets.Ticket normal = auth.tickets().issue(alice(Duration.ofMinutes(10)),
        TopicPatterns.of(List.of("alerts")));
    long lifetime = normal.expiresAt().toEpochMilli() - System.currentTimeMillis();
    assertTrue(lifetime > 29_000 && lifetime <= 31_000, "default 30 s, was " + lifetime + " ms");
    assertFalse(ticket.toString().contains(ticket.value()), "toString never shows the ticket");
  }

  @Test
  void forgedTicketsAreRefused() throws Exception {
    JWTClaimsSet claims = new JWTClaimsSet.Builder().subject("mallory")
        .expirationTime(java.util.Date.from(Instant.now().plusSeconds(30))).jwtID("x")
        .claim("token_exp", Instant.now().plusSeconds(3600).getEpochSecond())
        .claim("sse", Map.of("subscribe", List.of("*"))).build();
    // Signed with the token secret, which is not the ticket key.
    SignedJWT withTokenKey = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256)
        .type(StreamTickets.TYPE).build(), claims);
    withTokenKey.sign(new MACSigner(SECRET));
    assertInvalid(decide(auth, Request.streamWithQueryToken(withTokenKey.serialize())),
        withTokenKey.serialize(), "a ticket signed with the token secret");

    StreamTickets.Ticket genuine = auth.tickets().issue(alice(Duration.ofMinutes(10)),
        TopicPatterns.of(List.of("alerts")));
    String[] parts = genuine.value().split("\\.");
    String widened = parts[0] + "." + withTokenKey.serialize().split("\\.")[1] + "." + parts[2];
    assertInvalid(decide(auth, Request.streamWithQueryToken(widened)), widened,
        "a genuine ticket with its topics widened");
  }

  @Test
  void instancesSharingTheTicketKeyAcceptEachOthersTickets() throws Exception {
    JwtAuthenticator other = JwtAuthenticator.builder().hs256Secret(SECRET).build();
    StreamTickets.Ticket ticket = auth.tickets().issue(alice(Duration.ofMinutes(10)),
        TopicPatterns.of(List.of("alerts")));
    assertEquals("alice", granted(decide(other, Request.streamWithQueryToken(ticket.value())))
        .name(), "the key derived from the same HS256 secret");

    KeyPair rsa = rsaKeyPair();
    JwtAuthenticator randomKey = JwtAuthenticator.builder().publicKeyPem(pem(rsa)).build();
    StreamTickets.Ticket local = randomKey.tickets().issue(alice(Duration.ofMinutes(10)),
        TopicPatterns.of(List.of("alerts")));
    assertInvalid(decide(JwtAuthenticator.builder().publicKeyPem(pem(rsa)).build(),
        Request.streamWithQueryToken(local.value())), local.value(),
        "public keys and no ticketSecret: a random key per instance");

    byte[] shared = "a-ticket-secret-shared-by-all-instances".getBytes(StandardCharsets.UTF_8);
    StreamTickets.Ticket sharedTicket = JwtAuthenticator.builder().publicKeyPem(pem(rsa))
        .ticketSecret(shared).build().tickets()
        .issue(alice(Duration.ofMinutes(10)), TopicPatterns.of(List.of("alerts")));
    assertEquals("alice", granted(decide(JwtAuthenticator.builder().publicKeyPem(pem(rsa))
        .ticketSecret(shared).build(), Request.streamWithQueryToken(sharedTicket.value())))
        .name());
  }

  @Test
  void anInstanceRemembersBoundedlyManyUsedTicketsAndRefusesMoreUntilTheyExpire()
      throws Exception {
    byte[] key = "a-ticket-key-for-this-test-of-32-bytes".getBytes(StandardCharsets.UTF_8);
    StreamTickets small = new StreamTickets(key, Duration.ofSeconds(30), Duration.ZERO, 2);
    JwtPrincipal alice = alice(Duration.ofMinutes(10));
    List<StreamTickets.Ticket> tickets = List.of(small.issue(alice, alice.subscribe()),
        small.issue(alice, alice.subscribe()), small.issue(alice, alice.subscribe()));

    granted(small.redeem(tickets.get(0).value()));
    granted(small.redeem(tickets.get(1).value()));
    AuthResult third = small.redeem(tickets.get(2).value());

    AuthResult.Denied refused = assertInstanceOf(AuthResult.Denied.class, third);
    assertEquals(401, refused.status());
    assertTrue(refused.message().contains("fetch a new ticket in a moment"), refused.message());
    assertEquals(2, small.remembered());
  }

  @Test
  void ticketSettingsAreChecked() {
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> JwtAuthenticator.builder().ticketSecret(new byte[8])).getMessage()
        .contains("ticketSecret must be at least 32 bytes"));
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> JwtAuthenticator.builder().ticketLifetime(Duration.ofMillis(500))).getMessage()
        .contains("ticketLifetime"));
    assertInstanceOf(IllegalArgumentException.class, assertThrows(RuntimeException.class,
        () -> auth.tickets().issue(granted(decide(auth, Request.bearer(hs256(
            claims("x", Duration.ofMinutes(1)).build())))), TopicPatterns.NONE)));
  }
}
