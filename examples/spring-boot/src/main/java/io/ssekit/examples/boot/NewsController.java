package io.ssekit.examples.boot;

import io.ssekit.SseHub;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/** {@code POST /news}: the body goes out as event {@code news} on topic {@code news}. */
@RestController
public class NewsController {
  private final SseHub hub;

  public NewsController(SseHub hub) {
    this.hub = hub;
  }

  /** Publishes {@code text}; answers the id the history assigned to it. */
  @PostMapping("/news")
  public CompletableFuture<Map<String, String>> publish(@RequestBody String text) {
    return hub.publish("news", "news", text).toCompletableFuture()
        .thenApply(id -> Map.of("id", id));
  }
}
