/** Implementation details of {@code sse-api}; not an API, free to change between versions. */
package io.ssekit.internal;
