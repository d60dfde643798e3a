package io.ssekit.testkit;

import io.ssekit.spi.Fanout;

/** {@link Fanout#local()} meets the fanout contract. */
class LocalFanoutContractTest extends FanoutContract {
  @Override
  protected Fanout newFanout() {
    return Fanout.local();
  }
}
