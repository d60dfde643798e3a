package io.ssekit.sample;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jwt.SignedJWT;
import io.ssekit.testkit.SseClient;
import java.io.BufferedInputStream;
import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The sample app with {@code SSE_AUTH_JWT_SECRET} set (README, "Trying auth with the sample app"
 * and "JWT authentication"): streams, publishing and tickets need tokens with the topic's
 * permission; tokens come from the app's own {@code token} command, as in the README.
 */
class SampleAuthTest {
  static final Duration WAIT = Duration.ofSeconds(10);
  static final String SECRET = "a-secret-for-the-sample-app-tests-32+";
  static final Map<String, String> ENV = Map.of("SSE_AUTH_JWT_SECRET", SECRET);

  SampleApp app;
  final HttpClient http = HttpClient.newHttpClient();
  final List<SseClient> streams = new ArrayList<>();

  @BeforeEach
  void start() throws Exception {
    app = SampleApp.start(AppConfig.fromEnvironment(Map.of("PORT", "0",
        "SSE_AUTH_JWT_SECRET", SECRET)));
  }

  @AfterEach
  void stop() {
    streams.forEach(SseClient::close);
    app.close();
  }

  static String token(String... args) {
    return TokenCommand.mint(List.of(args), ENV);
  }

  URI uri(String pathAndQuery) {
    return URI.create("http://127.0.0.1:" + app.port() + pathAndQuery);
  }

  SseClient stream(String query, Map<String, String> headers) {
    SseClient client = SseClient.open(http, uri("/events" + query), headers);
    streams.add(client);
    return client;
  }

  HttpResponse<String> get(String pathAndQuery, Map<String, String> headers) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(uri(pathAndQuery));
    headers.forEach(request::header);
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> post(String pathAndQuery, String token, String body) throws Exception {
    return post(http, uri(pathAndQuery), token, body);
  }

  /** A JSON {@code POST}, with {@code Authorization: Bearer token} unless the token is null. */
  static HttpResponse<String> post(HttpClient http, URI uri, String token, String body)
      throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(uri)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  static JsonNode json(HttpResponse<String> response) throws Exception {
    return JsonResponses.MAPPER.readTree(response.body());
  }

  static String bearer(String token) {
    return "Bearer " + token;
  }

  @Test
  void aStreamNeedsAValidTokenAllowingItsTopics() throws Exception {
    String reader = token("--sub", "reader", "--subscribe", "news/*", "--publish", "");

    HttpResponse<String> none = get("/events?topic=news/a", Map.of());
    assertEquals(401, none.statusCode());
    assertEquals("Bearer", none.headers().firstValue("www-authenticate").orElseThrow());
    HttpResponse<String> garbage = get("/events?topic=news/a",
        Map.of("Authorization", bearer("garbage")));
    assertEquals(401, garbage.statusCode());
    assertEquals("Bearer error=\"invalid_token\"",
        garbage.headers().firstValue("www-authenticate").orElseThrow());
    String otherSecret = TokenCommand.mint(List.of(),
        Map.of("SSE_AUTH_JWT_SECRET", "another-secret-of-at-least-32-bytes!"));
    assertEquals(401, get("/events", Map.of("Authorization", bearer(otherSecret))).statusCode());
    HttpResponse<String> forbidden = get("/events?topic=news/a&topic=billing",
        Map.of("Authorization", bearer(reader)));
    assertEquals(403, forbidden.statusCode());
    assertTrue(forbidden.body().contains("billing"), forbidden.body());

    SseClient byHeader = stream("?topic=news/a", Map.of("Authorization", bearer(reader)));
    SseClient byCookie = stream("?topic=news/a", Map.of("Cookie", "sse_token=" + reader));
    SseClient byQuery = stream("?topic=news/a&token=" + reader, Map.of());
    for (SseClient client : List.of(byHeader, byCookie, byQuery)) {
      client.awaitText("id: ", WAIT);
      assertEquals(200, client.status());
    }
  }

