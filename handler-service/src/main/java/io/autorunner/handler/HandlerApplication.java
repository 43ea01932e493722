package io.autorunner.handler;

import io.autorunner.common.config.Startup;
import io.autorunner.handler.setup.AppSetup;
import java.util.Arrays;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/**
 * Entry point of the handler service; {@code setup-app} instead registers the GitHub App (see
 * {@link AppSetup}) without starting the service.
 */
@SpringBootApplication
@ConfigurationPropertiesScan({"io.autorunner.handler", "io.autorunner.common"})
public class HandlerApplication {
  public static void main(String[] args) {
    if (args.length > 0 && "setup-app".equals(args[0])) {
      System.exit(AppSetup.run(Arrays.copyOfRange(args, 1, args.length), System.out, System.err));
    }
    Startup.run(HandlerApplication.class, args);
  }
}
