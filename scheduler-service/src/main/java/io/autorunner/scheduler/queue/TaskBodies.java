package io.autorunner.scheduler.queue;

import io.autorunner.common.task.RunnerTask;
import tools.jackson.databind.json.JsonMapper;

/** The JSON body the handler receives for a task: the task record itself. */
final class TaskBodies {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  private TaskBodies() {}

  static byte[] json(RunnerTask task) {
    return JSON.writeValueAsBytes(task);
  }
}
