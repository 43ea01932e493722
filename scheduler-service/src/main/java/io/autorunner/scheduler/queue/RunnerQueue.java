package io.autorunner.scheduler.queue;

import io.autorunner.common.task.RunnerTask;
import java.time.Duration;

/**
 * Where the scheduler hands work to the handler. Tasks are named by {@link RunnerTask#taskId()}:
 * enqueuing a name that exists already is a success that creates nothing.
 */
public interface RunnerQueue extends AutoCloseable {

  /**
   * @return the task's name and whether this call created it
   * @throws QueueUnavailableException when the queue cannot take the task now
   */
  default Enqueued enqueue(RunnerTask task) {
    return enqueue(task, Duration.ZERO);
  }

  /**
   * Enqueues a task the handler gets no sooner than {@code delay} from now (Cloud Tasks' schedule
   * time).
   *
   * @return the task's name and whether this call created it
   * @throws QueueUnavailableException when the queue cannot take the task now
   */
  Enqueued enqueue(RunnerTask task, Duration delay);

  /**
   * Readies everything an enqueue of a task like {@code example} needs (clients, serializers) and
   * sends nothing. Called while the service starts, so that the first webhook does not pay for it.
   *
   * @throws IllegalStateException when the queue cannot be used at all (the service must not start)
   */
  default void warmUp(RunnerTask example) {}

  @Override
  default void close() {}

  /**
   * @param name the queue's name for the task
   * @param created false when a task of that name existed already (a repeated delivery)
   */
  record Enqueued(String name, boolean created) {}
}
