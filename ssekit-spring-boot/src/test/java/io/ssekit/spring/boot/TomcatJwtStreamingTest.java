package io.ssekit.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.ssekit.spring.boot.app.StreamApp;
import io.ssekit.testkit.SseClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/** {@code ssekit.auth.jwt.secret} on a real Tomcat: streams need a token, tickets are issued. */
@SpringBootTest(classes = StreamApp.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = "ssekit.auth.jwt.secret=" + SseAutoConfigurationTest.SECRET)
class TomcatJwtStreamingTest {
  private final HttpClient http = HttpClient.newHttpClient();

  @LocalServerPort
  int port;

  @Test
  void aStreamNeedsATokenAndATokenBuysATicket() throws Exception {
    URI events = URI.create("http://127.0.0.1:" + port + "/events?topic=news");
    try (SseClient anonymous = SseClient.open(http, events)) {
      assertThat(anonymous.status()).isEqualTo(401);
    }
    String token = token("news");
    try (SseClient withToken = SseClient.open(http, events,
        Map.of("Authorization", "Bearer " + token))) {
      assertThat(withToken.status()).isEqualTo(200);
    }
    HttpResponse<String> ticket = http.send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + port + "/auth/ticket"))
        .header("Authorization", "Bearer " + token)
        .POST(HttpRequest.BodyPublishers.noBody()).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(ticket.statusCode()).isEqualTo(200);
    String body = ticket.body();
    String value = body.substring(body.indexOf("\"ticket\":\"") + 10);
    value = value.substring(0, value.indexOf('"'));
    try (SseClient withTicket = SseClient.open(http,
        URI.create(events + "&token=" + value))) {
      assertThat(withTicket.status()).isEqualTo(200);
      withTicket.awaitText("id:", Duration.ofSeconds(10));
    }
  }

  private static String token(String topic) throws Exception {
    SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), new JWTClaimsSet.Builder()
        .subject("alice").expirationTime(Date.from(Instant.now().plusSeconds(300)))
        .claim("sse", Map.of("subscribe", List.of(topic))).build());
    jwt.sign(new MACSigner(SseAutoConfigurationTest.SECRET.getBytes(StandardCharsets.UTF_8)));
    return jwt.serialize();
  }
}
