package io.ssekit.client;

import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Map;
import java.util.function.DoubleSupplier;
import java.util.function.IntPredicate;
import java.util.function.Supplier;

/** What an {@link EventSource.Builder} gathered, checked. */
record Settings(
    URI uri,
    Map<String, String> headers,
    Supplier<Map<String, String>> headerSupplier,
    String lastEventId,
    Duration connectTimeout,
    Duration readTimeout,
    HttpClient.Version httpVersion,
    HttpClient httpClient,
    Duration initialDelay,
    Duration maxDelay,
    Duration resetBackoffAfter,
    int maxAttempts,
    Duration maxReconnectTime,
    IntPredicate reconnectOn,
    int maxEventSize,
    Scheduler scheduler,
    DoubleSupplier random) {
}
