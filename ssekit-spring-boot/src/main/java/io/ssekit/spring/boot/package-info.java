/**
 * Spring Boot auto-configuration of ssekit: {@link io.ssekit.spring.boot.SseAutoConfiguration}
 * (the hub, its history, fanout, authenticator and keep-alive policy, and the stream endpoint),
 * {@link io.ssekit.spring.boot.SseHealthAutoConfiguration} (the {@code ssekit} health
 * contributor) and {@link io.ssekit.spring.boot.SseMetricsAutoConfiguration} (ssekit's meters in
 * Boot's registry), configured by {@link io.ssekit.spring.boot.SseProperties} ({@code ssekit.*}).
 */
package io.ssekit.spring.boot;
