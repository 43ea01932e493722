package io.autorunner.scheduler;

import io.autorunner.common.config.Startup;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** Entry point of the scheduler service. */
@SpringBootApplication
@ConfigurationPropertiesScan({"io.autorunner.scheduler", "io.autorunner.common"})
public class SchedulerApplication {
  public static void main(String[] args) {
    Startup.run(SchedulerApplication.class, args);
  }
}