  @Test
  void publishingNeedsPublishPermissionForTheTopic() throws Exception {
    String writer = token("--sub", "writer", "--subscribe", "*", "--publish", "alerts,default");
    String reader = token("--sub", "reader", "--subscribe", "*", "--publish", "");
    SseClient alerts = stream("?topic=alerts", Map.of("Authorization", bearer(writer)));
    alerts.awaitText("id: ", WAIT);

    HttpResponse<String> anonymous = post("/publish", null, "{\"topic\":\"alerts\",\"data\":\"x\"}");
    assertEquals(401, anonymous.statusCode());
    assertEquals("Bearer", anonymous.headers().firstValue("www-authenticate").orElseThrow());
    HttpResponse<String> notAllowed = post("/publish", reader,
        "{\"topic\":\"alerts\",\"data\":\"x\"}");
    assertEquals(403, notAllowed.statusCode());
    assertTrue(json(notAllowed).get("detail").asText().contains("'alerts'"), notAllowed.body());
    assertEquals(403, post("/publish", writer, "{\"topic\":\"billing\",\"data\":\"x\"}")
        .statusCode());
    assertEquals(403, post("/send", reader, "{\"title\":\"x\"}").statusCode(),
        "/send publishes on default");

    HttpResponse<String> published = post("/publish", writer,
        "{\"topic\":\"alerts\",\"event\":\"fire\",\"data\":\"hall 2\"}");
    assertEquals(200, published.statusCode(), published.body());
    assertEquals(200, post("/send", writer, "{\"title\":\"x\"}").statusCode());
    assertEquals("hall 2", alerts.awaitEvent("fire", WAIT).data());
    assertEquals(1, alerts.events().size(), "refused publishes sent nothing");
    Scrape scrape = Scrape.of(http, uri("/metrics"));
    assertEquals(1, scrape.value("ssekit_auth_refusals_total{status=\"401\"}"), scrape.text);
    assertEquals(3, scrape.value("ssekit_auth_refusals_total{status=\"403\"}"), scrape.text);
  }

  @Test
  void aTicketOpensOneStreamAndOnlyAsItsQueryParameter() throws Exception {
    String reader = token("--sub", "reader", "--subscribe", "news/*", "--publish", "");

    HttpResponse<String> answer = post("/auth/ticket?topic=news/a", reader, "");
    assertEquals(200, answer.statusCode(), answer.body());
    assertEquals(30, json(answer).get("expiresIn").asInt());
    String ticket = json(answer).get("ticket").asText();

    assertEquals(401, get("/events?topic=news/a", Map.of("Authorization", bearer(ticket)))
        .statusCode(), "not as a header");
    assertEquals(401, post("/publish?token=" + ticket, null,
        "{\"topic\":\"news/a\",\"data\":\"x\"}").statusCode(), "not on a publish");
    SseClient client = stream("?topic=news/a&token=" + ticket, Map.of());
    client.awaitText("id: ", WAIT);
    assertEquals(200, client.status());
    assertEquals(401, get("/events?topic=news/a&token=" + ticket, Map.of()).statusCode(),
        "used up");
    String other = json(post("/auth/ticket?topic=news/a", reader, "")).get("ticket").asText();
    assertEquals(403, get("/events?topic=news/b&token=" + other, Map.of()).statusCode(),
        "bound to the topic it was bought for");

    Scrape scrape = Scrape.of(http, uri("/metrics"));
    assertEquals(2, scrape.value("ssekit_tickets_total{result=\"issued\"}"), scrape.text);
    assertEquals(2, scrape.value("ssekit_tickets_total{result=\"redeemed\"}"),
        "the second was used up by the refused stream: " + scrape.text);
    assertEquals(3, scrape.value("ssekit_auth_refusals_total{status=\"401\"}"),
        "as a header, on a publish, used up: " + scrape.text);
    assertEquals(1, scrape.value("ssekit_auth_refusals_total{status=\"403\"}"), scrape.text);
  }

