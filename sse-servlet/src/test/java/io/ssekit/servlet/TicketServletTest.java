package io.ssekit.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.ssekit.SseHub;
import io.ssekit.auth.JwtAuthenticator;
import io.ssekit.history.memory.MemoryEventHistory;
import io.ssekit.testkit.SseClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code POST /auth/ticket} and streams opened with its tickets, on embedded Jetty over real
 * sockets: {@link TicketServlet} beside an {@link SseServlet} using the same authenticator.
 */
class TicketServletTest {
  static final Duration WAIT = Duration.ofSeconds(10);
  static final byte[] SECRET =
      "a-shared-secret-of-at-least-32-bytes!".getBytes(StandardCharsets.UTF_8);
  static final Pattern TICKET = Pattern.compile("\\{\"ticket\":\"([A-Za-z0-9_.-]+)\","
      + "\"expiresIn\":(\\d+)}");

  final JwtAuthenticator auth = JwtAuthenticator.builder().hs256Secret(SECRET).build();
  final HttpClient http = HttpClient.newHttpClient();
  final RecordingListener listener = new RecordingListener();
  final List<AutoCloseable> open = new ArrayList<>();
  SseHub hub;
  Server server;
  int port;

  @BeforeEach
  void start() throws Exception {
    hub = SseHub.builder().history(MemoryEventHistory.builder().build()).build();
    SseServlet events = SseServlet.builder().hub(hub).authenticator(auth)
        .tokenExpiryWarning(Duration.ofSeconds(2)).listener(listener).build();
    server = new Server();
    ServerConnector connector = new ServerConnector(server);
    connector.setHost("127.0.0.1");
    server.addConnector(connector);
    ServletContextHandler context = new ServletContextHandler("/");
    ServletHolder stream = new ServletHolder("events", events);
    stream.setAsyncSupported(true);
    context.addServlet(stream, "/events");
    context.addServlet(new ServletHolder("tickets", new TicketServlet(auth, listener)),
        "/auth/ticket");
    server.setHandler(context);
    server.start();
    port = connector.getLocalPort();
  }

  @AfterEach
  void stop() throws Exception {
    for (AutoCloseable resource : open) {
      resource.close();
    }
    server.stop();
    hub.close();
  }

  URI uri(String pathAndQuery) {
    return URI.create("http://127.0.0.1:" + port + pathAndQuery);
  }

  HttpResponse<String> post(String pathAndQuery, Map<String, String> headers) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(uri(pathAndQuery))
        .POST(HttpRequest.BodyPublishers.noBody());
    headers.forEach(request::header);
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> askForTicket(String token, String query) throws Exception {
    return post("/auth/ticket" + query, Map.of("Authorization", "Bearer " + token));
  }

  static String ticketOf(HttpResponse<String> response) {
    assertEquals(200, response.statusCode(), response.body());
    Matcher matcher = TICKET.matcher(response.body());
    assertTrue(matcher.matches(), response.body());
    return matcher.group(1);
  }

  SseClient stream(String query) {
    SseClient client = SseClient.open(http, uri("/events" + query));
    open.add(client);
    return client;
  }

