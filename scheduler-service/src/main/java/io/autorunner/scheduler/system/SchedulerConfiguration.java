package io.autorunner.scheduler.system;

import io.autorunner.common.config.Background;
import io.autorunner.common.naming.InstanceNaming;
import io.autorunner.common.naming.NamingProperties;
import io.autorunner.common.policy.LabelPolicy;
import io.autorunner.common.policy.PolicyProperties;
import io.autorunner.common.routing.RoutingProperties;
import io.autorunner.common.routing.WorkflowJobRouter;
import io.autorunner.common.signature.WebhookSignature;
import io.autorunner.scheduler.queue.CloudTasksCredentials;
import io.autorunner.scheduler.queue.CloudTasksRunnerQueue;
import io.autorunner.scheduler.queue.LocalRunnerQueue;
import io.autorunner.scheduler.queue.RunnerQueue;
import io.autorunner.scheduler.queue.TasksProperties;
import io.autorunner.scheduler.webhook.CpuGate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The scheduler's wiring. The queue adapter is chosen in a bean method, not by conditions, so a
 * build-time AOT-processed image still switches on {@code autorunner.tasks.mode} at run time.
 */
@Configuration(proxyBeanMethods = false)
class SchedulerConfiguration {

  private static final Logger log = LoggerFactory.getLogger(SchedulerConfiguration.class);

  @Bean
  WebhookSignature webhookSignature(WebhookProperties webhook) {
    return new WebhookSignature(webhook.secret());
  }

  /**
   * The webhook's CPU work, a few deliveries at a time ({@code
   * autorunner.webhook.cpu-concurrency}).
   */
  @Bean
  CpuGate webhookCpuGate(WebhookProperties webhook) {
    return new CpuGate(webhook.cpuConcurrency());
  }

  @Bean
  WorkflowJobRouter workflowJobRouter(
      RoutingProperties routing, PolicyProperties policy, NamingProperties naming) {
    return new WorkflowJobRouter(
        routing.rules(), new LabelPolicy(policy), new InstanceNaming(naming.prefix()));
  }

  @Bean
  RunnerQueue runnerQueue(TasksProperties tasks) {
    return switch (tasks.mode()) {
      case CLOUD_TASKS -> {
        log.info("tasks go to Cloud Tasks queue {} → {}", tasks.queue(), tasks.handlerUrl());
        // Looked up on their own thread while Spring builds the rest (on Cloud Run, the metadata
        // server answers). The warm-up waits for them.
        yield new CloudTasksRunnerQueue(
            tasks,
            Background.start("cloud-tasks-credentials", () -> CloudTasksCredentials.lookUp(tasks)));
      }
      case LOCAL -> {
        log.info("tasks go to the in-process local queue → {}", tasks.handlerUrl());
        yield new LocalRunnerQueue(tasks);
      }
    };
  }
}
