package io.ssekit.spring.boot.app;

import io.ssekit.SseHub;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** A Boot application as a user writes it: the starter's endpoint, and a controller that publishes. */
@SpringBootApplication
public class StreamApp {
  /** Publishes the request body to a topic through the injected hub. */
  @RestController
  static class Publisher {
    private final SseHub hub;

    Publisher(SseHub hub) {
      this.hub = hub;
    }

    @PostMapping("/publish")
    CompletableFuture<Map<String, String>> publish(@RequestParam("topic") String topic,
        @RequestBody String data) {
      return hub.publish(topic, "note", data).toCompletableFuture()
          .thenApply(id -> Map.of("id", id));
    }
  }
}