  HttpResponse<String> get(String pathAndQuery) throws Exception {
    return http.send(HttpRequest.newBuilder(uri(pathAndQuery)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** An HS256 token for {@code subject} with the claim {@code sse}, expiring after validFor. */
  static String token(String subject, Duration validFor, Map<String, Object> sse)
      throws Exception {
    JWTClaimsSet claims = new JWTClaimsSet.Builder().subject(subject)
        .expirationTime(Date.from(Instant.now().plus(validFor))).claim("sse", sse).build();
    SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256)
        .type(JOSEObjectType.JWT).build(), claims);
    jwt.sign(new MACSigner(SECRET));
    return jwt.serialize();
  }

  @Test
  void aBearerTokenBuysATicketThatOpensOneStreamOfItsTopics() throws Exception {
    String token = token("alice", Duration.ofMinutes(10), Map.of("subscribe", List.of("news/*")));

    HttpResponse<String> answer = askForTicket(token, "");
    String ticket = ticketOf(answer);
    assertEquals("30", TICKET.matcher(answer.body()).replaceAll("$2"));
    assertEquals("no-store", answer.headers().firstValue("cache-control").orElseThrow());
    assertTrue(answer.headers().firstValue("content-type").orElseThrow()
        .startsWith("application/json"));

    SseClient client = stream("?topic=news/sport&token=" + ticket);
    client.awaitText("id: ", WAIT);
    assertEquals(200, client.status());
    hub.publish("news/sport", "goal", "1:0").toCompletableFuture().join();
    assertEquals("1:0", client.awaitEvent("goal", WAIT).data());

    HttpResponse<String> again = get("/events?topic=news/sport&token=" + ticket);
    assertEquals(401, again.statusCode(), "single use");
    assertEquals("Bearer error=\"invalid_token\"",
        again.headers().firstValue("www-authenticate").orElseThrow());
    assertTrue(again.body().contains("used already"), again.body());
    assertFalse(again.body().contains(ticket), "the ticket is never echoed");

    String other = ticketOf(askForTicket(token, ""));
    HttpResponse<String> outside = get("/events?topic=billing&token=" + other);
    assertEquals(403, outside.statusCode(), "only the token's subscribe topics");

    assertEquals(2, listener.count("ticket.issued"), listener.toString());
    assertEquals(0, listener.count("ticket.refused"), listener.toString());
    assertEquals(2, listener.count("ticket.redeemed"), "used up, although the second stream"
        + " asked for a topic outside the ticket: " + listener);
    assertEquals(1, listener.count("authRefused.401"), "the second use: " + listener);
    assertEquals(1, listener.count("authRefused.403"), listener.toString());
    assertEquals(1, listener.count("opened.ok"), listener.toString());
  }

  @Test
  void aStreamOpenedWithATokenRedeemsNoTicket() throws Exception {
    String token = token("alice", Duration.ofMinutes(10), Map.of("subscribe", List.of("*")));

    SseClient client = stream("?topic=t&token=" + token);
    client.awaitText("id: ", WAIT);
    assertEquals(401, askForTicket("not a token", "").statusCode());

    assertEquals(1, listener.count("opened.ok"), listener.toString());
    assertEquals(0, listener.count("ticket.redeemed"), listener.toString());
    assertEquals(1, listener.count("ticket.refused"), listener.toString());
  }

  @Test
  void aTicketForNamedTopicsOpensThoseOnly() throws Exception {
    String token = token("alice", Duration.ofMinutes(10), Map.of("subscribe", List.of("news/*")));

    String sportOnly = ticketOf(askForTicket(token, "?topic=news/sport"));
    assertEquals(403, get("/events?topic=news/weather&token=" + sportOnly).statusCode());
    String both = ticketOf(askForTicket(token, "?topic=news/sport&topic=news/weather"));
    SseClient client = stream("?topic=news/sport&topic=news/weather&token=" + both);
    client.awaitText("id: ", WAIT);
    assertEquals(200, client.status());

    HttpResponse<String> beyond = askForTicket(token, "?topic=news/sport&topic=billing");
    assertEquals(403, beyond.statusCode());
    assertTrue(beyond.body().contains("'billing'"), beyond.body());
    HttpResponse<String> invalid = askForTicket(token, "?topic=bad%20topic");
    assertEquals(400, invalid.statusCode(), invalid.body());
    String nothing = token("guest", Duration.ofMinutes(10), Map.of("publish", List.of("*")));
    assertEquals(403, askForTicket(nothing, "").statusCode(), "a token that may stream nothing");
  }

  @Test
  void theTicketEndpointWantsAValidBearerHeaderAndPost() throws Exception {
    String token = token("alice", Duration.ofMinutes(10), Map.of("subscribe", List.of("*")));

    HttpResponse<String> none = post("/auth/ticket", Map.of());
    assertEquals(401, none.statusCode());
    assertEquals("Bearer", none.headers().firstValue("www-authenticate").orElseThrow());
    HttpResponse<String> cookie = post("/auth/ticket", Map.of("Cookie", "sse_token=" + token));
    assertEquals(401, cookie.statusCode(), "the header only: a cookie could be sent cross-site");
    HttpResponse<String> query = post("/auth/ticket?token=" + token, Map.of());
    assertEquals(401, query.statusCode());
    String expired = token("alice", Duration.ofMinutes(-5), Map.of("subscribe", List.of("*")));
    HttpResponse<String> late = askForTicket(expired, "");
    assertEquals(401, late.statusCode());
    assertEquals("Bearer error=\"invalid_token\"",
        late.headers().firstValue("www-authenticate").orElseThrow());
    String withinSkew = token("alice", Duration.ofSeconds(-5), Map.of("subscribe", List.of("*")));
    HttpResponse<String> skewed = askForTicket(withinSkew, "");
    assertEquals(401, skewed.statusCode(), "accepted within the clock skew, but expired");
    assertTrue(skewed.body().contains("expired"), skewed.body());
    String ticket = ticketOf(askForTicket(token, ""));
    assertEquals(401, askForTicket(ticket, "").statusCode(), "a ticket buys no ticket");
    HttpResponse<String> get = get("/auth/ticket");
    assertEquals(405, get.statusCode());
    assertEquals("POST", get.headers().firstValue("allow").orElseThrow());
    for (HttpResponse<String> refused : List.of(none, cookie, query, late, get)) {
      assertTrue(refused.headers().firstValue("content-type").orElseThrow()
          .startsWith("application/problem+json"), refused.body());
      assertFalse(refused.body().contains(token) || refused.body().contains(expired),
          refused.body());
    }
  }

  @Test
  void aStreamOpenedWithATicketEndsWhenTheTokenBehindItExpires() throws Exception {
    String token = token("alice", Duration.ofSeconds(4), Map.of("subscribe", List.of("*")));
    Instant tokenExpiry = SignedJWT.parse(token).getJWTClaimsSet().getExpirationTime()
        .toInstant();

    SseClient client = stream("?token=" + ticketOf(askForTicket(token, "")));
    client.awaitEvent("sse-token-expiring", WAIT);
    client.awaitEnd(WAIT);

    assertFalse(Instant.now().isBefore(tokenExpiry), "closed at the token's exp, "
        + tokenExpiry + ", not the ticket's 30 s");
    assertEquals("sse-token-expired",
        client.events().get(client.events().size() - 1).type());
  }
}
