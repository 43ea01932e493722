package io.autorunner.scheduler.training;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The image build's training run (Dockerfile.scheduler) works here as it must there: the scheduler
 * starts in cloud-tasks mode against the loopback stand-in and every delivery shape is answered as
 * it should be; otherwise the build would stop, or worse, cache a path the webhook never takes.
 */
class AotTrainingTests {

  @Test
  void everyDeliveryOfTheTrainingRunIsAnsweredAsItShouldBe() throws Exception {
    assertThat(AotTraining.train(2)).isTrue();
  }
}
