package io.ssekit.sample;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.eclipse.jetty.io.ArrayByteBufferPool;
import org.eclipse.jetty.io.RetainableByteBuffer;
import org.junit.jupiter.api.Test;

class BufferPoolTest {
  @Test
  void aStreamsOneKilobyteResponseBufferTakesOneKilobyte() {
    ArrayByteBufferPool pool = SampleApp.bufferPool();

    assertEquals(1024, capacity(pool, 1024));
    assertEquals(2048, capacity(pool, 1025));
    assertEquals(8192, capacity(pool, 8192), "a request buffer as large as asked");
    assertEquals(4096, capacity(new ArrayByteBufferPool(), 1024),
        "Jetty's default pool: 4 KB for the same buffer");
  }

  private static int capacity(ArrayByteBufferPool pool, int size) {
    RetainableByteBuffer buffer = pool.acquire(size, true);
    try {
      return buffer.capacity();
    } finally {
      buffer.release();
    }
  }
}
