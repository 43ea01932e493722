package io.autorunner.handler;

import io.autorunner.common.config.Startup;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** Entry point of the handler service. */
@SpringBootApplication
@ConfigurationPropertiesScan({"io.autorunner.handler", "io.autorunner.common"})
public class HandlerApplication {
  public static void main(String[] args) {
    Startup.run(HandlerApplication.class, args);
  }
}