  @Test
  void aStreamIsWarnedAndClosedWhenItsTokenExpires() throws Exception {
    String shortLived = token("--sub", "brief", "--ttl", "3");

    SseClient client = stream("", Map.of("Cookie", "sse_token=" + shortLived));
    JsonNode warning = JsonResponses.MAPPER.readTree(
        client.awaitEvent("sse-token-expiring", WAIT).data());
    client.awaitEnd(WAIT);
    Instant endedAt = Instant.now();

    Instant expiry = Instant.parse(warning.get("expiresAt").asText());
    assertEquals(Instant.ofEpochSecond(SignedJWT.parse(shortLived).getJWTClaimsSet()
        .getExpirationTime().getTime() / 1000), expiry, "the warning names the token's exp");
    assertTrue(warning.get("expiresIn").asInt() <= 3, warning.toString());
    assertFalse(endedAt.isBefore(expiry), "ended at " + endedAt + ", before exp " + expiry);
    assertTrue(endedAt.isBefore(expiry.plusSeconds(2)), "ended at " + endedAt + ", exp " + expiry);
    assertEquals("sse-token-expired", client.events().get(client.events().size() - 1).type());
  }

  @Test
  void aRequestTheContainerRefusesNeverEchoesItsToken() throws Exception {
    String reader = token("--sub", "reader");
    for (String request : List.of("GET /events?topic=news%2&token=" + reader,
        "POST /publish?token=" + reader + "&x=%zz")) {
      // Raw HTTP/1.1: the JDK's client refuses to send a malformed escape.
      String answer;
      try (Socket socket = new Socket("127.0.0.1", app.port())) {
        socket.getOutputStream().write((request + " HTTP/1.1\r\nHost: localhost\r\n"
            + "Content-Length: 0\r\nConnection: close\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII));
        answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      }
      assertTrue(answer.startsWith("HTTP/1.1 400 "), answer);
      assertTrue(answer.toLowerCase(Locale.ROOT)
          .contains("content-type: application/problem+json"), answer);
      assertFalse(answer.contains(reader.substring(reader.lastIndexOf('.') + 1)), answer);
      assertFalse(answer.contains("token"), answer);
    }
  }

  @Test
  void aLargePublishWithoutATokenGets401AndKeepsItsConnection() throws Exception {
    byte[] body = ("{\"data\":\"" + "x".repeat(SampleApp.MAX_BODY_BYTES / 2) + "\"}")
        .getBytes(StandardCharsets.US_ASCII);
    try (Socket socket = new Socket("127.0.0.1", app.port())) {
      socket.setSoTimeout((int) WAIT.toMillis());
      InputStream in = new BufferedInputStream(socket.getInputStream());
      for (int i = 0; i < 3; i++) {
        socket.getOutputStream().write(RawHttp.postHead("/publish", body.length));
        socket.getOutputStream().write(body);
        String answer = RawHttp.readResponse(in);
        assertTrue(answer.startsWith("HTTP/1.1 401 "), answer);
        assertFalse(answer.toLowerCase(Locale.ROOT).contains("connection: close"), answer);
      }
    }
  }

  @Test
  void theTokenCommandExplainsItsMistakes() {
    IllegalArgumentException noSecret = assertThrows(IllegalArgumentException.class,
        () -> TokenCommand.mint(List.of(), Map.of()));
    assertTrue(noSecret.getMessage().contains("SSE_AUTH_JWT_SECRET"), noSecret.getMessage());
    IllegalArgumentException option = assertThrows(IllegalArgumentException.class,
        () -> token("--subject", "x"));
    assertTrue(option.getMessage().contains("'--subject'"), option.getMessage());
    IllegalArgumentException ttl = assertThrows(IllegalArgumentException.class,
        () -> token("--ttl", "soon"));
    assertTrue(ttl.getMessage().contains("--ttl"), ttl.getMessage());
    assertThrows(IllegalArgumentException.class, () -> token("--subscribe", "a*b"));
  }

  @Test
  void theRequestLogHidesCredentialsInTheQuery() {
    assertEquals("topic=a&token=***&b=2", AccessLog.redact("topic=a&token=abc.def.ghi&b=2"));
    assertEquals("%74oken=***&Access_Token=***", AccessLog.redact("%74oken=x&Access_Token=y"));
    assertEquals("%zz=***", AccessLog.redact("%zz=secret"), "an undecodable name hides its value");
    assertEquals("tokens=1&token", AccessLog.redact("tokens=1&token"));
    assertEquals("topic=" + URLEncoder.encode("a b", StandardCharsets.UTF_8),
        AccessLog.redact("topic=a+b"));
  }
}
