package io.autorunner.scheduler.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class CpuGateTests {

  @Test
  void noMoreThanItsPermitsComputeAtOnceAndEveryoneGetsThrough() throws Exception {
    CpuGate gate = new CpuGate(2);
    AtomicInteger inside = new AtomicInteger();
    AtomicInteger most = new AtomicInteger();
    CountDownLatch start = new CountDownLatch(1);
    List<Future<Integer>> results = new ArrayList<>();
    ExecutorService deliveries = Executors.newFixedThreadPool(12);
    try {
      for (int i = 0; i < 12; i++) {
        int n = i;
        results.add(
            deliveries.submit(
                () -> {
                  start.await();
                  return gate.through(
                      () -> {
                        most.accumulateAndGet(inside.incrementAndGet(), Math::max);
                        try {
                          TimeUnit.MILLISECONDS.sleep(20);
                        } catch (InterruptedException e) {
                          Thread.currentThread().interrupt();
                        }
                        inside.decrementAndGet();
                        return n;
                      });
                }));
      }
      start.countDown();
      for (int i = 0; i < 12; i++) {
        assertThat(results.get(i).get(10, TimeUnit.SECONDS)).isEqualTo(i);
      }
    } finally {
      deliveries.shutdownNow();
    }
    assertThat(most.get()).isEqualTo(2);
  }

  @Test
  void aFailureGivesItsPermitBack() {
    CpuGate gate = new CpuGate(1);
    assertThatThrownBy(
            () ->
                gate.through(
                    () -> {
                      throw new IllegalStateException("parse failed");
                    }))
        .hasMessage("parse failed");
    assertThat(gate.through(() -> "next")).isEqualTo("next");
  }

  @Test
  void atLeastOnePermit() {
    assertThatThrownBy(() -> new CpuGate(0)).hasMessageContaining("at least 1");
  }
}
