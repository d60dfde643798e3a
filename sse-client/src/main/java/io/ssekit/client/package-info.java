/**
 * A Server-Sent Events client for Java on the JDK's {@link java.net.http.HttpClient}.
 *
 * <p>{@link io.ssekit.client.EventSource} is built once with {@link
 * io.ssekit.client.EventSource#builder(java.net.URI)} and consumed one of three ways: an {@link
 * io.ssekit.client.EventListener}, a {@link java.util.concurrent.Flow.Subscriber} that sets the
 * pace with its demand, or a blocking {@link io.ssekit.client.EventIterator}. Events arrive as
 * {@link io.ssekit.client.MessageEvent}s; a server's word that events were lost arrives as a
 * {@link io.ssekit.client.StreamReset}. {@link io.ssekit.client.Scheduler} is the clock and timer
 * the source waits with, replaceable in tests.
 */
package io.ssekit.client;
